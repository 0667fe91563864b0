"""Spending of the other pools: budget lines, PPHP procurement, payment rules, carry-over."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ejamkesda.core.roles import Role
from ejamkesda.funds import services, spending
from ejamkesda.funds.models import CarryOver, OrderStatus
from tests.factories import ProviderFactory, user_with_role
from tests.funds.factories import stored_profile

pytestmark = pytest.mark.django_db
JAN = dt.date(2025, 1, 1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def proof(name: str = "bukti.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 bukti", content_type="application/pdf")


@pytest.fixture
def hospital():
    provider = ProviderFactory()
    services.receipt_record(
        provider=provider, period=JAN, source="jamkesda", amount=10_000_000,
        profile=stored_profile("kapuas-hulu-9-2015"), received_on=JAN, actor=None,
    )  # fmt: skip
    treasurer = user_with_role(Role.TREASURER, provider=provider)
    drugs = spending.budget_line_create(
        provider=provider, year=2025, pool_code="obat_alkes_bmhp", category="obat", name="Obat generik",
        planned=3_000_000, actor=treasurer,
    )  # fmt: skip
    ops = spending.budget_line_create(
        provider=provider, year=2025, pool_code="operasional", category="operasional", name="Listrik",
        planned=1_000_000, actor=treasurer,
    )  # fmt: skip
    return provider, treasurer, drugs, ops


def test_order_must_be_accepted_by_pphp_before_payment(hospital):
    _provider, treasurer, drugs, _ops = hospital
    verifier = user_with_role(Role.UPT_VERIFIER)
    order = spending.order_create(
        line=drugs, number="SP-01", supplier="PT Farma", description="Amoksisilin 100 box", amount=2_000_000,
        ordered_on=JAN, actor=treasurer,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="PPHP"):
        spending.order_pay(order=order, paid_on=JAN, proof=proof(), actor=treasurer)
    with pytest.raises(PermissionDenied):
        spending.order_inspect(
            order=order, accepted=True, committee_decree="SK 1", committee_members="A, B, C", handover_number="BA-1",
            note="", inspected_on=JAN, actor=treasurer,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="berita acara"):
        spending.order_inspect(
            order=order, accepted=True, committee_decree="SK 1", committee_members="A, B, C", handover_number="",
            note="", inspected_on=JAN, actor=verifier,
        )  # fmt: skip
    spending.order_inspect(
        order=order, accepted=True, committee_decree="SK 1", committee_members="A, B, C", handover_number="BA-1",
        note="sesuai", inspected_on=JAN, actor=verifier,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Bukti"):
        spending.order_pay(order=order, paid_on=JAN, proof=None, actor=treasurer)
    paid = spending.order_pay(order=order, paid_on=JAN, proof=proof(), actor=treasurer)
    assert paid.status == OrderStatus.PAID and paid.payment_proof.name.endswith(".pdf")
    with pytest.raises(ValidationError):
        spending.order_pay(order=order, paid_on=JAN, proof=proof(), actor=treasurer)


def test_rejected_order_cannot_be_paid(hospital):
    _provider, treasurer, drugs, _ops = hospital
    order = spending.order_create(
        line=drugs, number="SP-02", supplier="PT X", description="Kedaluwarsa", amount=100, ordered_on=JAN,
        actor=treasurer,
    )  # fmt: skip
    spending.order_inspect(
        order=order, accepted=False, committee_decree="SK 1", committee_members="A", handover_number="",
        note="tidak sesuai", inspected_on=JAN, actor=user_with_role(Role.UPT_ADMIN),
    )  # fmt: skip
    with pytest.raises(ValidationError):
        spending.order_pay(order=order, paid_on=JAN, proof=proof(), actor=treasurer)


def test_budget_limits_and_categories(hospital):
    _provider, treasurer, drugs, ops = hospital
    with pytest.raises(ValidationError, match="pagu"):
        spending.order_create(
            line=drugs, number="SP-03", supplier="PT", description="x", amount=3_000_001, ordered_on=JAN,
            actor=treasurer,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="PPHP"):
        spending.expense_record(line=drugs, spent_on=JAN, description="obat", amount=10, proof=proof(), actor=treasurer)
    with pytest.raises(ValidationError, match="PPHP"):
        spending.order_create(
            line=ops, number="SP-04", supplier="PLN", description="listrik", amount=10, ordered_on=JAN,
            actor=treasurer,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        spending.expense_record(
            line=ops, spent_on=JAN, description="listrik", amount=10, proof=proof("x.exe"), actor=treasurer
        )
    spending.expense_record(
        line=ops, spent_on=JAN, description="listrik", amount=400_000, proof=proof(), actor=treasurer
    )
    with pytest.raises(ValidationError, match="pagu"):
        spending.expense_record(
            line=ops, spent_on=JAN, description="air", amount=600_001, proof=proof(), actor=treasurer
        )


def test_summary_and_carry_over_once(hospital):
    provider, treasurer, _drugs, ops = hospital
    spending.expense_record(
        line=ops, spent_on=JAN, description="listrik", amount=400_000, proof=proof(), actor=treasurer
    )
    summary = {item.code: item for item in spending.budget_summary(provider=provider, year=2025)}
    assert "jasa_pelayanan" not in summary
    assert summary["obat_alkes_bmhp"].received == 3_000_000
    assert summary["operasional"].spent == 400_000 and summary["operasional"].remaining == 2_100_000
    created = spending.carry_over(provider=provider, year=2025, actor=treasurer)
    assert {c.pool_code: c.amount for c in created} == {"obat_alkes_bmhp": 3_000_000, "operasional": 2_100_000}
    with pytest.raises(ValidationError):
        spending.carry_over(provider=provider, year=2025, actor=treasurer)
    next_year = {item.code: item for item in spending.budget_summary(provider=provider, year=2026)}
    assert next_year["operasional"].carried_in == 2_100_000
    assert CarryOver.objects.count() == 2


def test_spending_pages_and_scoping(client, login, hospital):
    from django.urls import reverse

    provider, treasurer, drugs, ops = hospital
    other = ProviderFactory()
    client.force_login(treasurer)
    page = client.get(reverse("funds:budget") + f"?provider={provider.pk}&year=2025")
    assert page.status_code == 200 and "Obat generik" in page.content.decode()
    response = client.post(
        reverse("funds:line_spend", args=[drugs.pk]),
        {"number": "SP-9", "supplier": "PT A", "description": "Parasetamol", "amount": "500000",
         "ordered_on": "2025-01-10"},
    )  # fmt: skip
    order = drugs.orders.get()
    assert response.status_code == 302
    detail = client.get(reverse("funds:order_detail", args=[order.pk])).content.decode()
    assert "Pemeriksaan dan serah terima" not in detail  # treasurer cannot inspect
    client.post(
        reverse("funds:order_action", args=[order.pk]), {"action": "pay", "paid_on": "2025-01-20", "proof": proof()}
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.ORDERED  # not paid before PPHP acceptance
    login(Role.UPT_VERIFIER)
    client.post(
        reverse("funds:order_action", args=[order.pk]),
        {"action": "inspect", "accepted": "1", "committee_decree": "SK-7", "committee_members": "A, B, C",
         "handover_number": "BA-7", "note": "", "inspected_on": "2025-01-15"},
    )  # fmt: skip
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    client.force_login(treasurer)
    client.post(
        reverse("funds:order_action", args=[order.pk]), {"action": "pay", "paid_on": "2025-01-20", "proof": proof()}
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert client.get(reverse("funds:order_proof", args=[order.pk])).status_code == 200
    response = client.post(
        reverse("funds:line_spend", args=[ops.pk]),
        {"spent_on": "2025-01-05", "description": "Listrik", "amount": "100000", "proof": proof()},
    )
    assert response.status_code == 302
    expense = ops.expenses.get()
    # Another provider's treasurer sees none of it.
    login(Role.TREASURER, provider=other)
    assert client.get(reverse("funds:order_detail", args=[order.pk])).status_code == 404
    assert client.get(reverse("funds:order_proof", args=[order.pk])).status_code == 404
    assert client.get(reverse("funds:expense_proof", args=[expense.pk])).status_code == 404
    assert client.get(reverse("funds:line_spend", args=[ops.pk])).status_code == 404
    assert client.post(reverse("funds:carry_over"), {"provider": provider.pk, "year": "2025"}).status_code == 404
