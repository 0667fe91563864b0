"""Premium budget, reconciliation of the BPJS bill and receivables for residents the
regency registers as PBPU/BP Pemda class 3 (Instruksi Bupati Tegal 379/2022 KEDUA angka 1 huruf a, angka 2
huruf b, angka 5 huruf a, angka 23 huruf i). Arithmetic lives in ``ejamkesda.rules.premium``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ejamkesda.audit.services import audit_record
from ejamkesda.coverage.models import (
    CoveragePeriod,
    MembershipRecord,
    PremiumBill,
    PremiumBillLine,
    PremiumPayment,
    PremiumRate,
    PremiumSubsidyRate,
)
from ejamkesda.participants.models import MembershipStatus, Segment
from ejamkesda.rules.premium import (
    CATEGORY_BP,
    CATEGORY_PBI,
    CATEGORY_PBPU,
    CATEGORY_PEMDA,
    DEFAULT_RATES,
    DEFAULT_SUBSIDIES,
    Contribution,
    NoRate,
    Rate,
    ShareBudget,
    month_start,
    rate_on,
    reconcile,
    share_budget,
)


def current_rates() -> list[Rate]:
    """The shipped national rates, overridden or extended by the rates entered in the app."""
    entered = {r.effective_from: Rate(r.effective_from, r.monthly_rupiah, r.source) for r in PremiumRate.objects.all()}
    merged = {rate.effective_from: rate for rate in DEFAULT_RATES} | entered
    return sorted(merged.values(), key=lambda rate: rate.effective_from, reverse=True)


def pemda_members(period: CoveragePeriod) -> Any:
    """Active PBPU/BP Pemda class-3 members of the period's membership snapshot."""
    return MembershipRecord.objects.filter(
        snapshot_id=period.membership_id, segment=Segment.PBPU_BP_PEMDA, status=MembershipStatus.ACTIVE
    ).exclude(care_class__in=[1, 2])


def current_subsidies() -> list[Contribution]:
    """The shipped bantuan iuran schedule, overridden or extended by the one entered in the app."""
    entered = {
        r.effective_from: Contribution(
            r.effective_from, r.premium_rupiah, r.participant_rupiah, r.central_rupiah, r.regional_rupiah, r.source
        )
        for r in PremiumSubsidyRate.objects.all()
    }
    merged = {item.effective_from: item for item in DEFAULT_SUBSIDIES} | entered
    return sorted(merged.values(), key=lambda item: item.effective_from, reverse=True)


def pbi_members_active(period: CoveragePeriod) -> Any:
    """Active PBI JK recipients of the period (KEDUA 2a: the regency contributes to their premium)."""
    return MembershipRecord.objects.filter(
        snapshot_id=period.membership_id, segment=Segment.PBI_APBN, status=MembershipStatus.ACTIVE
    )


def category_counts(period: CoveragePeriod | None) -> dict[str, int]:
    """Head-counts of the month: active PBI JK recipients (KEDUA 2a), active PBPU/BP Pemda
    (class 3) and active self-paying PBPU and BP members of class 3 (angka 1 huruf a)."""
    if period is None:
        return dict.fromkeys((CATEGORY_PBI, CATEGORY_PEMDA, CATEGORY_PBPU, CATEGORY_BP), 0)
    own = MembershipRecord.objects.filter(
        snapshot_id=period.membership_id, status=MembershipStatus.ACTIVE, care_class=3
    )
    return {
        CATEGORY_PBI: pbi_members_active(period).count(),
        CATEGORY_PEMDA: pemda_members(period).count(),
        CATEGORY_PBPU: own.filter(segment=Segment.PBPU).count(),
        CATEGORY_BP: own.filter(segment=Segment.BP).count(),
    }


def share_budget_compute(*, counts: dict[str, int], start: dt.date, months: int) -> ShareBudget:
    return share_budget(
        counts=dict(counts),
        start=start,
        months=months,
        rates=current_rates(),
        subsidies=current_subsidies(),
        pbi_regional=settings.COVERAGE_PBI_CONTRIBUTION_RUPIAH,
        pbi_source=settings.COVERAGE_PBI_CONTRIBUTION_BASIS,
    )


def premium_subsidy_set(
    *,
    effective_from: dt.date,
    premium_rupiah: int,
    participant_rupiah: int,
    central_rupiah: int,
    regional_rupiah: int,
    source: str,
    actor: Any,
) -> PremiumSubsidyRate:
    """Record who pays the class-3 premium of PBPU/BP members from a date; the parts must add up."""
    try:
        Contribution(effective_from, premium_rupiah, participant_rupiah, central_rupiah, regional_rupiah)
    except ValueError as error:
        raise ValidationError(str(error)) from None
    with transaction.atomic():
        item, created = PremiumSubsidyRate.objects.update_or_create(
            effective_from=effective_from,
            defaults={
                "premium_rupiah": premium_rupiah,
                "participant_rupiah": participant_rupiah,
                "central_rupiah": central_rupiah,
                "regional_rupiah": regional_rupiah,
                "source": source[:200],
            },
        )
        audit_record(
            action="create" if created else "update",
            obj=item,
            summary=f"Bantuan iuran PBPU/BP kelas 3 mulai {effective_from:%d-%m-%Y}: Pemda Rp{regional_rupiah}",
            actor=actor,
        )
    return item


def premium_rate_set(*, effective_from: dt.date, monthly_rupiah: int, source: str, actor: Any) -> PremiumRate:
    with transaction.atomic():
        rate, created = PremiumRate.objects.update_or_create(
            effective_from=effective_from, defaults={"monthly_rupiah": monthly_rupiah, "source": source[:200]}
        )
        audit_record(
            action="create" if created else "update",
            obj=rate,
            summary=f"Tarif iuran mulai {effective_from:%d-%m-%Y}: Rp{monthly_rupiah}",
            actor=actor,
        )
    return rate


def premium_bill_reconcile(
    *,
    month: dt.date,
    billed_amount: int,
    card_numbers: Iterable[str],
    actor: Any,
    note: str = "",
    segment: str = Segment.PBPU_BP_PEMDA,
) -> PremiumBill:
    """Record the BPJS bill of ``month`` for ``segment`` (PBPU/BP Pemda, or the regency's
    PBI JK contribution) and compare it with the system's count."""
    if segment not in (Segment.PBPU_BP_PEMDA, Segment.PBI_APBN):
        raise ValidationError(_("Segmen tagihan tidak dikenal."))
    month = month_start(month)
    period = CoveragePeriod.objects.filter(month=month).first()
    if period is None:
        raise ValidationError(_("Belum ada data cakupan bulan ini; impor data BPJS dan hitung cakupan dahulu."))
    if billed_amount < 0:
        raise ValidationError(_("Jumlah tagihan tidak boleh negatif."))
    billed = [card.strip() for card in card_numbers if card and card.strip()]
    members = pbi_members_active(period) if segment == Segment.PBI_APBN else pemda_members(period)
    system = list(members.values_list("card_number", flat=True))
    try:
        rate = rate_on(month, current_rates()).monthly_rupiah
    except NoRate as error:
        raise ValidationError(str(error)) from None
    if segment == Segment.PBI_APBN:  # the regency is billed its contribution only
        rate = settings.COVERAGE_PBI_CONTRIBUTION_RUPIAH
    result = reconcile(billed_ids=billed, system_ids=system, billed_amount=billed_amount, rate=rate)
    try:
        return _bill_store(
            segment=segment,
            month=month,
            period=period,
            billed=billed,
            billed_amount=billed_amount,
            result=result,
            note=note,
            actor=actor,
        )
    except IntegrityError:
        # Two admins recorded the first bill of this month at the same moment: the unique
        # month decides, the other gets a clear message instead of an error page.
        raise ValidationError(_("Tagihan bulan ini baru saja dicatat pengguna lain; muat ulang halaman.")) from None


def _bill_store(
    *,
    segment: str,
    month: dt.date,
    period: CoveragePeriod,
    billed: list[str],
    billed_amount: int,
    result: Any,
    note: str,
    actor: Any,
) -> PremiumBill:
    with transaction.atomic():
        bill = PremiumBill.objects.select_for_update().filter(month=month, segment=segment).first()
        if bill is not None and bill.payments.exists():
            raise ValidationError(_("Tagihan bulan ini sudah ada pembayarannya dan tidak dapat diganti."))
        if bill is None:
            bill = PremiumBill(month=month, segment=segment, created_by=actor)
        bill.billed_amount = billed_amount
        bill.billed_count = result.billed_count
        bill.system_count = result.system_count
        bill.expected_amount = result.expected_amount
        bill.only_on_bill = list(result.only_on_bill)
        bill.only_in_system = list(result.only_in_system)
        bill.membership_snapshot_id = period.membership_id
        bill.note = note[:300]
        bill.save()
        bill.lines.all().delete()
        PremiumBillLine.objects.bulk_create(
            [PremiumBillLine(bill=bill, card_number=card[:20]) for card in sorted(set(billed))], batch_size=2000
        )
        audit_record(
            action="reconcile",
            obj=bill,
            summary=f"Rekonsiliasi tagihan {month:%m-%Y}: selisih {result.count_difference} jiwa, "
            f"Rp{result.amount_difference}",
            actor=actor,
        )
        return bill


def premium_payment_record(
    *, bill: PremiumBill, paid_on: dt.date, amount: int, reference: str, actor: Any
) -> PremiumPayment:
    if amount <= 0:
        raise ValidationError(_("Jumlah pembayaran harus lebih dari nol."))
    with transaction.atomic():
        locked = PremiumBill.objects.select_for_update().get(pk=bill.pk)
        payment = PremiumPayment.objects.create(
            bill=locked, paid_on=paid_on, amount=amount, reference=reference[:100], created_by=actor
        )
        audit_record(
            action="create",
            obj=payment,
            summary=f"Pembayaran iuran {locked.month:%m-%Y}: Rp{amount}",
            actor=actor,
        )
    return payment
