"""FHIR endpoints. Same token authentication and the same ``access`` module as the REST API
(a FHIR layer that skips a check is a known failure of peer systems).

NIK searches go through POST ``[type]/_search`` (form body); a GET carrying a NIK is
refused with an OperationOutcome, because the NIK must never appear in a URL (docs/arsitektur.md).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from ejamkesda.api import access, conf
from ejamkesda.api.eligibility import eligibility_audit, eligibility_check
from ejamkesda.api.errors import ApiError, Forbidden, InvalidInput, NotFound, Unauthenticated
from ejamkesda.api.fhir import resources as R
from ejamkesda.api.guard import route_guard
from ejamkesda.api.limits import RateLimited, person_lookup_count
from ejamkesda.api.tokens import token_identify
from ejamkesda.audit.services import audit_record
from ejamkesda.participants.models import Membership, MembershipStatus, Person
from ejamkesda.rules.nik import InvalidNik, parse_nik

logger = logging.getLogger(__name__)


class FhirInvalid(InvalidInput):
    """FHIR answers a malformed request or search parameter with 400 (not 422)."""

    status = 400


FHIR_JSON = "application/fhir+json"
ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    409: "conflict",
    422: "processing",
    429: "throttled",
    500: "exception",
    503: "transient",
}


def fhir_response(data: dict[str, Any], status: int = 200) -> HttpResponse:
    return JsonResponse(data, status=status, content_type=FHIR_JSON, json_dumps_params={"ensure_ascii": False})


def outcome(exc: ApiError) -> HttpResponse:
    response = fhir_response(
        R.operation_outcome(exc.message, code=ISSUE_CODES.get(exc.status, "processing")), status=exc.status
    )
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="e-jamkesda"'
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


def fhir_view(methods: tuple[str, ...], *, public: bool = False) -> Callable[..., Any]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        guard = route_guard(view)  # scope and rate group: ejamkesda/api/scopes.py

        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise ApiError(f"Metode {request.method} tidak didukung di sini.", status=405)
                if not public:
                    header = request.headers.get("Authorization", "")
                    scheme, _, token = header.partition(" ")
                    identity = token_identify(token.strip()) if scheme.lower() == "bearer" else None
                    if identity is None:
                        raise Unauthenticated()
                    request.fhir_user = identity.user  # type: ignore[attr-defined]
                    request.api_token = identity  # type: ignore[attr-defined]
                guard(request)
                return view(request, *args, **kwargs)
            except ApiError as exc:
                return outcome(exc)
            except PermissionDenied:  # the access policy (core.policy) refused the role
                return outcome(Forbidden())
            except Http404:
                return outcome(NotFound())
            except DataError:
                return outcome(FhirInvalid("Nilai parameter tidak dapat diproses (mis. karakter NUL)."))
            except Exception:
                logger.exception("FHIR error on %s", request.path)
                return outcome(ApiError("Terjadi kesalahan di server.", status=500))

        return wrapper

    return decorator


def _user(request: HttpRequest) -> Any:
    return request.fhir_user  # type: ignore[attr-defined]


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise FhirInvalid("Badan permintaan bukan JSON FHIR yang sah.") from None
    if not isinstance(data, dict):
        raise FhirInvalid("Badan permintaan harus satu resource FHIR (objek JSON).")
    return data


def _nik_from_token(value: str) -> str:
    system, sep, nik = value.partition("|")
    if not sep or system != R.NIK_SYSTEM:
        raise FhirInvalid(f"identifier harus berbentuk {R.NIK_SYSTEM}|NIK.")
    try:
        return parse_nik(nik).nik
    except InvalidNik as exc:
        raise FhirInvalid(f"NIK tidak valid: {exc}.") from None


# --- metadata -----------------------------------------------------------------------------
@fhir_view(("GET",), public=True)
def metadata(request: HttpRequest) -> HttpResponse:
    return fhir_response(R.capability_statement())


# --- Patient ------------------------------------------------------------------------------
@fhir_view(("GET",))
def patient_read(request: HttpRequest, pk: str) -> HttpResponse:
    user = _user(request)
    person = access.person_for(user, pk)
    audit_record(action="view", obj=person, summary="Patient dibaca melalui FHIR", actor=user)
    return fhir_response(R.patient(person))


@fhir_view(("GET", "POST"))
def patient_search(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    access.require_role(user, access.ELIGIBILITY_ROLES)  # the role first (403), then the query
    if request.method == "GET":
        if "identifier" in request.GET:
            raise FhirInvalid(
                "Pencarian Patient dengan NIK lewat GET ditolak karena NIK tidak boleh muncul di URL "
                "(tercatat di log server dan proxy). Gunakan POST /fhir/Patient/_search dengan badan "
                "application/x-www-form-urlencoded: identifier=https://fhir.kemkes.go.id/id/nik|NIK.",
            )
        raise FhirInvalid(
            "Pencarian Patient hanya didukung dengan parameter identifier (NIK) melalui POST /fhir/Patient/_search.",
            status=400,
        )
    return _patient_search_post(request, user)


def _patient_search_post(request: HttpRequest, user: Any) -> HttpResponse:
    access.require_role(user, access.ELIGIBILITY_ROLES)
    params = QueryDict(request.body) if request.content_type != "application/json" else QueryDict("")
    value = params.get("identifier") or ""
    if not value:
        raise FhirInvalid("Parameter identifier wajib diisi: https://fhir.kemkes.go.id/id/nik|NIK.")
    nik = _nik_from_token(value)
    person = Person.objects.filter(nik=nik).first()
    found = [person] if person is not None else []
    regency_wide = access.is_regency_wide(user)
    # Every look-up by NIK is audited, a miss too (someone probing NIKs leaves a trace),
    # and counted against the token's daily quota (settings.API_PERSON_LOOKUP_DAILY_QUOTA).
    prefix = request.api_token.prefix  # type: ignore[attr-defined]
    if person is not None:
        audit_record(
            action="view", obj=person, summary=f"Patient dicari dengan NIK melalui FHIR (token {prefix})", actor=user
        )
    else:
        audit_record(
            action="view",
            object_type="participants.Person",
            summary=f"Patient dicari dengan NIK melalui FHIR: tidak ditemukan (token {prefix})",
            actor=user,
        )
    person_lookup_count(identity=request.api_token)  # type: ignore[attr-defined]
    # Someone who already holds the NIK (a provider at registration) gets the minimal Patient.
    return fhir_response(R.bundle([R.patient(p, minimal=not regency_wide) for p in found], base=conf.FHIR_BASE_URL))


# --- Coverage -----------------------------------------------------------------------------
@fhir_view(("GET", "POST"))
def coverage_search(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    params = request.GET if request.method == "GET" else QueryDict(request.body)
    beneficiary = (params.get("beneficiary") or params.get("patient") or "").removeprefix("Patient/")
    if not beneficiary:
        raise FhirInvalid("Parameter beneficiary (Patient/[id]) wajib diisi.")
    person = access.person_for(user, beneficiary)
    memberships = Membership.objects.filter(person=person).order_by("-valid_from", "-id")
    status = params.get("status")
    if status == "active":
        memberships = memberships.filter(status=MembershipStatus.ACTIVE)
    elif status == "cancelled":
        memberships = memberships.exclude(status=MembershipStatus.ACTIVE)
    elif status:
        raise FhirInvalid("status harus active atau cancelled.")
    audit_record(action="view", obj=person, summary="Coverage dicari melalui FHIR", actor=user)
    return fhir_response(R.bundle([R.coverage(m) for m in memberships], base=conf.FHIR_BASE_URL))


# --- Organization -------------------------------------------------------------------------
@fhir_view(("GET",))
def organization_read(request: HttpRequest, pk: str) -> HttpResponse:
    return fhir_response(R.organization(access.get_for(access.providers_for(_user(request)), pk)))


@fhir_view(("GET",))
def organization_search(request: HttpRequest) -> HttpResponse:
    qs = access.providers_for(_user(request)).order_by("name", "id")
    if identifier := request.GET.get("identifier"):
        qs = qs.filter(code=identifier.rpartition("|")[2])
    if name := request.GET.get("name"):
        qs = qs.filter(name__istartswith=name[:100])
    return fhir_response(R.bundle([R.organization(p) for p in qs[:100]], base=conf.FHIR_BASE_URL))


# --- CoverageEligibilityRequest → CoverageEligibilityResponse -----------------------------
def _patient_nik(request_resource: dict[str, Any], user: Any) -> str:
    ref = request_resource.get("patient") or {}
    if not isinstance(ref, dict):
        raise FhirInvalid("patient harus Reference.")
    identifier = ref.get("identifier")
    reference = str(ref.get("reference") or "")
    if isinstance(identifier, dict) and identifier.get("system") == R.NIK_SYSTEM:
        return _nik_from_token(f"{R.NIK_SYSTEM}|{identifier.get('value', '')}")
    if reference.startswith("#"):
        for contained in request_resource.get("contained") or []:
            if isinstance(contained, dict) and contained.get("id") == reference[1:]:
                for ident in contained.get("identifier") or []:
                    if isinstance(ident, dict) and ident.get("system") == R.NIK_SYSTEM:
                        return _nik_from_token(f"{R.NIK_SYSTEM}|{ident.get('value', '')}")
    if reference.startswith("Patient/"):
        return access.person_for(user, reference.removeprefix("Patient/")).nik
    raise FhirInvalid(
        f"patient harus berisi identifier NIK ({R.NIK_SYSTEM}), Patient/[id], "
        "atau rujukan ke Patient yang di-contained dengan NIK."
    )


def _serviced_date(resource: dict[str, Any]) -> dt.date:
    value = resource.get("servicedDate") or (resource.get("servicedPeriod") or {}).get("start")
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise FhirInvalid("servicedDate harus tanggal YYYY-MM-DD.") from None


@fhir_view(("POST",))
def coverage_eligibility_request(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    access.require_role(user, access.ELIGIBILITY_ROLES)
    resource = _json_body(request)
    if resource.get("resourceType") != "CoverageEligibilityRequest":
        raise FhirInvalid("resourceType harus CoverageEligibilityRequest.")
    nik = _patient_nik(resource, user)
    on = _serviced_date(resource)
    answer = eligibility_check(nik=nik, on=on)
    eligibility_audit(user=user, answer=answer, channel="FHIR")
    purpose = [
        p for p in resource.get("purpose") or [] if p in {"auth-requirements", "benefits", "discovery", "validation"}
    ] or ["validation"]
    request_ref: dict[str, Any] = {"display": "CoverageEligibilityRequest (tidak disimpan)"}
    identifiers = resource.get("identifier") or []
    if identifiers and isinstance(identifiers[0], dict) and identifiers[0].get("value"):
        request_ref = {"identifier": {k: v for k, v in identifiers[0].items() if k in {"system", "value"}}}
    insurance = []
    for c in answer.coverages:
        insurance.append(
            {
                "extension": [{"url": R.SOURCE_EXTENSION, "valueCode": c.source}],
                "coverage": {
                    "display": " ".join(
                        filter(None, [c.programme.upper(), c.segment, f"kelas {c.care_class}" if c.care_class else ""])
                    )
                },
                "inforce": True,
                "benefitPeriod": {
                    k: v
                    for k, v in {
                        "start": c.valid_from and c.valid_from.isoformat(),
                        "end": c.valid_to and c.valid_to.isoformat(),
                    }.items()
                    if v
                },
            }
        )
        if not insurance[-1]["benefitPeriod"]:
            del insurance[-1]["benefitPeriod"]
    if answer.covered:
        disposition = f"Terjamin pada {on:%d-%m-%Y} (sumber: {answer.source})."
    elif answer.found:
        disposition = f"Tidak terjamin pada {on:%d-%m-%Y}."
    else:
        disposition = "NIK tidak ditemukan dalam data kepesertaan."
    if answer.warnings:
        disposition += " " + " ".join(answer.warnings)
    response = {
        "resourceType": "CoverageEligibilityResponse",
        "status": "active",
        "purpose": purpose,
        "patient": {"identifier": {"system": R.NIK_SYSTEM, "value": nik}},
        "servicedDate": on.isoformat(),
        "created": timezone.now().isoformat(),
        "request": request_ref,
        "outcome": "complete",
        "disposition": disposition,
        "insurer": {"display": "UPT Jamkesda"},
    }
    if insurance:
        response["insurance"] = insurance
    return fhir_response(response)
