"""Spending by the provider's own profile: pools and categories, pool balances, procurement only
where the profile says so, Kas Daerah deposits and next-year draw, carry-over."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from ejamkesda.core.duties import SeparationOfDutiesError, duties_relax
from ejamkesda.core.roles import Role
from ejamkesda.funds import procurement, services, spending
from ejamkesda.funds.models import BudgetLine, CarryOver, OrderStatus
from tests.factories import AgencyFactory, ProviderFactory, UserFactory, user_with_role
from tests.funds.factories import stored_profile

pytestmark = pytest.mark.django_db
JAN_2024 = dt.date(2024, 1, 1)
JAN = dt.date(2025, 1, 1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def proof(name: str = "bukti.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 bukti", content_type="application/pdf")


def receive(provider, profile: str, period: dt.date, amount: int = 10_000_000):
    return services.receipt_record(
        provider=provider, period=period, source="jamkesda", amount=amount, profile=stored_profile(profile),
        received_on=period, actor=None,
    )  # fmt: skip


def line(provider, pool: str, category: str, planned: int, actor, name: str = "Pagu", year: int = 2025):
    return spending.budget_line_create(
        provider=provider, year=year, pool_code=pool, category=category, name=name, planned=planned, actor=actor
    )


@pytest.fixture
def kapuas():
    """RS Bergerak Badau: 2024 revenue deposited to the Kas Daerah, spent in 2025."""
    provider = ProviderFactory()
    treasurer = user_with_role(Role.TREASURER, provider=provider)
    spending.receipt_deposit(receipt=receive(provider, "kapuas-hulu-9-2015", JAN_2024), deposited_on=JAN_2024,
                             reference="STS-1", actor=treasurer)  # fmt: skip
    drugs = line(provider, "obat_alkes_bmhp", "obat", 3_000_000, treasurer, "Obat generik")
    ops = line(provider, "operasional", "operasional", 1_000_000, treasurer, "Listrik")
    return provider, treasurer, drugs, ops


@pytest.fixture
def tanah_datar():
    provider = ProviderFactory()
    receive(provider, "tanah-datar-29-2017", JAN)
    treasurer = user_with_role(Role.TREASURER, provider=provider)
    return provider, treasurer


def order(drugs, officer, amount: int = 2_000_000):
    return procurement.order_create(
        line=drugs, number="SP-01", supplier="PT Farma", description="Amoksisilin", amount=amount, ordered_on=JAN,
        actor=officer,
    )  # fmt: skip


def inspect(order_, actor):
    return procurement.order_inspect(
        order=order_, accepted=True, committee_decree="SK 1", committee_members="A, B, C", handover_number="BA-1",
        note="sesuai", inspected_on=JAN, actor=actor,
    )  # fmt: skip


# --- pools and categories ----------------------------------------------------------------------


def test_pool_comes_from_profile_and_category_must_be_allowed(kapuas, tanah_datar):
    provider, treasurer, _drugs, _ops = kapuas
    with pytest.raises(ValidationError, match="tidak ada di profil"):
        line(provider, "obat", "obat", 1, treasurer)  # free text is no pool
    with pytest.raises(ValidationError, match="tidak boleh dibiayai"):
        line(provider, "obat_alkes_bmhp", "perjalanan", 1, treasurer)  # the drugs pool cannot pay travel
    with pytest.raises(ValidationError, match="tidak boleh dibiayai"):
        line(provider, "operasional", "bmhp", 1, treasurer)
    with pytest.raises(ValidationError, match="tidak ada di profil"):
        line(provider, "jasa_pelayanan", "operasional", 1, treasurer)  # paid by distribution runs
    choices = dict(spending.pool_choices(provider=provider, year=2025))
    assert set(choices) == {
        "obat_alkes_bmhp:obat", "obat_alkes_bmhp:alkes", "obat_alkes_bmhp:bmhp",
        "operasional:sarana", "operasional:perjalanan", "operasional:operasional",
    }  # fmt: skip
    td_provider, td_treasurer = tanah_datar
    with pytest.raises(ValidationError, match="tidak boleh dibiayai"):
        line(td_provider, "jasa_sarana", "alkes", 1, td_treasurer)  # not in Pasal 5 a-e
    assert line(td_provider, "jasa_sarana", "perjalanan", 1, td_treasurer).pool_code == "jasa_sarana"


def test_line_with_a_category_its_pool_may_not_pay_cannot_spend(kapuas):
    provider, treasurer, _drugs, _ops = kapuas
    travel = BudgetLine.objects.create(
        provider=provider, year=2025, pool_code="obat_alkes_bmhp", category="perjalanan", name="lama", planned=10
    )
    with pytest.raises(ValidationError, match="tidak boleh membiayai"):
        spending.expense_record(line=travel, spent_on=JAN, description="x", amount=1, proof=proof(), actor=treasurer)


def test_spending_over_the_pool_balance_is_refused(kapuas):
    provider, treasurer, _drugs, ops = kapuas
    # The operational pool holds 25% of 10 000 000 deposited last year.
    second = line(provider, "operasional", "perjalanan", 2_000_000, treasurer, "Perjalanan")
    ops_big = line(provider, "operasional", "operasional", 2_000_000, treasurer, "Listrik 2")
    spending.expense_record(line=second, spent_on=JAN, description="SPPD", amount=2_000_000, proof=proof(),
                            actor=treasurer)  # fmt: skip
    with pytest.raises(ValidationError, match="saldo pos"):
        spending.expense_record(line=ops_big, spent_on=JAN, description="PLN", amount=500_001, proof=proof(),
                                actor=treasurer)  # fmt: skip
    spending.expense_record(line=ops, spent_on=JAN, description="PLN", amount=500_000, proof=proof(), actor=treasurer)
    balance = spending.pool_balance(provider=provider, year=2025, code="operasional")
    assert (balance.available, balance.spent, balance.free) == (2_500_000, 2_500_000, 0)
    with pytest.raises(ValidationError, match="pagu"):
        spending.expense_record(line=ops, spent_on=JAN, description="air", amount=500_001, proof=proof(),
                                actor=treasurer)  # fmt: skip


# --- procurement only where the profile says so -----------------------------------------------


def test_kapuas_hulu_procurement_order_pphp_then_payment(kapuas):
    _provider, treasurer, drugs, _ops = kapuas
    officer = user_with_role(Role.PROCUREMENT_OFFICER)
    verifier = user_with_role(Role.UPT_VERIFIER)
    with pytest.raises(PermissionDenied):
        order(drugs, treasurer)  # the treasurer who pays does not order
    with pytest.raises(ValidationError, match="Pejabat Pengadaan"):
        spending.expense_record(line=drugs, spent_on=JAN, description="obat", amount=10, proof=proof(), actor=treasurer)
    with pytest.raises(ValidationError, match="pagu"):
        order(drugs, officer, 3_000_001)
    placed = order(drugs, officer)
    assert spending.pool_balance(provider=drugs.provider, year=2025, code="obat_alkes_bmhp").committed == 2_000_000
    with pytest.raises(ValidationError, match="PPHP"):
        procurement.order_pay(order=placed, paid_on=JAN, proof=proof(), actor=treasurer)
    with pytest.raises(PermissionDenied):
        inspect(placed, treasurer)
    with pytest.raises(PermissionDenied):
        inspect(placed, officer)
    inspect(placed, verifier)
    with pytest.raises(ValidationError, match="Bukti"):
        procurement.order_pay(order=placed, paid_on=JAN, proof=None, actor=treasurer)
    paid = procurement.order_pay(order=placed, paid_on=JAN, proof=proof(), actor=treasurer)
    assert paid.status == OrderStatus.PAID and paid.payment_proof.name.endswith(".pdf")
    balance = spending.pool_balance(provider=drugs.provider, year=2025, code="obat_alkes_bmhp")
    assert (balance.spent, balance.committed) == (2_000_000, 0)


def test_who_orders_neither_accepts_nor_pays(kapuas):
    _provider, treasurer, drugs, _ops = kapuas
    chief = UserFactory(role=Role.UPT_ADMIN, is_superuser=True)  # passes every role gate
    placed = order(drugs, chief)
    with pytest.raises(ValidationError, match="Pemisahan tugas"):
        inspect(placed, chief)
    admin = user_with_role(Role.UPT_ADMIN)
    inspect(placed, admin)
    for actor in (chief, admin):
        with pytest.raises(ValidationError, match="Pemisahan tugas"):
            procurement.order_pay(order=placed, paid_on=JAN, proof=proof(), actor=actor)
    assert procurement.order_pay(order=placed, paid_on=JAN, proof=proof(), actor=treasurer).status == OrderStatus.PAID


def test_rejected_order_cannot_be_paid(kapuas):
    _provider, treasurer, drugs, _ops = kapuas
    placed = order(drugs, user_with_role(Role.PROCUREMENT_OFFICER), 100)
    procurement.order_inspect(
        order=placed, accepted=False, committee_decree="SK 1", committee_members="A", handover_number="",
        note="tidak sesuai", inspected_on=JAN, actor=user_with_role(Role.UPT_ADMIN),
    )  # fmt: skip
    with pytest.raises(ValidationError):
        procurement.order_pay(order=placed, paid_on=JAN, proof=proof(), actor=treasurer)
    assert spending.pool_balance(provider=drugs.provider, year=2025, code="obat_alkes_bmhp").committed == 0


def test_tanah_datar_records_spending_directly_with_proof(tanah_datar):
    provider, treasurer = tanah_datar
    drugs = line(provider, "jasa_sarana", "obat", 1_000_000, treasurer, "Obat")
    with pytest.raises(ValidationError, match="PPHP"):
        order(drugs, user_with_role(Role.PROCUREMENT_OFFICER), 100)
    with pytest.raises(ValidationError, match="Bukti"):
        spending.expense_record(line=drugs, spent_on=JAN, description="obat", amount=10, proof=None, actor=treasurer)
    with pytest.raises(ValidationError):
        spending.expense_record(line=drugs, spent_on=JAN, description="x", amount=10, proof=proof("x.exe"),
                                actor=treasurer)  # fmt: skip
    expense = spending.expense_record(line=drugs, spent_on=JAN, description="Parasetamol", amount=400_000,
                                      proof=proof(), actor=treasurer)  # fmt: skip
    assert expense.proof.name.endswith(".pdf")
    # Tanah Datar receipts are spent in their own year; nothing is deposited first.
    balance = spending.pool_balance(provider=provider, year=2025, code="jasa_sarana")
    assert (balance.received, balance.spent) == (4_000_000, 400_000)


# --- Kas Daerah deposits, next-year draw, carry-over --------------------------------------------


def test_kapuas_receipts_are_deposited_and_drawn_next_year(kapuas, tanah_datar):
    provider, treasurer, _drugs, _ops = kapuas
    this_year = receive(provider, "kapuas-hulu-9-2015", JAN, 20_000_000)
    undeposited = receive(provider, "kapuas-hulu-9-2015", dt.date(2024, 6, 1), 4_000_000)
    summary = {item.code: item for item in spending.budget_summary(provider=provider, year=2025)}
    # Only last year's deposited revenue is there; this year's and the undeposited one are not.
    assert summary["obat_alkes_bmhp"].received == 3_000_000
    assert summary["jasa_pelayanan"].received == 4_500_000
    with pytest.raises(ValidationError, match="bukti setor"):
        spending.receipt_deposit(receipt=undeposited, deposited_on=JAN, reference=" ", actor=treasurer)
    spending.receipt_deposit(receipt=undeposited, deposited_on=JAN, reference="STS-2", actor=treasurer)
    with pytest.raises(ValidationError, match="sudah disetor"):
        spending.receipt_deposit(receipt=undeposited, deposited_on=JAN, reference="STS-3", actor=treasurer)
    assert spending.pool_balance(provider=provider, year=2025, code="obat_alkes_bmhp").received == 4_200_000
    spending.receipt_deposit(receipt=this_year, deposited_on=JAN, reference="STS-4", actor=treasurer)
    assert spending.pool_balance(provider=provider, year=2026, code="obat_alkes_bmhp").received == 6_000_000
    td_provider, td_treasurer = tanah_datar
    with pytest.raises(ValidationError, match="Kas Daerah"):
        spending.receipt_deposit(receipt=td_provider.fund_receipts.get(), deposited_on=JAN, reference="STS",
                                 actor=td_treasurer)  # fmt: skip


def test_kapuas_carry_over_includes_jasa_pelayanan(kapuas):
    provider, treasurer, _drugs, ops = kapuas
    spending.expense_record(line=ops, spent_on=JAN, description="PLN", amount=400_000, proof=proof(), actor=treasurer)
    created = spending.carry_over(provider=provider, year=2025, actor=treasurer)
    assert {c.pool_code: c.amount for c in created} == {
        "jasa_pelayanan": 4_500_000, "obat_alkes_bmhp": 3_000_000, "operasional": 2_100_000,
    }  # fmt: skip
    with pytest.raises(ValidationError):
        spending.carry_over(provider=provider, year=2025, actor=treasurer)
    next_year = {item.code: item for item in spending.budget_summary(provider=provider, year=2026)}
    assert next_year["jasa_pelayanan"].carried_in == 4_500_000
    assert next_year["operasional"].available == 2_100_000  # nothing deposited in 2025 yet


def test_tanah_datar_carry_over_keeps_todays_pools(tanah_datar):
    provider, treasurer = tanah_datar
    created = spending.carry_over(provider=provider, year=2025, actor=treasurer)
    assert {c.pool_code: c.amount for c in created} == {"jasa_sarana": 4_000_000}
    assert CarryOver.objects.filter(provider=provider).count() == 1


def test_no_receipt_means_no_profile():
    provider = ProviderFactory()
    with pytest.raises(ValidationError, match="profil regulasinya"):
        line(provider, "jasa_sarana", "obat", 1, None)


def test_only_the_pejabat_pengadaan_of_dinas_kesehatan_orders(kapuas):
    _provider, _treasurer, drugs, _ops = kapuas
    elsewhere = UserFactory.build(role=Role.PROCUREMENT_OFFICER, username="pp-dinsos", agency=AgencyFactory())
    with pytest.raises(ValidationError, match="Dinas Kesehatan"):
        elsewhere.full_clean(exclude=["password"])
    elsewhere.save()  # bound to another OPD before the rule (or by a direct database edit)
    with pytest.raises(PermissionDenied):
        order(drugs, elsewhere)
    officer = user_with_role(Role.PROCUREMENT_OFFICER)
    assert officer.agency.health_office and order(drugs, officer, 100).created_by == officer
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyFactory(name="Dinas Kesehatan kedua", health_office=True)  # one health office only


def test_procurement_separation_is_the_one_rule_and_never_relaxed(kapuas):
    provider, _treasurer, drugs, _ops = kapuas
    chief = UserFactory(role=Role.UPT_ADMIN, is_superuser=True)
    duties_relax(provider=provider, reason="Puskesmas satu orang", actor=chief)
    placed = order(drugs, chief)
    with pytest.raises(SeparationOfDutiesError, match=r"Anda sudah memesan barang ini.*Pasal 9 dan 13"):
        inspect(placed, chief)
    inspect(placed, user_with_role(Role.UPT_ADMIN))
    with pytest.raises(SeparationOfDutiesError, match="Pasal 9, 13 dan 15"):
        procurement.order_pay(order=placed, paid_on=JAN, proof=proof(), actor=chief)
