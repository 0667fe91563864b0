"""Verification of claims (docs/layanan-ppk-dan-verifikasi.md): approve, approve with adjusted lines, return, reject;
and the provider's resubmission of a returned claim.

Every move goes through ``_move``: lock the row (select_for_update), compare the version
the verifier saw, check the transition against ``ejamkesda.rules.claims`` (the one place
that says which moves are allowed), then record who/when/why (ClaimEvent + audit log).
Two verifiers on one claim at the same moment: the second is told (ClaimConflict).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.rules.claims import (
    CLAIM_STATE_LABELS,
    REJECT_REASONS,
    ClaimState,
    InvalidTransition,
    check_transition,
)
from ejamkesda.services.auditing import audit_event
from ejamkesda.services.claim_checks import ClaimConflict, ClaimError, claim_checks_for
from ejamkesda.services.claims import AttachmentInput, LineInput, _price, _save_attachments, attachment_validate
from ejamkesda.services.models import Claim, ClaimEvent, ClaimLine
from ejamkesda.services.notify import notify_provider


@dataclass
class LineAdjustment:
    line_id: int
    approved_amount: int
    reason: str = ""


def _move(
    *,
    claim: Claim,
    actor: Any,
    target: ClaimState,
    expected_version: int | None,
    note: str,
    audit_action: str,
    extra: dict[str, Any] | None = None,
) -> Claim:
    """Lock the claim, check the version and the transition, apply ``extra``, record it.

    Must be called inside ``transaction.atomic()``.
    """
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ClaimConflict(
            _("Klaim ini sudah diubah oleh pengguna lain (status sekarang: %(status)s). Muat ulang halaman.")
            % {"status": locked.get_status_display()}
        )
    try:
        check_transition(locked.status, target)
    except InvalidTransition:
        # The rules say it in Bahasa Indonesia only; the same sentence, translated, for the user.
        raise ClaimConflict(
            _("Klaim berstatus '%(current)s' tidak dapat diubah menjadi '%(target)s'.")
            % {
                "current": _(CLAIM_STATE_LABELS[ClaimState(locked.status)]),
                "target": _(CLAIM_STATE_LABELS[target]),
            }
        ) from None
    previous = locked.status
    locked.status = target.value
    locked.version += 1
    for name, value in (extra or {}).items():
        setattr(locked, name, value)
    locked.save()
    ClaimEvent.objects.create(claim=locked, actor=actor, from_status=previous, to_status=target.value, note=note)
    audit_event(
        event=audit_action,
        obj=locked,
        actor=actor,
        summary=f"Klaim #{locked.pk}: {previous} → {target.value}",
        changes={"status": [previous, target.value], "note": note, **{k: str(v) for k, v in (extra or {}).items()}},
    )
    return locked


def _notify(claim: Claim, subject: str, body: str) -> None:
    notify_provider(
        provider_id=claim.provider_id,
        subject=subject,
        body=body,
        link=reverse("services:claim_detail", args=[claim.pk]),
    )


def _decision(actor: Any) -> dict[str, Any]:
    return {"decided_by": actor, "decided_at": timezone.now()}


def claim_approve(*, claim: Claim, actor: Any, expected_version: int | None = None, note: str = "") -> Claim:
    with transaction.atomic():
        locked = _move(
            claim=claim,
            actor=actor,
            target=ClaimState.APPROVED,
            expected_version=expected_version,
            note=note,
            audit_action="claim.approve",
            extra={"approved_total": claim.claimed_total, "verifier_note": note, **_decision(actor)},
        )
        locked.lines.update(adjustment_reason="")
        for line in locked.lines.all():
            line.approved_amount = line.amount
            line.save(update_fields=["approved_amount"])
        _notify(
            locked,
            _("Klaim #%(id)s disetujui") % {"id": locked.pk},
            _("Klaim #%(id)s disetujui: Rp %(total)s.") % {"id": locked.pk, "total": locked.approved_total},
        )
    return locked


def claim_approve_adjusted(
    *,
    claim: Claim,
    actor: Any,
    adjustments: Sequence[LineAdjustment],
    expected_version: int | None = None,
    note: str = "",
) -> Claim:
    """Approve with some lines lowered; every changed line needs its own reason."""
    with transaction.atomic():
        lines = {line.pk: line for line in ClaimLine.objects.filter(claim_id=claim.pk)}
        by_line = {adjustment.line_id: adjustment for adjustment in adjustments}
        unknown = set(by_line) - set(lines)
        if unknown:
            raise ClaimError(_("Baris penyesuaian bukan milik klaim ini."))
        changed = 0
        for line_id, line in lines.items():
            adjustment = by_line.get(line_id)
            approved = line.amount if adjustment is None else adjustment.approved_amount
            if approved < 0 or approved > line.amount:
                raise ClaimError(
                    _("Baris %(code)s: jumlah disetujui harus antara 0 dan Rp %(amount)s.")
                    % {"code": line.code, "amount": line.amount}
                )
            reason = (adjustment.reason if adjustment else "").strip()
            if approved != line.amount:
                changed += 1
                if not reason:
                    raise ClaimError(_("Baris %(code)s: alasan penyesuaian wajib diisi.") % {"code": line.code})
            line.approved_amount = approved
            line.adjustment_reason = reason if approved != line.amount else ""
        if not changed:
            raise ClaimError(_("Tidak ada baris yang disesuaikan; gunakan Setujui."))
        total = sum(line.approved_amount or 0 for line in lines.values())
        locked = _move(
            claim=claim,
            actor=actor,
            target=ClaimState.ADJUSTED,
            expected_version=expected_version,
            note=note,
            audit_action="claim.approve_adjusted",
            extra={"approved_total": total, "verifier_note": note, **_decision(actor)},
        )
        ClaimLine.objects.bulk_update(list(lines.values()), ["approved_amount", "adjustment_reason"])
        _notify(
            locked,
            _("Klaim #%(id)s disetujui dengan penyesuaian") % {"id": locked.pk},
            _("Klaim #%(id)s disetujui Rp %(total)s dari Rp %(claimed)s (%(changed)s baris disesuaikan).")
            % {"id": locked.pk, "total": total, "claimed": locked.claimed_total, "changed": changed},
        )
    return locked


def claim_return(*, claim: Claim, actor: Any, note: str, expected_version: int | None = None) -> Claim:
    note = (note or "").strip()
    if not note:
        raise ClaimError(_("Tuliskan apa yang harus diperbaiki."))
    with transaction.atomic():
        locked = _move(
            claim=claim,
            actor=actor,
            target=ClaimState.RETURNED,
            expected_version=expected_version,
            note=note,
            audit_action="claim.return",
            extra={"verifier_note": note, **_decision(actor)},
        )
        _notify(
            locked,
            _("Klaim #%(id)s dikembalikan untuk perbaikan") % {"id": locked.pk},
            _("Perbaikan yang diminta: %(note)s") % {"note": note},
        )
    return locked


def claim_reject(
    *, claim: Claim, actor: Any, reason_code: str, note: str = "", expected_version: int | None = None
) -> Claim:
    if reason_code not in REJECT_REASONS:
        raise ClaimError(_("Pilih kode alasan penolakan."))
    if reason_code == "lainnya" and not note.strip():
        raise ClaimError(_("Untuk alasan lain, tuliskan catatan."))
    with transaction.atomic():
        locked = _move(
            claim=claim,
            actor=actor,
            target=ClaimState.REJECTED,
            expected_version=expected_version,
            note=f"{reason_code}: {note}".strip(": "),
            audit_action="claim.reject",
            extra={"reject_reason": reason_code, "verifier_note": note, "approved_total": 0, **_decision(actor)},
        )
        _notify(
            locked,
            _("Klaim #%(id)s ditolak") % {"id": locked.pk},
            (
                _("Klaim #%(id)s ditolak: %(reason)s.") % {"id": locked.pk, "reason": _(REJECT_REASONS[reason_code])}
                + f" {note}"
            ).strip(),
        )
    return locked


def claim_resubmit(
    *,
    claim: Claim,
    actor: Any,
    note: str = "",
    attachments: Sequence[AttachmentInput] = (),
    lines: Sequence[LineInput] | None = None,
    expected_version: int | None = None,
) -> Claim:
    """The provider corrects a returned claim (new attachments, optionally new lines) and sends it again."""
    if claim.provider_id != actor.provider_id:
        raise ClaimError(_("Klaim milik PPK lain."))
    for attachment in attachments:
        attachment_validate(attachment.file)
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status != ClaimState.RETURNED:
            raise ClaimConflict(_("Hanya klaim yang dikembalikan yang dapat diajukan ulang."))
        if lines is not None:
            if not lines or any(line.quantity < 1 for line in lines):
                raise ClaimError(_("Isi paling sedikit satu baris tarif dengan jumlah 1 atau lebih."))
            priced = _price(locked.tariff_table, lines)
            if priced.unknown:
                raise ClaimError(_("Kode tarif tidak ada di tabel: %(codes)s") % {"codes": ", ".join(priced.unknown)})
            locked.lines.all().delete()
            ClaimLine.objects.bulk_create(
                [
                    ClaimLine(
                        claim=locked,
                        code=line.code,
                        description=line.description,
                        quantity=line.quantity,
                        unit_price=line.unit_price,
                        amount=line.amount,
                    )
                    for line in priced.lines
                ]
            )
            locked.claimed_total = sum(line.amount for line in priced.lines)
            locked.save(update_fields=["claimed_total"])
        _save_attachments(locked, attachments, actor)
        failed = [check for check in claim_checks_for(locked) if not check.ok]
        if failed:
            raise ClaimError(_("Klaim belum dapat diajukan ulang."), failed)
        locked = _move(
            claim=locked,
            actor=actor,
            target=ClaimState.SUBMITTED,
            expected_version=expected_version,
            note=note,
            audit_action="claim.resubmit",
            extra={"submitted_at": timezone.now(), "provider_note": note},
        )
    return locked
