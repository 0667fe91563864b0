"""Receivables (Instruksi Bupati Tegal 379/2022 KEDUA 23i): attempts, ageing, hand-over to
BPKAD with a letter, write-offs; the regency's PBI JK contribution in the budget (KEDUA 2a)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ejamkesda.core.roles import Role
from ejamkesda.coverage.models import PremiumBill
from ejamkesda.coverage.services.premium import premium_payment_record
from ejamkesda.coverage.services.receivables import (
    ageing_by_segment,
    collection_attempt_record,
    receivables_hand_over,
    receivables_list,
    write_off_record,
)
from tests.coverage.factories import VILLAGE_A, build_month, nik, regions
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 10)


def _bill(month, amount, segment="pbpu_bp_pemda"):
    return PremiumBill.objects.create(month=month, segment=segment, billed_amount=amount)


def _attempts(bill, admin, count=2):
    for day in range(1, count + 1):
        collection_attempt_record(
            bill=bill,
            attempted_on=dt.date(2026, 11, day),
            means="letter",
            result="Belum dibayar",
            by_whom="Petugas BPJS",
            actor=admin,
        )


def test_per_month_and_segment_with_ageing():
    admin = user_with_role(Role.UPT_ADMIN)
    old = _bill(dt.date(2025, 6, 1), 1_000_000)
    recent = _bill(dt.date(2026, 11, 1), 500_000)
    pbi = _bill(dt.date(2026, 7, 1), 300_000, segment="pbi_apbn")
    premium_payment_record(bill=recent, paid_on=TODAY, amount=200_000, reference="SP2D 1", actor=admin)
    items = {item.bill.pk: item for item in receivables_list(as_of=TODAY)}
    assert items[recent.pk].outstanding == 300_000 and items[recent.pk].bucket == "0-3"
    assert items[old.pk].bucket == ">12" and items[pbi.pk].bucket == "3-6"
    ageing = ageing_by_segment(list(items.values()), TODAY)
    assert ageing["pbpu_bp_pemda"] == {"0-3": 300_000, "3-6": 0, "6-12": 0, ">12": 1_000_000}
    assert ageing["pbi_apbn"]["3-6"] == 300_000


def test_hand_over_needs_attempts_then_letter_lists_amounts(client):
    admin = user_with_role(Role.UPT_ADMIN)
    bill = _bill(dt.date(2026, 3, 1), 750_000)
    _attempts(bill, admin, count=1)
    with pytest.raises(ValidationError):
        receivables_hand_over(bills=[bill], letter_number="900/1/UPT", handed_on=TODAY, actor=admin)
    _attempts(bill, admin, count=1)
    handover = receivables_hand_over(bills=[bill], letter_number="900/1/UPT", handed_on=TODAY, actor=admin)
    assert handover.total == 750_000 and handover.lines[0]["attempts"] == 2
    bill.refresh_from_db()
    assert bill.handover == handover
    with pytest.raises(ValidationError):  # once only
        receivables_hand_over(bills=[bill], letter_number="900/2/UPT", handed_on=TODAY, actor=admin)
    client.force_login(user_with_role(Role.VIEWER))
    response = client.get(reverse("coverage:handover_letter", args=[handover.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    summary = client.get(reverse("coverage:receivables"))
    assert summary.status_code == 200 and summary.context["grand_total"] == 750_000
    assert not summary.context["can_edit"]


def test_payments_and_write_offs_close_the_bill():
    admin = user_with_role(Role.UPT_ADMIN)
    bill = _bill(dt.date(2026, 1, 1), 100_000)
    premium_payment_record(bill=bill, paid_on=TODAY, amount=60_000, reference="", actor=admin)
    with pytest.raises(ValidationError):
        write_off_record(bill=bill, written_on=TODAY, amount=50_000, reference="Keputusan Bupati", actor=admin)
    with pytest.raises(ValidationError):
        write_off_record(bill=bill, written_on=TODAY, amount=40_000, reference=" ", actor=admin)
    write_off_record(bill=bill, written_on=TODAY, amount=40_000, reference="Keputusan Bupati 1/2026", actor=admin)
    item = receivables_list(as_of=TODAY)[0]
    assert item.outstanding == 0 and item.closed and not item.may_hand_over


def test_attempts_and_hand_over_through_the_pages(client):
    admin = user_with_role(Role.UPT_ADMIN)
    bill = _bill(dt.date(2026, 2, 1), 90_000)
    client.force_login(admin)
    for _ in range(2):
        client.post(
            reverse("coverage:attempt_add", args=[bill.pk]),
            {"tanggal": "2026-11-02", "cara": "phone", "hasil": "Janji bayar", "petugas": "Budi (BPJS)"},
        )
    assert bill.attempts.count() == 2
    response = client.post(
        reverse("coverage:handover_create"), {"tagihan": [bill.pk], "nomor": "900/7", "tanggal": "2026-12-01"}
    )
    assert response.status_code == 302 and "serah" in response["Location"]
    verifier = user_with_role(Role.UPT_VERIFIER)
    client.force_login(verifier)
    assert client.post(reverse("coverage:attempt_add", args=[bill.pk]), {}).status_code == 403


def test_budget_page_shows_pbi_contribution(client, settings):
    settings.COVERAGE_PBI_CONTRIBUTION_RUPIAH = 4_000
    settings.COVERAGE_PBI_CONTRIBUTION_BASIS = "Keputusan uji kapasitas fiskal"
    regions()
    build_month(
        dt.date(2026, 10, 1),
        residents=[(nik(1), VILLAGE_A), (nik(2), VILLAGE_A)],
        members=[(nik(1), "pbi_apbn", "aktif"), (nik(2), "pbpu_bp_pemda", "aktif")],
    )
    client.force_login(user_with_role(Role.VIEWER))
    response = client.get(reverse("coverage:premium"))
    page = response.content.decode()
    assert "Keputusan uji kapasitas fiskal" in page
    totals = {str(row["label"]): row["amount"] for row in response.context["category_totals"]}
    pbi_label = next(label for label in totals if "PBI JK" in label)
    assert totals[pbi_label] == 1 * 4_000 * 12
    xlsx = client.get(reverse("coverage:premium") + "?format=xlsx")
    assert xlsx.status_code == 200
