"""FHIR Claim (POST) → ClaimResponse, and ClaimResponse read for the claim's status.

Mapping (documented in docs/integrasi-api.md):
* ``Claim.insurance[0].preAuthRef[0]`` = the SJP number (the prior authorisation);
* ``Claim.patient`` = NIK identifier (must match the SJP's patient);
* ``billablePeriod`` = admission/discharge dates; ``diagnosis`` = ICD-10 (principal first);
* ``item[].productOrService`` = regency tariff code, ``quantity.value`` = count;
* ``supportingInfo[]`` with category ``attachment`` (code = attachment kind) and a
  ``valueAttachment`` holding the PDF/JPEG/PNG data;
* idempotency: the ``Idempotency-Key`` header, else ``Claim.identifier[0].value``.
The claim itself is written by the services app's ``claim_submit`` (all its checks apply).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ejamkesda.api import access
from ejamkesda.api.errors import ApiError, Conflict, NotFound
from ejamkesda.api.fhir import resources as R
from ejamkesda.api.fhir.views import FhirInvalid, _json_body, _nik_from_token, _user, fhir_response, fhir_view
from ejamkesda.api.idempotency import idempotent_call
from ejamkesda.audit.services import audit_record
from ejamkesda.core.roles import Role

ICD10_SYSTEMS = {"http://hl7.org/fhir/sid/icd-10", "http://hl7.org/fhir/sid/icd-10-id"}
TARIFF_SYSTEM = f"{R.BASE}/CodeSystem/kode-tarif"
ATTACHMENT_SYSTEM = f"{R.BASE}/CodeSystem/jenis-lampiran"
CLAIM_SYSTEM = f"{R.BASE}/sid/klaim"
OUTCOMES = {
    "diajukan": "queued",
    "dikembalikan": "error",
    "disetujui": "complete",
    "disetujui_penyesuaian": "partial",
    "ditolak": "error",
    "proses_bayar": "complete",
    "dibayar": "complete",
}


def _money(value: int | None) -> dict[str, Any]:
    return {"value": int(value or 0), "currency": "IDR"}


def _codes(concept: Any) -> list[str]:
    if not isinstance(concept, dict):
        return []
    return [str(c.get("code", "")) for c in concept.get("coding") or [] if isinstance(c, dict) and c.get("code")]


def _date(value: Any, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise FhirInvalid(f"{field} harus tanggal YYYY-MM-DD.") from None


def parse_claim(resource: dict[str, Any]) -> dict[str, Any]:
    from ejamkesda.services.claims import AttachmentInput, LineInput

    if resource.get("resourceType") != "Claim":
        raise FhirInvalid("resourceType harus Claim.")
    insurance = resource.get("insurance") or []
    refs = insurance[0].get("preAuthRef") if insurance and isinstance(insurance[0], dict) else None
    if not refs or not isinstance(refs, list):
        raise FhirInvalid("insurance[0].preAuthRef[0] wajib berisi nomor SJP.")
    period = resource.get("billablePeriod") or {}
    if not isinstance(period, dict) or not period.get("start"):
        raise FhirInvalid("billablePeriod.start (tanggal masuk) wajib diisi.")
    start = _date(period["start"], "billablePeriod.start")
    end = _date(period.get("end") or period["start"], "billablePeriod.end")
    diagnoses = sorted(
        (d for d in resource.get("diagnosis") or [] if isinstance(d, dict)), key=lambda d: d.get("sequence") or 0
    )
    codes = [code for d in diagnoses for code in _codes(d.get("diagnosisCodeableConcept"))[:1]]
    if not codes:
        raise FhirInvalid("diagnosis[].diagnosisCodeableConcept (ICD-10) wajib diisi.")
    lines = []
    for item in resource.get("item") or []:
        item_codes = _codes(item.get("productOrService")) if isinstance(item, dict) else []
        quantity = ((item.get("quantity") or {}).get("value", 1)) if isinstance(item, dict) else 1
        if not item_codes or not isinstance(quantity, int | float) or int(quantity) != quantity or quantity < 1:
            raise FhirInvalid("Setiap item wajib punya productOrService (kode tarif) dan quantity.value bulat ≥ 1.")
        lines.append(LineInput(item_codes[0], int(quantity)))
    if not lines:
        raise FhirInvalid("Klaim wajib punya paling sedikit satu item.")
    attachments = []
    for info in resource.get("supportingInfo") or []:
        if not isinstance(info, dict) or "attachment" not in _codes(info.get("category")):
            continue
        kinds = _codes(info.get("code")) or ["lainnya"]
        value = info.get("valueAttachment") or {}
        try:
            content = base64.b64decode(str(value.get("data", "")), validate=True)
        except (binascii.Error, ValueError):
            raise FhirInvalid("supportingInfo.valueAttachment.data bukan base64 yang sah.") from None
        attachments.append(
            AttachmentInput(kinds[0], SimpleUploadedFile(str(value.get("title") or "lampiran"), content))
        )
    identifiers = resource.get("identifier") or []
    return {
        "sjp_number": str(refs[0]),
        "nik": _nik_from_token(
            f"{R.NIK_SYSTEM}|{((resource.get('patient') or {}).get('identifier') or {}).get('value', '')}"
        ),
        "admission_date": start,
        "discharge_date": end,
        "primary_diagnosis": codes[0],
        "secondary_diagnoses": codes[1:],
        "lines": lines,
        "attachments": attachments,
        "identifier": str(identifiers[0].get("value", "")) if identifiers and isinstance(identifiers[0], dict) else "",
    }


def claim_response(claim: Any) -> dict[str, Any]:
    lines = list(claim.lines.all())
    adjudication_total = [
        {
            "category": {
                "coding": [{"system": "http://terminology.hl7.org/CodeSystem/adjudication", "code": "submitted"}]
            },
            "amount": _money(claim.claimed_total),
        }
    ]
    if claim.approved_total is not None:
        adjudication_total.append(
            {
                "category": {
                    "coding": [{"system": "http://terminology.hl7.org/CodeSystem/adjudication", "code": "benefit"}]
                },
                "amount": _money(claim.approved_total),
            }
        )
    data: dict[str, Any] = {
        "resourceType": "ClaimResponse",
        "id": str(claim.pk),
        "identifier": [{"system": CLAIM_SYSTEM, "value": str(claim.pk)}],
        "status": "active",
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/claim-type",
                    "code": "institutional" if claim.service_kind == "rawat_inap" else "professional",
                }
            ]
        },
        "use": "claim",
        "patient": {"reference": f"Patient/{claim.person_id}"},
        "created": claim.submitted_at.isoformat(),
        "insurer": {"display": "UPT Jamkesda"},
        "requestor": {"reference": f"Organization/{claim.provider_id}"},
        "request": {"identifier": {"system": CLAIM_SYSTEM, "value": str(claim.pk)}},
        "outcome": OUTCOMES.get(claim.status, "queued"),
        "disposition": f"Status klaim: {claim.get_status_display()}. {claim.verifier_note}".strip(),
        "preAuthRef": claim.sjp.number or None,
        "item": [
            {
                "itemSequence": i,
                "adjudication": [
                    {
                        "category": {
                            "coding": [
                                {"system": "http://terminology.hl7.org/CodeSystem/adjudication", "code": "submitted"}
                            ]
                        },
                        "amount": _money(line.amount),
                    }
                ],
            }
            for i, line in enumerate(lines, start=1)
        ],
        "total": adjudication_total,
    }
    return {k: v for k, v in data.items() if v not in (None, [], "")}


@fhir_view(("POST",))
def claim_create(request: HttpRequest) -> HttpResponse:
    from ejamkesda.services.claim_checks import ClaimConflict, ClaimError
    from ejamkesda.services.claims import claim_submit

    user = _user(request)
    access.require_role(user, {Role.PPK_OPERATOR})
    resource = _json_body(request)
    parsed = parse_claim(resource)
    key = request.headers.get("Idempotency-Key") or parsed["identifier"] or None

    def call() -> tuple[int, dict[str, Any]]:
        sjp = access.sjps_for(user).filter(number=parsed["sjp_number"]).first()
        if sjp is None:  # another provider's SJP: 404, as ClaimResponse/[id] answers for its claim
            raise NotFound("SJP dengan nomor itu tidak ditemukan untuk PPK ini.", code="sjp_tidak_ditemukan")
        if sjp.person.nik != parsed["nik"]:
            raise FhirInvalid("NIK pasien tidak sesuai dengan SJP.")
        try:
            claim, created = claim_submit(
                actor=user,
                sjp=sjp,
                admission_date=parsed["admission_date"],
                discharge_date=parsed["discharge_date"],
                primary_diagnosis=parsed["primary_diagnosis"],
                secondary_diagnoses=parsed["secondary_diagnoses"],
                lines=parsed["lines"],
                attachments=parsed["attachments"],
                idempotency_key=(key or timezone.now().isoformat())[:64],
            )
        except ClaimConflict as exc:
            raise Conflict(str(exc)) from None
        except ClaimError as exc:
            failed = "; ".join(f"{c.label}: {c.message}" for c in exc.checks if not c.ok)
            raise ApiError(f"{exc} {failed}".strip(), code="klaim_tidak_lolos_pemeriksaan", status=422) from None
        return (201 if created else 200), claim_response(claim)

    status, data = idempotent_call(user=user, key=key, endpoint="FHIR POST Claim", body=resource, call=call)
    return fhir_response(data, status=status)


@fhir_view(("GET",))
def claim_response_read(request: HttpRequest, pk: str) -> HttpResponse:
    from ejamkesda.core.policy import CLAIM_ROLES  # the web claim pages' roles

    user = _user(request)
    access.require_role(user, CLAIM_ROLES)
    claim = access.get_for(access.claims_for(user), pk)
    audit_record(action="view", obj=claim, summary="ClaimResponse dibaca melalui FHIR", actor=user)
    return fhir_response(claim_response(claim))
