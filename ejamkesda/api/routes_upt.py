"""UPT decisions (SJP approve/reject, claim verification) and document downloads.

Thin, like the web: every decision calls the SAME service function as the web pages
(``sjp_approve``, ``sjp_reject``, ``claim_approve``, ``claim_approve_adjusted``,
``claim_return``, ``claim_reject``) inside ``idempotent_call``. The services lock the row
and check the state/version, so of two verifiers racing on one object exactly one wins;
the other's ``SjpConflict``/``ClaimConflict`` is answered ``409`` with a stable code.
Perbup PPU 29/2016 Pasal 7 ayat 3: the special application (verification) is the UPT's.

Downloads follow the web views' rules (``services.views_claims.claim_attachment``,
``services.views_sjp.sjp_pdf``): the same roles, the same scoped selectors (a provider sees
only its own objects, the UPT the whole regency; outside the scope is 404), the same audit
event, sent as a download with ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router

from ejamkesda.api import access
from ejamkesda.api.errors import ApiError, Conflict, InvalidInput, NotFound
from ejamkesda.api.routes_services import (
    IDEMPOTENCY_HEADER,
    READ_ERRORS,
    WRITE_ERRORS,
    claim_data,
    claim_error,
    dump,
    idempotent_call,
    sjp_data,
    token_user,
)
from ejamkesda.api.schemas_services import ClaimOut, SjpOut
from ejamkesda.api.schemas_upt import ClaimApproveIn, ClaimRejectIn, ClaimReturnIn, SjpApproveIn, SjpRejectIn
from ejamkesda.core.roles import UPT_ROLES

logger = logging.getLogger(__name__)
router = Router()
DECISION_INVALID = "keputusan_tidak_valid"


def _binary(*content_types: str) -> dict[str, Any]:
    """OpenAPI for a file answer (the JSON error answers come from ``response=``)."""
    content = {kind: {"schema": {"type": "string", "format": "binary"}} for kind in content_types}
    return {"responses": {200: {"description": "Berkas (unduhan)", "content": content}}}


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    from ejamkesda.coverage.exports import attachment_header

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- downloads -----------------------------------------------------------------------------
@router.get(
    "/claims/{claim_id}/attachments/{attachment_id}",
    response=READ_ERRORS,
    openapi_extra=_binary("application/pdf", "image/jpeg", "image/png"),
    tags=["lampiran"],
    summary="Unduh lampiran klaim (PPK pemilik, UPT; bendahara PPK: rincian biaya saja)",
)
def claim_attachment_download(request: HttpRequest, claim_id: int, attachment_id: int) -> Any:
    from ejamkesda.core.policy import claim_attachment_get  # the web download's decision
    from ejamkesda.services.auditing import audit_event

    user = token_user(request)
    claim, attachment = claim_attachment_get(user, claim_id, attachment_id)
    try:
        with attachment.file.open("rb") as handle:  # small (CLAIM_ATTACHMENT_MAX_MB): read whole
            content = handle.read()
    except FileNotFoundError:
        logger.error("Claim attachment %s: file missing from storage", attachment.pk)
        missing = "Berkas lampiran tidak ada di penyimpanan; hubungi UPT Jamkesda."
        raise NotFound(missing, code="berkas_tidak_ada") from None
    audit_event(
        event="claim.attachment_view",
        obj=claim,
        actor=user,
        summary=f"Unduh lampiran {attachment.kind} melalui API",
        changes={"attachment_id": attachment.pk},
    )
    return _download(content, attachment.content_type, attachment.original_name or "lampiran")


@router.get(
    "/sjp/{sjp_id}/letter",
    response=READ_ERRORS,
    openapi_extra=_binary("application/pdf"),
    tags=["lampiran"],
    summary="Unduh surat SJP (PDF) yang sudah disetujui",
)
def sjp_letter_download(request: HttpRequest, sjp_id: int) -> Any:
    from ejamkesda.core.policy import SJP_ROLES  # the web letter's roles
    from ejamkesda.services.auditing import audit_event
    from ejamkesda.services.models import Sjp
    from ejamkesda.services.pdf import sjp_letter_pdf

    user = token_user(request)
    access.require_role(user, SJP_ROLES)
    sjp: Any = access.get_for(access.sjps_for(user).filter(status=Sjp.Status.APPROVED), sjp_id)
    verify_url = request.build_absolute_uri(reverse("services:sjp_verify", args=[sjp.token]))
    content = sjp_letter_pdf(sjp, verify_url=verify_url)
    audit_event(event="sjp.pdf", obj=sjp, actor=user, summary=f"Unduh surat SJP {sjp.number} melalui API")
    return _download(content, "application/pdf", f"{(sjp.number or 'sjp').replace('/', '-')}.pdf")


# --- SJP decisions -------------------------------------------------------------------------
def _sjp_error(exc: Exception) -> ApiError:
    from ejamkesda.services.sjp import SjpConflict

    if isinstance(exc, SjpConflict):
        return Conflict(str(exc), code="sjp_sudah_diputuskan")
    return InvalidInput(str(exc), code=DECISION_INVALID)


def _decide_sjp(request: HttpRequest, sjp_id: int, action: str, payload: Any, key: str | None) -> Any:
    from ejamkesda.services.sjp import SjpError, sjp_approve, sjp_reject

    user = token_user(request)
    access.require_role(user, UPT_ROLES)  # a provider token: 403, before any lookup
    sjp: Any = access.get_for(access.sjps_for(user), sjp_id)

    def call() -> tuple[int, dict[str, Any]]:
        try:
            if action == "approve":
                decided = sjp_approve(sjp=sjp, actor=user, valid_until=payload.valid_until, note=payload.note)
            else:
                decided = sjp_reject(sjp=sjp, actor=user, reason=payload.reason)
        except SjpError as exc:
            raise _sjp_error(exc) from None
        return 200, dump(SjpOut, sjp_data(decided))

    body = payload.model_dump(mode="json")
    return idempotent_call(user=user, key=key, endpoint=f"POST /sjp/{sjp.pk}/{action}", body=body, call=call)


@router.post(
    "/sjp/{sjp_id}/approve",
    response={200: SjpOut, **WRITE_ERRORS},
    tags=["keputusan UPT"],
    summary="UPT: setujui SJP (nomor SJP diberikan)",
)
def sjp_approve_api(
    request: HttpRequest, sjp_id: int, payload: SjpApproveIn, idempotency_key: str | None = IDEMPOTENCY_HEADER
) -> Any:
    return _decide_sjp(request, sjp_id, "approve", payload, idempotency_key)


@router.post(
    "/sjp/{sjp_id}/reject",
    response={200: SjpOut, **WRITE_ERRORS},
    tags=["keputusan UPT"],
    summary="UPT: tolak SJP dengan alasan",
)
def sjp_reject_api(
    request: HttpRequest, sjp_id: int, payload: SjpRejectIn, idempotency_key: str | None = IDEMPOTENCY_HEADER
) -> Any:
    return _decide_sjp(request, sjp_id, "reject", payload, idempotency_key)


# --- claim verification --------------------------------------------------------------------
def _decide_claim(request: HttpRequest, claim_id: int, action: str, payload: Any, key: str | None) -> Any:
    from ejamkesda.services import claim_decisions as decisions
    from ejamkesda.services.claim_checks import ClaimError

    user = token_user(request)
    access.require_role(user, UPT_ROLES)
    claim: Any = access.get_for(access.claims_for(user), claim_id)
    common = {"claim": claim, "actor": user, "expected_version": payload.expected_version}

    def call() -> tuple[int, dict[str, Any]]:
        try:
            if action == "approve" and payload.adjustments:
                adjustments = [
                    decisions.LineAdjustment(line_id=a.line_id, approved_amount=a.approved_amount, reason=a.reason)
                    for a in payload.adjustments
                ]
                decided = decisions.claim_approve_adjusted(**common, adjustments=adjustments, note=payload.note)
            elif action == "approve":
                decided = decisions.claim_approve(**common, note=payload.note)
            elif action == "return":
                decided = decisions.claim_return(**common, note=payload.note)
            else:
                decided = decisions.claim_reject(**common, reason_code=payload.reason_code, note=payload.note)
        except ClaimError as exc:
            raise claim_error(exc, invalid_code=DECISION_INVALID) from None
        return 200, dump(ClaimOut, claim_data(decided))

    body = payload.model_dump(mode="json")
    return idempotent_call(user=user, key=key, endpoint=f"POST /claims/{claim.pk}/{action}", body=body, call=call)


@router.post(
    "/claims/{claim_id}/approve",
    response={200: ClaimOut, **WRITE_ERRORS},
    tags=["keputusan UPT"],
    summary="UPT: setujui klaim (penuh, atau dengan penyesuaian baris)",
)
def claim_approve_api(
    request: HttpRequest, claim_id: int, payload: ClaimApproveIn, idempotency_key: str | None = IDEMPOTENCY_HEADER
) -> Any:
    return _decide_claim(request, claim_id, "approve", payload, idempotency_key)


@router.post(
    "/claims/{claim_id}/return",
    response={200: ClaimOut, **WRITE_ERRORS},
    tags=["keputusan UPT"],
    summary="UPT: kembalikan klaim ke PPK untuk perbaikan",
)
def claim_return_api(
    request: HttpRequest, claim_id: int, payload: ClaimReturnIn, idempotency_key: str | None = IDEMPOTENCY_HEADER
) -> Any:
    return _decide_claim(request, claim_id, "return", payload, idempotency_key)


@router.post(
    "/claims/{claim_id}/reject",
    response={200: ClaimOut, **WRITE_ERRORS},
    tags=["keputusan UPT"],
    summary="UPT: tolak klaim dengan kode alasan",
)
def claim_reject_api(
    request: HttpRequest, claim_id: int, payload: ClaimRejectIn, idempotency_key: str | None = IDEMPOTENCY_HEADER
) -> Any:
    return _decide_claim(request, claim_id, "reject", payload, idempotency_key)
