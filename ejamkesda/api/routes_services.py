"""Provider endpoints: SJP request and status, referrals, claims with lines, status and attachments.

Thin: each write calls the services app's service function (``sjp_request``,
``referral_create``, ``claim_submit``, ``claim_resubmit``) inside ``idempotent_call``; each
read goes through ``access`` (the services app's scoped selectors). Perbup PPU 29/2016 Pasal 10–11:
providers supply their data; Pasal 7 ayat 3: the UPT decides.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from ninja import Field, Header, Query, Router, Schema, Status

from ejamkesda.api import access
from ejamkesda.api.errors import ApiError, Conflict, InvalidInput, NotFound
from ejamkesda.api.idempotency import idempotent_call as _idempotent_call
from ejamkesda.api.schemas import ErrorOut
from ejamkesda.api.schemas_services import (
    AttachmentIn,
    ClaimIn,
    ClaimOut,
    ClaimPageOut,
    ClaimResubmitIn,
    ClaimSummaryOut,
    LineIn,
    ReferralIn,
    ReferralOut,
    ReferralPageOut,
    SjpIn,
    SjpOut,
    SjpPageOut,
)
from ejamkesda.audit.services import audit_record
from ejamkesda.core.policy import CLAIM_ROLES, REFERRAL_ROLES, SJP_ROLES
from ejamkesda.core.roles import Role
from ejamkesda.participants.models import Person
from ejamkesda.providers.models import Provider

router = Router()
E = ErrorOut
WRITE_ERRORS = {400: E, 401: E, 403: E, 404: E, 409: E, 422: E}
READ_ERRORS = {400: E, 401: E, 403: E, 404: E, 422: E}
IDEMPOTENCY_HEADER = Header(
    None,
    alias="Idempotency-Key",
    max_length=200,
    description="Kunci unik per permintaan tulis; kunci dan badan yang sama → jawaban yang sama, tanpa duplikat.",
)


def _reader(request: HttpRequest, roles: tuple[str, ...]) -> Any:
    """The caller, if their role may read these records on the web too (least privilege:
    a viewer or OPD token reads no SJP, referral or claim, as on the web pages)."""
    user = token_user(request)
    access.require_role(user, roles)
    return user


class PageFilter(Schema):
    status: str | None = Field(None, min_length=1, max_length=25)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=100_000)


def token_user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _person_by_nik(nik: str) -> Person:
    person = Person.objects.filter(nik=nik).first()
    if person is None:
        raise InvalidInput("NIK pasien tidak terdaftar dalam data kepesertaan.", code="nik_tidak_terdaftar")
    return person


def _provider(pk: int | None, field: str) -> Provider | None:
    """A provider named by id in a request body: an unknown id is 404, as in a URL."""
    if pk is None:
        return None
    provider = access.providers_for(None).filter(pk=pk).first()
    if provider is None:
        raise NotFound(f"{field}: PPK tidak ditemukan.", code="ppk_tidak_ditemukan")
    return provider


def own_sjp(user: Any, pk: int, field: str = "sjp_id") -> Any:
    """An SJP named by id in a request body: another provider's SJP is 404, exactly as
    ``GET /sjp/{id}`` answers for it (core.policy: one rule for URLs and bodies)."""
    sjp = access.sjps_for(user).filter(pk=pk).first()
    if sjp is None:
        raise NotFound(f"{field}: SJP tidak ditemukan.", code="sjp_tidak_ditemukan")
    return sjp


def idempotent_call(**kwargs: Any) -> Status[Any]:
    status, body = _idempotent_call(**kwargs)
    return Status(status, body)


def dump(schema: Any, data: dict[str, Any]) -> dict[str, Any]:
    return schema.model_validate(data).model_dump(mode="json")


# --- SJP -----------------------------------------------------------------------------------
def sjp_data(sjp: Any) -> dict[str, Any]:
    fields = [
        "id",
        "number",
        "status",
        "provider_id",
        "person_id",
        "service_kind",
        "diagnosis_code",
        "service_from",
        "service_to",
        "valid_until",
        "after_the_fact",
        "decision_reason",
        "requested_at",
        "decided_at",
    ]
    return {name: getattr(sjp, name) for name in fields}


@router.post("/sjp", response={201: SjpOut, **WRITE_ERRORS}, tags=["sjp"], summary="Ajukan SJP untuk pasien")
def sjp_create(request: HttpRequest, payload: SjpIn, idempotency_key: str | None = IDEMPOTENCY_HEADER) -> Any:
    from ejamkesda.services.sjp import SjpError, sjp_request

    user = token_user(request)
    access.require_role(user, {Role.PPK_OPERATOR})

    def call() -> tuple[int, dict[str, Any]]:
        try:
            sjp = sjp_request(
                actor=user,
                person=_person_by_nik(payload.nik),
                service_kind=payload.service_kind,
                diagnosis_code=payload.diagnosis_code,
                service_from=payload.service_from,
                service_to=payload.service_to,
                referring_provider=_provider(payload.referring_provider_id, "referring_provider_id"),
                emergency_at=payload.emergency_at,
                notes=payload.notes,
            )
        except SjpError as exc:
            raise InvalidInput(str(exc), code="sjp_tidak_dapat_diajukan") from None
        return 201, dump(SjpOut, sjp_data(sjp))

    return idempotent_call(
        user=user, key=idempotency_key, endpoint="POST /sjp", body=payload.model_dump(mode="json"), call=call
    )


@router.get("/sjp", response={200: SjpPageOut, **READ_ERRORS}, tags=["sjp"], summary="Daftar SJP (PPK sendiri)")
def sjp_list(request: HttpRequest, filters: Query[PageFilter]) -> Any:
    qs = access.sjps_for(_reader(request, SJP_ROLES))
    if filters.status:
        qs = qs.filter(status=filters.status)
    qs = qs.order_by("-requested_at", "-id")
    return {"count": qs.count(), "results": [sjp_data(s) for s in qs[filters.offset : filters.offset + filters.limit]]}


@router.get("/sjp/{sjp_id}", response={200: SjpOut, **READ_ERRORS}, tags=["sjp"], summary="Status satu SJP")
def sjp_detail(request: HttpRequest, sjp_id: int) -> Any:
    user = _reader(request, SJP_ROLES)
    sjp = access.get_for(access.sjps_for(user), sjp_id)
    audit_record(action="view", obj=sjp, summary="SJP dilihat melalui API", actor=user)
    return sjp_data(sjp)


# --- referrals -----------------------------------------------------------------------------
def _referral(r: Any) -> dict[str, Any]:
    fields = [
        "id",
        "status",
        "from_provider_id",
        "to_provider_id",
        "person_id",
        "diagnosis_code",
        "reason",
        "sjp_id",
        "created_at",
        "responded_at",
        "response_note",
    ]
    return {name: getattr(r, name) for name in fields}


@router.post("/referrals", response={201: ReferralOut, **WRITE_ERRORS}, tags=["rujukan"], summary="Buat rujukan")
def referral_create(request: HttpRequest, payload: ReferralIn, idempotency_key: str | None = IDEMPOTENCY_HEADER) -> Any:
    from ejamkesda.services.referrals import ReferralError
    from ejamkesda.services.referrals import referral_create as create

    user = token_user(request)
    access.require_role(user, {Role.PPK_OPERATOR})

    def call() -> tuple[int, dict[str, Any]]:
        sjp = own_sjp(user, payload.sjp_id) if payload.sjp_id is not None else None
        to_provider = _provider(payload.to_provider_id, "to_provider_id")
        assert to_provider is not None
        try:
            referral = create(
                actor=user,
                person=_person_by_nik(payload.nik),
                to_provider=to_provider,
                diagnosis_code=payload.diagnosis_code,
                reason=payload.reason,
                sjp=sjp,
            )
        except ReferralError as exc:
            raise InvalidInput(str(exc), code="rujukan_tidak_valid") from None
        return 201, dump(ReferralOut, _referral(referral))

    return idempotent_call(
        user=user, key=idempotency_key, endpoint="POST /referrals", body=payload.model_dump(mode="json"), call=call
    )


@router.get(
    "/referrals",
    response={200: ReferralPageOut, **READ_ERRORS},
    tags=["rujukan"],
    summary="Daftar rujukan (keluar dan masuk)",
)
def referral_list(request: HttpRequest, filters: Query[PageFilter]) -> Any:
    qs = access.referrals_for(_reader(request, REFERRAL_ROLES))
    if filters.status:
        qs = qs.filter(status=filters.status)
    qs = qs.order_by("-created_at", "-id")
    return {"count": qs.count(), "results": [_referral(r) for r in qs[filters.offset : filters.offset + filters.limit]]}


@router.get(
    "/referrals/{referral_id}",
    response={200: ReferralOut, **READ_ERRORS},
    tags=["rujukan"],
    summary="Status satu rujukan",
)
def referral_detail(request: HttpRequest, referral_id: int) -> Any:
    user = _reader(request, REFERRAL_ROLES)
    referral = access.get_for(access.referrals_for(user), referral_id)
    audit_record(action="view", obj=referral, summary="Rujukan dilihat melalui API", actor=user)
    return _referral(referral)


# --- claims --------------------------------------------------------------------------------
def _attachments(items: list[AttachmentIn]) -> list[Any]:
    from ejamkesda.services.claims import AttachmentInput

    result = []
    for item in items:
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput(
                f"Lampiran {item.filename}: content_base64 bukan base64 yang sah.", code="lampiran_tidak_valid"
            ) from None
        result.append(AttachmentInput(item.kind, SimpleUploadedFile(item.filename, content)))
    return result


def _lines(items: list[LineIn]) -> list[Any]:
    from ejamkesda.services.claims import LineInput

    return [LineInput(line.code, line.quantity) for line in items]


def claim_error(exc: Exception, *, invalid_code: str = "klaim_tidak_lolos_pemeriksaan") -> ApiError:
    """A service's ClaimConflict → 409 ``klaim_konflik``; any other ClaimError → 422 (with its checks)."""
    from ejamkesda.services.claim_checks import ClaimConflict

    checks = [{"code": c.code, "label": c.label, "ok": c.ok, "message": c.message} for c in getattr(exc, "checks", [])]
    if isinstance(exc, ClaimConflict):
        return Conflict(str(exc), code="klaim_konflik")
    failed = "; ".join(f"{c['label']}: {c['message']}" for c in checks if not c["ok"])
    return InvalidInput(f"{exc} {failed}".strip(), code=invalid_code, details=checks)


def claim_data(claim: Any, user: Any = None) -> dict[str, Any]:
    """A claim as JSON; with ``user``, only the attachments the policy lets them open."""
    fields = [
        "id",
        "status",
        "version",
        "provider_id",
        "sjp_id",
        "person_id",
        "service_kind",
        "admission_date",
        "discharge_date",
        "primary_diagnosis",
        "secondary_diagnoses",
        "claimed_total",
        "approved_total",
        "reject_reason",
        "verifier_note",
        "submitted_at",
        "decided_at",
        "paid_at",
    ]
    data = {name: getattr(claim, name) for name in fields}
    data["lines"] = list(
        claim.lines.values(
            "id", "code", "description", "quantity", "unit_price", "amount", "approved_amount", "adjustment_reason"
        )
    )
    attachments = claim.attachments.all() if user is None else access.claim_attachments_for(user, claim)
    data["attachments"] = list(attachments.values("id", "kind", "original_name", "content_type", "size", "uploaded_at"))
    data["events"] = list(claim.events.values("at", "from_status", "to_status", "note"))
    return data


@router.post(
    "/claims",
    response={201: ClaimOut, 200: ClaimOut, **WRITE_ERRORS},
    tags=["klaim"],
    summary="Ajukan klaim dengan baris tarif dan lampiran",
)
def claim_create(request: HttpRequest, payload: ClaimIn, idempotency_key: str | None = IDEMPOTENCY_HEADER) -> Any:
    from ejamkesda.services.claim_checks import ClaimError
    from ejamkesda.services.claims import claim_submit

    user = token_user(request)
    access.require_role(user, {Role.PPK_OPERATOR})

    def call() -> tuple[int, dict[str, Any]]:
        sjp = own_sjp(user, payload.sjp_id)
        try:
            claim, created = claim_submit(
                actor=user,
                sjp=sjp,
                admission_date=payload.admission_date,
                discharge_date=payload.discharge_date,
                primary_diagnosis=payload.primary_diagnosis,
                secondary_diagnoses=payload.secondary_diagnoses,
                lines=_lines(payload.lines),
                attachments=_attachments(payload.attachments),
                idempotency_key=(idempotency_key or uuid.uuid4().hex)[:64],
                note=payload.note,
            )
        except ClaimError as exc:
            raise claim_error(exc) from None
        return (201 if created else 200), dump(ClaimOut, claim_data(claim))

    return idempotent_call(
        user=user, key=idempotency_key, endpoint="POST /claims", body=payload.model_dump(mode="json"), call=call
    )


@router.post(
    "/claims/{claim_id}/resubmit",
    response={200: ClaimOut, **WRITE_ERRORS},
    tags=["klaim"],
    summary="Ajukan ulang klaim yang dikembalikan (lampiran/baris baru)",
)
def claim_resubmit(
    request: HttpRequest, claim_id: int, payload: ClaimResubmitIn, idempotency_key: str | None = IDEMPOTENCY_HEADER
) -> Any:
    from ejamkesda.services.claim_checks import ClaimError
    from ejamkesda.services.claim_decisions import claim_resubmit as resubmit

    user = token_user(request)
    access.require_role(user, {Role.PPK_OPERATOR})  # a role refused on the web page: 403
    claim = access.get_for(access.claims_for(user), claim_id)

    def call() -> tuple[int, dict[str, Any]]:
        try:
            updated = resubmit(
                claim=claim,  # type: ignore[arg-type]
                actor=user,
                note=payload.note,
                attachments=_attachments(payload.attachments),
                lines=_lines(payload.lines) if payload.lines is not None else None,
                expected_version=payload.expected_version,
            )
        except ClaimError as exc:
            raise claim_error(exc) from None
        return 200, dump(ClaimOut, claim_data(updated))

    return idempotent_call(
        user=user,
        key=idempotency_key,
        endpoint=f"POST /claims/{claim.pk}/resubmit",
        body=payload.model_dump(mode="json"),
        call=call,
    )


@router.get("/claims", response={200: ClaimPageOut, **READ_ERRORS}, tags=["klaim"], summary="Daftar klaim")
def claim_list(request: HttpRequest, filters: Query[PageFilter]) -> Any:
    qs = access.claims_for(_reader(request, CLAIM_ROLES))
    if filters.status:
        qs = qs.filter(status=filters.status)
    qs = qs.order_by("-submitted_at", "-id")
    page = qs[filters.offset : filters.offset + filters.limit]
    return {
        "count": qs.count(),
        "results": [dump(ClaimSummaryOut, {f: getattr(c, f) for f in ClaimSummaryOut.model_fields}) for c in page],
    }


@router.get(
    "/claims/{claim_id}",
    response={200: ClaimOut, **READ_ERRORS},
    tags=["klaim"],
    summary="Rincian klaim: baris, lampiran, riwayat status",
)
def claim_detail(request: HttpRequest, claim_id: int) -> Any:
    user = _reader(request, CLAIM_ROLES)
    claim = access.get_for(access.claims_for(user), claim_id)
    audit_record(action="view", obj=claim, summary="Klaim dilihat melalui API", actor=user)
    return claim_data(claim, user)


__all__ = ["NotFound", "router"]
