"""Remembers who is acting and from where, for ``audit_record`` calls deep in services."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class RequestContext:
    user: Any
    ip_address: str | None
    user_agent: str


_current: ContextVar[RequestContext | None] = ContextVar("ejamkesda_request", default=None)


def current_request_context() -> RequestContext | None:
    return _current.get()


def client_ip(request: HttpRequest) -> str | None:
    # settings.CLIENT_IP_META_KEY names the header a trusted reverse proxy writes
    # (docs/operasional.md); by default the socket address. X-Forwarded-For is never
    # trusted blindly.
    value = request.META.get(settings.CLIENT_IP_META_KEY) or request.META.get("REMOTE_ADDR") or ""
    return value.split(",")[0].strip() or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(
            RequestContext(
                user=getattr(request, "user", None),
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            )
        )
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
