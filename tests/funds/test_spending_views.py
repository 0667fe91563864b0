"""Spending pages per role: the Pejabat Pengadaan orders, the PPHP accepts, the treasurer pays
and records deposits; Tanah Datar spends directly with proof; scoping by provider."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ejamkesda.core.navigation import menu_for
from ejamkesda.core.roles import Role
from ejamkesda.funds import services, spending
from ejamkesda.funds.models import BudgetLine, OrderStatus
from tests.factories import ProviderFactory, UserFactory, user_with_role
from tests.funds.factories import stored_profile

pytestmark = pytest.mark.django_db
JAN = dt.date(2025, 1, 1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def proof() -> SimpleUploadedFile:
    return SimpleUploadedFile("bukti.pdf", b"%PDF-1.4 bukti", content_type="application/pdf")


def receive(provider, profile: str, period: dt.date):
    return services.receipt_record(
        provider=provider, period=period, source="jamkesda", amount=10_000_000, profile=stored_profile(profile),
        received_on=period, actor=None,
    )  # fmt: skip


def budget_url(provider, year: int = 2025) -> str:
    return reverse("funds:budget") + f"?provider={provider.pk}&year={year}"


def test_kapuas_hulu_pages_deposit_order_accept_pay(client, login):
    provider = ProviderFactory()
    receipt = receive(provider, "kapuas-hulu-9-2015", dt.date(2024, 3, 1))
    treasurer = login(Role.TREASURER, provider=provider)
    page = client.get(reverse("funds:receipt_detail", args=[receipt.pk])).content.decode()
    assert "Setor ke Kas Daerah" in page
    client.post(reverse("funds:receipt_deposit", args=[receipt.pk]), {"deposited_on": "2024-12-20", "reference": ""})
    receipt.refresh_from_db()
    assert receipt.deposited_on is None
    client.post(
        reverse("funds:receipt_deposit", args=[receipt.pk]), {"deposited_on": "2024-12-20", "reference": "STS-9"}
    )
    receipt.refresh_from_db()
    assert receipt.deposit_reference == "STS-9"
    page = client.get(budget_url(provider)).content.decode()
    assert "Kas Daerah" in page and "obat_alkes_bmhp:perjalanan" not in page
    assert 'value="obat_alkes_bmhp:obat"' in page
    # A pool/category pair the profile does not allow is refused, even if posted by hand.
    client.post(reverse("funds:budget_line_create"), {"provider": provider.pk, "year": "2025",
                "pool_category": "obat_alkes_bmhp:perjalanan", "name": "SPPD", "planned": "100"})  # fmt: skip
    assert not BudgetLine.objects.filter(provider=provider).exists()
    client.post(reverse("funds:budget_line_create"), {"provider": provider.pk, "year": "2025",
                "pool_category": "obat_alkes_bmhp:obat", "name": "Obat generik", "planned": "1000000"})  # fmt: skip
    drugs = BudgetLine.objects.get(provider=provider)
    assert (drugs.pool_code, drugs.category) == ("obat_alkes_bmhp", "obat")
    assert client.get(reverse("funds:line_spend", args=[drugs.pk])).status_code == 403  # treasurer does not order

    officer = login(Role.PROCUREMENT_OFFICER)
    assert client.get(reverse("funds:index")).status_code == 403  # no jaspel pages
    assert "Buat pesanan" in client.get(budget_url(provider)).content.decode()
    client.post(reverse("funds:line_spend", args=[drugs.pk]), {"number": "SP-9", "supplier": "PT A",
                "description": "Parasetamol", "amount": "500000", "ordered_on": "2025-01-10"})  # fmt: skip
    order = drugs.orders.get()
    assert order.created_by == officer
    home = client.get(reverse("funds:procurement")).content.decode()
    assert "SP-9" in home and "Obat generik" in home

    login(Role.UPT_VERIFIER)
    client.post(reverse("funds:order_action", args=[order.pk]), {"action": "inspect", "accepted": "1",
                "committee_decree": "SK-7", "committee_members": "A, B, C", "handover_number": "BA-7", "note": "",
                "inspected_on": "2025-01-15"})  # fmt: skip
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    client.force_login(treasurer)
    client.post(reverse("funds:order_action", args=[order.pk]), {"action": "pay", "paid_on": "2025-01-20",
                "proof": proof()})  # fmt: skip
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert client.get(reverse("funds:order_proof", args=[order.pk])).status_code == 200
    login(Role.TREASURER, provider=ProviderFactory())
    assert client.get(reverse("funds:order_detail", args=[order.pk])).status_code == 404
    assert client.post(reverse("funds:receipt_deposit", args=[receipt.pk]), {}).status_code == 404


def test_tanah_datar_page_records_expense_with_proof(client, login):
    provider = ProviderFactory()
    receive(provider, "tanah-datar-29-2017", JAN)
    login(Role.TREASURER, provider=provider)
    page = client.get(budget_url(provider)).content.decode()
    assert "tanpa PPHP" in page and "Setor" not in page
    client.post(reverse("funds:budget_line_create"), {"provider": provider.pk, "year": "2025",
                "pool_category": "jasa_sarana:obat", "name": "Obat", "planned": "1000000"})  # fmt: skip
    drugs = BudgetLine.objects.get(provider=provider)
    response = client.post(reverse("funds:line_spend", args=[drugs.pk]), {"spent_on": "2025-01-05",
                           "description": "Parasetamol", "amount": "100000", "proof": proof()})  # fmt: skip
    assert response.status_code == 302 and drugs.expenses.get().amount == 100_000
    login(Role.PROCUREMENT_OFFICER)
    assert client.get(reverse("funds:line_spend", args=[drugs.pk])).status_code == 403
    assert "Obat" not in client.get(reverse("funds:procurement")).content.decode().split("<h2>")[-1]


def test_procurement_officer_role_binding_menu_and_home(client):
    officer = user_with_role(Role.PROCUREMENT_OFFICER)
    assert officer.agency is not None
    unbound = UserFactory.build(role=Role.PROCUREMENT_OFFICER, username="pp")
    with pytest.raises(ValidationError):
        unbound.full_clean()
    menu = [item["url"] for item in menu_for(officer)]
    assert reverse("funds:procurement") in menu and reverse("funds:index") not in menu
    client.force_login(officer)
    for url in menu:
        assert client.get(url).status_code == 200
    assert client.get(reverse("funds:procurement")).status_code == 200
    for name in ("funds:receipt_list", "funds:staff_list", "funds:profile_list"):
        assert client.get(reverse(name)).status_code == 403
    client.force_login(user_with_role(Role.TREASURER))
    assert client.get(reverse("funds:procurement")).status_code == 403


def test_migration_maps_free_text_pools_and_reverses():
    migration = importlib.import_module("ejamkesda.funds.migrations.0006_budget_line_pool_keys")
    provider = ProviderFactory()
    receive(provider, "kapuas-hulu-9-2015", JAN)
    old = {
        "Obat": ("obat", "obat_alkes_bmhp"), "operasional": ("operasional", "operasional"),
        "dana lain": ("sarana", "operasional"), "jasa_sarana": ("bmhp", "obat_alkes_bmhp"),
    }  # fmt: skip
    for text, (category, _pool) in old.items():
        BudgetLine.objects.create(provider=provider, year=2025, pool_code=text, category=category, name=text,
                                  planned=1)  # fmt: skip
    BudgetLine.objects.create(provider=ProviderFactory(), year=2025, pool_code="tanpa profil", category="obat",
                              name="x", planned=1)  # fmt: skip
    migration.forward(apps, None)
    assert {line.name: line.pool_code for line in BudgetLine.objects.filter(provider=provider)} == {
        text: pool for text, (_category, pool) in old.items()
    }
    assert BudgetLine.objects.get(name="Obat").pool_legacy == "Obat"
    assert BudgetLine.objects.get(name="x").pool_code == "tanpa profil"  # no receipt, no profile: untouched
    assert spending.pool_balance(provider=provider, year=2025, code="operasional").planned == 2
    migration.backward(apps, None)
    assert {line.name: line.pool_code for line in BudgetLine.objects.filter(provider=provider)} == {
        text: text for text in old
    }
    assert not BudgetLine.objects.exclude(pool_legacy="").exists()
