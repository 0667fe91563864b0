"""The REST API object (django-ninja): authentication and errors in one place.

OpenAPI: /api/v1/openapi.json; a browsable, script-free docs page: /api/v1/docs.
"""

from __future__ import annotations

import logging
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer
from pydantic import BaseModel

from ejamkesda.api.errors import ApiError, Forbidden, InvalidInput, NotFound, Unauthenticated
from ejamkesda.api.guard import route_guard
from ejamkesda.api.limits import RateLimited
from ejamkesda.api.tokens import token_identify

logger = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ejk_…`` → the token's user (request.auth)."""

    def __call__(self, request: HttpRequest) -> Any | None:
        # As HttpBearer, reading the one header from META instead of building request.headers.
        scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != self.openapi_scheme or not token:
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        identity = token_identify(token.strip())
        if identity is None:
            return None
        request.api_token = identity  # type: ignore[attr-defined]
        return identity.user


def json_response(model: BaseModel, status: int = 200) -> HttpResponse:
    """A validated response model as JSON, serialised by pydantic-core (hot endpoints).

    Ninja passes an HttpResponse through untouched; the operation's ``response=`` schema
    still documents it in OpenAPI, and the model was validated when it was built.
    """
    return HttpResponse(model.model_dump_json(), status=status, content_type="application/json; charset=utf-8")


class EjamkesdaApi(NinjaAPI):
    """Every token-authenticated operation may answer 429 (per-token rate limit): documented once here."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        too_many = {
            "description": "Batas laju token terlampaui; ulangi setelah Retry-After detik.",
            "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "detik"}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                if isinstance(operation, dict) and operation.get("security"):
                    operation.setdefault("responses", {}).setdefault(429, too_many)
        return schema


class ObjectBodyParser(Parser):
    """Every request body of this API is a JSON object. A list or a bare value is refused (400)
    instead of letting a body whose fields are all optional pass as "no fields given"."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        body = super().parse_body(request)
        if not isinstance(body, dict):
            raise HttpError(400, "JSON body must be an object")
        return body


api = EjamkesdaApi(
    title="e-Jamkesda API",
    parser=ObjectBodyParser(),
    version="1",
    description=(
        "API untuk SIMRS/SIMPUS dan platform nasional: cek kepesertaan, data peserta (UPT), PPK, "
        "SJP, rujukan, klaim. Autentikasi: header `Authorization: Bearer TOKEN`. Galat: JSON "
        "`{code, message, details}`. NIK hanya di badan permintaan (POST), tidak pernah di URL. "
        "Panduan: docs/integrasi-api.md."
    ),
    urls_namespace="api_v1",
    auth=TokenAuth(),
    docs_url=None,
    openapi_url="/openapi.json",
)


def _has_nul(value: Any) -> bool:
    """True when a string anywhere in the (parsed) input holds NUL, which PostgreSQL refuses."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, BaseModel):
        return any(_has_nul(item) for item in value.__dict__.values())
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


def _strict_query(func: Any) -> Any:
    """Refuse unknown query parameters (a typo such as ``?stauts=`` must not silently do nothing)."""

    @wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if any(_has_nul(value) for value in kwargs.values()):
            raise InvalidInput("Teks tidak boleh berisi karakter NUL (\\u0000).", code="karakter_tidak_sah")
        if request.GET:
            allowed = set(kwargs)
            for value in kwargs.values():
                if isinstance(value, BaseModel):
                    allowed |= set(type(value).model_fields)
            unknown = sorted(name[:30] for name in set(request.GET) - allowed)
            if unknown:
                raise InvalidInput(
                    f"Parameter tidak dikenal: {', '.join(unknown[:5])}.", code="parameter_tidak_dikenal"
                )
            repeated = sorted(name[:30] for name in request.GET if len(request.GET.getlist(name)) > 1)
            if repeated:
                raise InvalidInput(
                    f"Parameter dikirim lebih dari sekali: {', '.join(repeated[:5])}.", code="parameter_ganda"
                )
        return func(request, *args, **kwargs)

    return wrapper


api.add_decorator(_strict_query)


def _scope_and_rate(func: Any) -> Any:
    """Every operation: the token's scope and rate limit for this route (ejamkesda/api/scopes.py)."""
    check = route_guard(func)

    @wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        check(request)
        return func(request, *args, **kwargs)

    return wrapper


api.add_decorator(_scope_and_rate)


def _error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    response = api.create_response(request, exc.body(), status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _error(request, exc)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = _error(request, Unauthenticated())
    response["WWW-Authenticate"] = 'Bearer realm="e-jamkesda"'
    return response


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details: list[dict[str, Any]] = []
    for error in exc.errors:
        location = ".".join(str(part) for part in error.get("loc", ()) if part not in {"payload", "filters"})
        details.append({"field": location, "message": str(error.get("msg", ""))[:200], "type": error.get("type")})
    fields = ", ".join(str(d["field"]) for d in details[:5])
    return _error(request, InvalidInput(f"Isian tidak valid: {fields}." if fields else None, details=details))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, NotFound())


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The access policy (core.policy) refused the role: the same 403 as on the web."""
    return _error(request, Forbidden())


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        400: "permintaan_tidak_valid",
        401: "tidak_terautentikasi",
        403: "tidak_berwenang",
        404: "tidak_ditemukan",
        405: "metode_tidak_didukung",
        429: "terlalu_banyak_permintaan",
    }
    message = "Permintaan tidak dapat diproses."
    if exc.status_code == 400:
        message = "Badan permintaan tidak dapat dibaca: kirim JSON yang sah dengan Content-Type application/json."
    return _error(request, ApiError(message, code=codes.get(exc.status_code), status=exc.status_code))


@api.exception_handler(DataError)
def _data_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(
        request, InvalidInput("Isian tidak dapat disimpan: nilai di luar batas basis data.", code="data_tidak_valid")
    )


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s", request.path)
    return _error(
        request,
        ApiError(
            "Terjadi kesalahan di server. Silakan coba lagi atau hubungi UPT Jamkesda.",
            code="kesalahan_server",
            status=500,
        ),
    )
