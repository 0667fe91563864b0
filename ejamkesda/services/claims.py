"""Writes for claims (docs/layanan-ppk-dan-verifikasi.md): submission with checks (idempotent) and resubmission.

Verification lives in ``claim_decisions``, the checks in ``claim_checks``; the allowed
moves only in ``ejamkesda.rules.claims.CLAIM_TRANSITIONS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.rules.claims import (
    ATTACHMENT_KINDS,
    line_amount,
    sniff_attachment,
)
from ejamkesda.rules.tariffs import normalise_code
from ejamkesda.services import conf, icd
from ejamkesda.services.auditing import audit_event
from ejamkesda.services.claim_checks import ClaimError, claim_checks
from ejamkesda.services.models import Claim, ClaimAttachment, ClaimEvent, ClaimLine, Sjp, TariffTable
from ejamkesda.services.tariffs import tariff_prices, tariff_table_on


@dataclass(frozen=True)
class LineInput:
    code: str
    quantity: int


@dataclass(frozen=True)
class AttachmentInput:
    kind: str
    file: UploadedFile


@dataclass
class PricedLine:
    code: str
    description: str
    quantity: int
    unit_price: int
    amount: int


@dataclass
class _Priced:
    lines: list[PricedLine] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def attachment_validate(upload: UploadedFile) -> str:
    """The content type of an acceptable attachment (PDF/JPEG/PNG by content, size limit)."""
    limit = conf.CLAIM_ATTACHMENT_MAX_MB * 1024 * 1024
    if upload.size is None or upload.size > limit:
        raise ClaimError(
            _("Lampiran %(name)s lebih dari %(mb)s MB.") % {"name": upload.name, "mb": conf.CLAIM_ATTACHMENT_MAX_MB}
        )
    upload.seek(0)
    kind = sniff_attachment(upload.read(8))
    upload.seek(0)
    if kind is None:
        raise ClaimError(
            _("Lampiran %(name)s harus PDF, JPEG, atau PNG (diperiksa dari isinya).") % {"name": upload.name}
        )
    return {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}[kind]


def _price(table: TariffTable | None, lines: Sequence[LineInput]) -> _Priced:
    result = _Priced()
    if table is None:
        return result
    items = tariff_prices(table, [line.code for line in lines])
    for line in lines:
        code = normalise_code(line.code)
        item = items.get(code)
        if item is None:
            result.unknown.append(code)
            continue
        result.lines.append(
            PricedLine(
                code=code,
                description=item.description,
                quantity=line.quantity,
                unit_price=item.price,
                amount=line_amount(line.quantity, item.price),
            )
        )
    return result


def _diagnoses(primary: str, secondary: Sequence[str]) -> tuple[str, list[str]]:
    code = icd.normalise(primary)
    if not icd.is_valid(code):
        raise ClaimError(_("Diagnosis utama %(code)s bukan kode ICD-10 yang sah.") % {"code": primary})
    others = []
    for text in secondary:
        other = icd.normalise(text)
        if not other:
            continue
        if not icd.is_valid(other):
            raise ClaimError(_("Diagnosis sekunder %(code)s bukan kode ICD-10 yang sah.") % {"code": text})
        if other != code and other not in others:
            others.append(other)
    return code, others


def _save_attachments(claim: Claim, attachments: Sequence[AttachmentInput], actor: Any) -> None:
    for attachment in attachments:
        if attachment.kind not in ATTACHMENT_KINDS:
            raise ClaimError(_("Jenis lampiran %(kind)s tidak dikenal.") % {"kind": attachment.kind})
        content_type = attachment_validate(attachment.file)
        ClaimAttachment.objects.create(
            claim=claim,
            kind=attachment.kind,
            file=attachment.file,
            original_name=(attachment.file.name or "lampiran")[:200],
            content_type=content_type,
            size=attachment.file.size or 0,
            uploaded_by=actor,
        )


def claim_submit(
    *,
    actor: Any,
    sjp: Sjp,
    admission_date: dt.date,
    discharge_date: dt.date,
    primary_diagnosis: str,
    secondary_diagnoses: Sequence[str] = (),
    lines: Sequence[LineInput],
    attachments: Sequence[AttachmentInput] = (),
    idempotency_key: str,
    note: str = "",
) -> tuple[Claim, bool]:
    """Submit a claim for an SJP. Returns (claim, created).

    Idempotent: the same ``idempotency_key`` from the same provider returns the claim
    already made (a double click or a retried request creates one claim). Any failed
    check refuses the submission with every failed check and its reason (ClaimError).
    """
    key = (idempotency_key or "").strip()[:64]
    if not key:
        raise ClaimError(_("Token pengajuan tidak ada; muat ulang formulir."))
    provider_id = actor.provider_id
    existing = Claim.objects.filter(provider_id=provider_id, idempotency_key=key).first()
    if existing is not None:
        return existing, False
    if not lines or any(line.quantity < 1 for line in lines):
        raise ClaimError(_("Isi paling sedikit satu baris tarif dengan jumlah 1 atau lebih."))
    primary, secondary = _diagnoses(primary_diagnosis, secondary_diagnoses)
    for attachment in attachments:
        attachment_validate(attachment.file)
    table = tariff_table_on(admission_date)
    priced = _price(table, lines)
    checks = claim_checks(
        sjp=sjp,
        provider_id=provider_id,
        admission_date=admission_date,
        discharge_date=discharge_date,
        table=table,
        unknown_codes=priced.unknown,
        attachment_kinds={attachment.kind for attachment in attachments},
    )
    failed = [check for check in checks if not check.ok]
    if failed:
        raise ClaimError(_("Klaim belum dapat diajukan."), failed)
    assert table is not None
    try:
        with transaction.atomic():
            # Serialise submissions for one SJP so two different keys cannot both pass the
            # duplicate check at the same moment.
            Sjp.objects.select_for_update().filter(pk=sjp.pk).first()
            recheck = claim_checks(
                sjp=sjp,
                provider_id=provider_id,
                admission_date=admission_date,
                discharge_date=discharge_date,
                table=table,
                unknown_codes=priced.unknown,
                attachment_kinds={attachment.kind for attachment in attachments},
            )
            failed = [check for check in recheck if not check.ok]
            if failed:
                raise ClaimError(_("Klaim belum dapat diajukan."), failed)
            now = timezone.now()
            claim = Claim.objects.create(
                provider_id=provider_id,
                sjp=sjp,
                person_id=sjp.person_id,
                service_kind=sjp.service_kind,
                admission_date=admission_date,
                discharge_date=discharge_date,
                primary_diagnosis=primary,
                secondary_diagnoses=secondary,
                tariff_table=table,
                idempotency_key=key,
                claimed_total=sum(line.amount for line in priced.lines),
                provider_note=note,
                created_by=actor,
                submitted_at=now,
            )
            ClaimLine.objects.bulk_create(
                [
                    ClaimLine(
                        claim=claim,
                        code=line.code,
                        description=line.description,
                        quantity=line.quantity,
                        unit_price=line.unit_price,
                        amount=line.amount,
                    )
                    for line in priced.lines
                ]
            )
            _save_attachments(claim, attachments, actor)
            ClaimEvent.objects.create(claim=claim, actor=actor, to_status=claim.status, note=note)
            audit_event(
                event="claim.submit",
                obj=claim,
                actor=actor,
                summary=f"Klaim diajukan untuk {sjp}: Rp {claim.claimed_total}",
                changes={"status": claim.status, "claimed_total": claim.claimed_total, "lines": len(priced.lines)},
            )
    except IntegrityError:
        existing = Claim.objects.filter(provider_id=provider_id, idempotency_key=key).first()
        if existing is None:
            raise
        return existing, False
    return claim, True
