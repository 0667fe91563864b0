"""Payment batches per provider and month (docs/layanan-ppk-dan-verifikasi.md).

A batch gathers a provider's approved claims whose discharge date falls in the month and
that are not yet in a batch; each claim moves approved → in payment (rules.claims
transitions). Another UPT admin approves the batch (not its creator, not a verifier of its
claims); only then the bank transfer file can be downloaded. When the payment order (surat
perintah membayar) is issued, a third person marks the batch paid with its number and
date, and every claim moves to paid. Separation of duties: ``ejamkesda/core/duties.py``
(docs/layanan-ppk-dan-verifikasi.md, "Batch pembayaran").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.core.duties import SeparationOfDutiesError, check_separation
from ejamkesda.core.numbers import angka
from ejamkesda.core.permissions import user_has_role
from ejamkesda.core.roles import Role
from ejamkesda.jobs.importing.report import safe_cell
from ejamkesda.providers.models import Provider
from ejamkesda.rules.claims import ClaimState, check_transition
from ejamkesda.services.auditing import audit_event
from ejamkesda.services.models import PAYMENT_BATCH_NOTE, Claim, ClaimEvent, PaymentBatch
from ejamkesda.services.notify import notify_provider


class PaymentError(ValueError):
    pass


# Every step of a batch is a UPT admin's (superusers pass); the steps' actors differ.
PAYMENT_STEP_ROLES = (Role.UPT_ADMIN,)


def _separate(*, batch: PaymentBatch, actor: Any, step: str, earlier: dict[str, Any]) -> str:
    """The one rule (core/duties.py) in this flow's error type; "" or the relaxation reason."""
    if not user_has_role(actor, PAYMENT_STEP_ROLES):
        raise PermissionDenied
    try:
        return check_separation(actor=actor, step=step, earlier=earlier, provider=batch.provider)
    except SeparationOfDutiesError as exc:
        raise PaymentError(" ".join(exc.messages)) from None


def _month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    if not 1 <= month <= 12:
        raise PaymentError(_("Bulan harus 1–12."))
    first = dt.date(year, month, 1)
    next_first = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, next_first - dt.timedelta(days=1)


def payment_batch_create(*, actor: Any, provider: Provider, year: int, month: int) -> PaymentBatch:
    first, last = _month_range(year, month)
    with transaction.atomic():
        claims = list(
            Claim.objects.select_for_update()
            .filter(
                provider=provider,
                status__in=[ClaimState.APPROVED.value, ClaimState.ADJUSTED.value],
                payment_batch__isnull=True,
                discharge_date__gte=first,
                discharge_date__lte=last,
            )
            .order_by("id")
        )
        if not claims:
            raise PaymentError(_("Tidak ada klaim disetujui yang belum dibayar untuk PPK dan bulan ini."))
        batch = PaymentBatch.objects.create(
            provider=provider,
            year=year,
            month=month,
            total=sum(claim.approved_total or 0 for claim in claims),
            claim_count=len(claims),
            created_by=actor,
        )
        events = []
        for claim in claims:
            check_transition(claim.status, ClaimState.IN_PAYMENT)
            events.append(
                ClaimEvent(
                    claim=claim,
                    actor=actor,
                    from_status=claim.status,
                    to_status=ClaimState.IN_PAYMENT.value,
                    note=f"{PAYMENT_BATCH_NOTE}{batch.pk}",
                )
            )
            claim.status = ClaimState.IN_PAYMENT.value
            claim.payment_batch = batch
            claim.version += 1
        Claim.objects.bulk_update(claims, ["status", "payment_batch", "version"], batch_size=500)
        ClaimEvent.objects.bulk_create(events, batch_size=500)
        audit_event(
            event="payment_batch.create",
            obj=batch,
            actor=actor,
            summary=f"Batch pembayaran {provider.code} {month:02d}/{year}: {len(claims)} klaim, Rp {batch.total}",
            changes={"claims": [claim.pk for claim in claims][:1000], "total": batch.total},
        )
        notify_provider(
            provider_id=provider.pk,
            subject=_("Batch pembayaran %(period)s dibuat") % {"period": f"{month:02d}/{year}"},
            body=_("%(count)s klaim (Rp %(total)s) masuk proses pembayaran.")
            % {"count": len(claims), "total": angka(batch.total)},
            link=reverse("services:payment_detail", args=[batch.pk]),
            roles=(Role.PPK_OPERATOR, Role.TREASURER),
        )
    return batch


def payment_batch_approve(*, batch: PaymentBatch, actor: Any) -> PaymentBatch:
    """A UPT admin who neither gathered the batch nor verified one of its claims approves it."""
    with transaction.atomic():
        locked = PaymentBatch.objects.select_for_update().select_related("created_by").get(pk=batch.pk)
        if locked.status != PaymentBatch.Status.OPEN:
            raise PaymentError(_("Batch ini sudah disetujui."))
        verified = Claim.objects.filter(payment_batch=locked, decided_by_id=getattr(actor, "pk", None)).exists()
        relaxed = _separate(
            batch=locked,
            actor=actor,
            step=_("menyetujui batch"),
            earlier={
                _("membuat batch ini"): locked.created_by,
                _("memverifikasi klaim di batch ini"): actor if verified else None,
            },
        )
        if relaxed:
            locked.duty_relaxations = {**locked.duty_relaxations, "approved": relaxed}
        locked.status = PaymentBatch.Status.APPROVED
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at", "duty_relaxations"])
        audit_event(
            event="payment_batch.approve",
            obj=locked,
            actor=actor,
            summary=f"Batch #{locked.pk} disetujui, Rp {locked.total}"
            + (f" (pemisahan tugas dilonggarkan: {relaxed})" if relaxed else ""),
            changes={"status": [PaymentBatch.Status.OPEN, PaymentBatch.Status.APPROVED], "total": locked.total},
        )
    return locked


def payment_batch_transfer_csv(*, batch: PaymentBatch, actor: Any) -> str:
    """The bank transfer file of an approved (or paid) batch; the download is audited."""
    if not user_has_role(actor, PAYMENT_STEP_ROLES):
        raise PermissionDenied
    if batch.status not in (PaymentBatch.Status.APPROVED, PaymentBatch.Status.PAID):
        raise PaymentError(_("Berkas transfer bank hanya untuk batch yang sudah disetujui."))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["no", "kode_ppk", "nama_ppk", "periode", "jumlah_klaim", "jumlah", "keterangan"])
    period = f"{batch.month:02d}/{batch.year}"
    writer.writerow(
        [
            1,
            safe_cell(batch.provider.code),
            safe_cell(batch.provider.name),
            period,
            batch.claim_count,
            batch.total,
            f"Klaim Jamkesda {period} batch #{batch.pk}",
        ]
    )
    audit_event(event="payment_batch.export", obj=batch, actor=actor, summary=f"CSV transfer bank batch #{batch.pk}")
    return out.getvalue()


def payment_batch_mark_paid(*, batch: PaymentBatch, actor: Any, order_number: str, order_date: dt.date) -> PaymentBatch:
    order_number = (order_number or "").strip()
    if not order_number:
        raise PaymentError(_("Nomor surat perintah membayar wajib diisi."))
    with transaction.atomic():
        locked = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == PaymentBatch.Status.PAID:
            raise PaymentError(_("Batch ini sudah ditandai dibayar."))
        if locked.status != PaymentBatch.Status.APPROVED:
            raise PaymentError(_("Batch harus disetujui dulu sebelum ditandai dibayar."))
        # Who gathered or approved the batch does not pay it.
        relaxed = _separate(
            batch=locked,
            actor=actor,
            step=_("menandainya dibayar"),
            earlier={_("membuat batch ini"): locked.created_by, _("menyetujui batch ini"): locked.approved_by},
        )
        if relaxed:
            locked.duty_relaxations = {**locked.duty_relaxations, "paid": relaxed}
        now = timezone.now()
        locked.status = PaymentBatch.Status.PAID
        locked.order_number = order_number
        locked.order_date = order_date
        locked.paid_by = actor
        locked.paid_at = now
        locked.save()
        claims = list(Claim.objects.select_for_update().filter(payment_batch=locked).order_by("id"))
        events = []
        for claim in claims:
            check_transition(claim.status, ClaimState.PAID)
            events.append(
                ClaimEvent(
                    claim=claim,
                    actor=actor,
                    from_status=claim.status,
                    to_status=ClaimState.PAID.value,
                    note=f"SPM {order_number} tanggal {order_date:%d-%m-%Y}",
                )
            )
            claim.status = ClaimState.PAID.value
            claim.paid_at = now
            claim.version += 1
        Claim.objects.bulk_update(claims, ["status", "paid_at", "version"], batch_size=500)
        ClaimEvent.objects.bulk_create(events, batch_size=500)
        audit_event(
            event="payment_batch.paid",
            obj=locked,
            actor=actor,
            summary=f"Batch #{locked.pk} dibayar, SPM {order_number}"
            + (f" (pemisahan tugas dilonggarkan: {relaxed})" if relaxed else ""),
            changes={"order_number": order_number, "order_date": order_date.isoformat(), "claims": len(claims)},
        )
        notify_provider(
            provider_id=locked.provider_id,
            subject=_("Pembayaran klaim %(period)s") % {"period": f"{locked.month:02d}/{locked.year}"},
            body=_("Rp %(total)s untuk %(count)s klaim dibayarkan (SPM %(order)s, %(date)s).")
            % {
                "total": angka(locked.total),
                "count": len(claims),
                "order": order_number,
                "date": f"{order_date:%d-%m-%Y}",
            },
            link=reverse("services:payment_detail", args=[locked.pk]),
            roles=(Role.PPK_OPERATOR, Role.TREASURER),
        )
    return locked
