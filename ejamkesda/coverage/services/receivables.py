"""Receivables of premiums (Instruksi Bupati Tegal 379/2022 KEDUA 23i: BPJS "melakukan
kerjasama dengan BPKAD dalam penagihan piutang iuran ... setelah dilakukan upaya penagihan
optimal oleh BPJS"). Arithmetic in ``ejamkesda.rules.receivables``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ejamkesda.audit.services import audit_record
from ejamkesda.coverage.models import CollectionAttempt, PremiumBill, ReceivableHandover, ReceivableWriteOff
from ejamkesda.rules import receivables as rules


@dataclass(frozen=True)
class Receivable:
    bill: PremiumBill
    billed: int
    paid: int
    written_off: int
    outstanding: int
    age: int
    bucket: str
    attempts: int

    @property
    def closed(self) -> bool:
        return self.outstanding == 0

    @property
    def may_hand_over(self) -> bool:
        return self.bill.handover_id is None and rules.may_hand_over(
            attempts=self.attempts, amount=self.outstanding, minimum_attempts=settings.COVERAGE_RECEIVABLE_MIN_ATTEMPTS
        )


def _receivable(bill: PremiumBill, as_of: dt.date) -> Receivable:
    paid, written_off = bill.paid, bill.written_off
    amount = rules.outstanding(billed=bill.billed_amount, paid=paid, written_off=written_off)
    age = rules.age_months(bill.month, as_of)
    return Receivable(
        bill=bill,
        billed=bill.billed_amount,
        paid=paid,
        written_off=written_off,
        outstanding=amount,
        age=age,
        bucket=rules.bucket(age),
        attempts=len(bill.attempts.all()),
    )


def receivables_list(*, as_of: dt.date, bills: Iterable[PremiumBill] | None = None) -> list[Receivable]:
    """Every bill with what is left of it, newest month first."""
    if bills is None:
        bills = PremiumBill.objects.prefetch_related("payments", "write_offs", "attempts").order_by("-month", "segment")
    return [_receivable(bill, as_of) for bill in bills]


def ageing_by_segment(items: list[Receivable], as_of: dt.date) -> dict[str, dict[str, int]]:
    segments: dict[str, list[tuple[dt.date, int]]] = {}
    for item in items:
        segments.setdefault(item.bill.segment, []).append((item.bill.month, item.outstanding))
    return {segment: rules.ageing(rows, as_of) for segment, rows in sorted(segments.items())}


def collection_attempt_record(
    *, bill: PremiumBill, attempted_on: dt.date, means: str, result: str, by_whom: str, actor: Any
) -> CollectionAttempt:
    if means not in CollectionAttempt.Means.values:
        raise ValidationError(_("Cara penagihan tidak dikenal."))
    if not result.strip() or not by_whom.strip():
        raise ValidationError(_("Hasil dan petugas BPJS wajib diisi."))
    with transaction.atomic():
        locked = PremiumBill.objects.select_for_update().get(pk=bill.pk)
        attempt = CollectionAttempt.objects.create(
            bill=locked,
            attempted_on=attempted_on,
            means=means,
            result=result.strip()[:300],
            by_whom=by_whom.strip()[:150],
            recorded_by=actor,
        )
        audit_record(
            action="create",
            obj=attempt,
            summary=f"Upaya penagihan {locked.month:%m-%Y} {locked.segment}: {means}",
            actor=actor,
        )
    return attempt


def receivables_hand_over(
    *, bills: list[PremiumBill], letter_number: str, handed_on: dt.date, actor: Any, note: str = ""
) -> ReceivableHandover:
    """Hand unpaid bills to BPKAD; each needs its collection attempts and something left to
    collect, and is handed over once. The letter's amounts are kept as they were."""
    if not bills:
        raise ValidationError(_("Pilih tagihan yang diserahkan."))
    if not letter_number.strip():
        raise ValidationError(_("Nomor surat wajib diisi."))
    try:
        with transaction.atomic():
            locked = list(
                PremiumBill.objects.select_for_update()
                .filter(pk__in=[bill.pk for bill in bills])
                .order_by("month", "segment")
            )
            items = receivables_list(as_of=handed_on, bills=locked)
            for item in items:
                if not item.may_hand_over:
                    raise ValidationError(
                        _(
                            "Tagihan %(month)s %(segment)s belum dapat diserahkan: perlu %(n)d upaya penagihan BPJS "
                            "tercatat, sisa piutang, dan belum pernah diserahkan."
                        )
                        % {
                            "month": f"{item.bill.month:%m-%Y}",
                            "segment": item.bill.segment,
                            "n": settings.COVERAGE_RECEIVABLE_MIN_ATTEMPTS,
                        }
                    )
            handover = ReceivableHandover.objects.create(
                letter_number=letter_number.strip()[:100],
                handed_on=handed_on,
                note=note[:300],
                created_by=actor,
                lines=[
                    {
                        "bill": item.bill.pk,
                        "month": f"{item.bill.month:%Y-%m}",
                        "segment": item.bill.segment,
                        "billed": item.billed,
                        "paid": item.paid,
                        "written_off": item.written_off,
                        "outstanding": item.outstanding,
                        "attempts": item.attempts,
                    }
                    for item in items
                ],
            )
            PremiumBill.objects.filter(pk__in=[bill.pk for bill in locked]).update(handover=handover)
            audit_record(
                action="create",
                obj=handover,
                summary=f"Serah piutang iuran ke BPKAD {handover.letter_number}: Rp{handover.total}",
                actor=actor,
            )
    except IntegrityError:
        raise ValidationError(_("Nomor surat ini sudah dipakai.")) from None
    return handover


def write_off_record(
    *, bill: PremiumBill, written_on: dt.date, amount: int, reference: str, actor: Any
) -> ReceivableWriteOff:
    """Write off part or all of what is left (with its legal basis); never more than is left."""
    if amount <= 0:
        raise ValidationError(_("Jumlah penghapusan harus lebih dari nol."))
    if not reference.strip():
        raise ValidationError(_("Dasar penghapusan wajib diisi."))
    with transaction.atomic():
        locked = PremiumBill.objects.select_for_update().get(pk=bill.pk)
        left = rules.outstanding(billed=locked.billed_amount, paid=locked.paid, written_off=locked.written_off)
        if amount > left:
            raise ValidationError(_("Penghapusan melebihi sisa piutang (Rp%(left)s).") % {"left": left})
        item = ReceivableWriteOff.objects.create(
            bill=locked, written_on=written_on, amount=amount, reference=reference.strip()[:200], created_by=actor
        )
        audit_record(action="create", obj=item, summary=f"Hapus piutang {locked.month:%m-%Y}: Rp{amount}", actor=actor)
    return item
