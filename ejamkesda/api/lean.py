"""The lean request path for machine clients: ``/api/v1/…`` and ``/fhir/…``.

A SIMRS calling the API authenticates with a Bearer token on every request; it has no
session, no CSRF cookie, no language cookie, no flash messages and no htmx. Running the
browser middleware (``settings.MIDDLEWARE``) for it only costs time, so the WSGI entry
point (``ejamkesda/wsgi.py``) sends these paths to a second Django handler built from
``settings.API_MIDDLEWARE``: security headers, the allowed-host check and the audit
request context. Same URLconf, same views, same token check, same ``access`` rules.

The browsable API docs page (``/api/v1/docs``) is an HTML page with the site layout, so
it stays on the browser path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIHandler

API_PREFIXES = ("/api/v1/", "/fhir/")
BROWSER_PAGES_UNDER_API = ("/api/v1/docs",)

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def is_api_path(path: str) -> bool:
    """True for the paths served by the lean (token-only) middleware stack."""
    if not path.startswith(API_PREFIXES):
        return False
    return not any(path == page or path.startswith(page + "/") for page in BROWSER_PAGES_UNDER_API)


class ApiMiddlewareMixin(BaseHandler):
    """Builds the middleware chain from ``settings.API_MIDDLEWARE`` instead of ``MIDDLEWARE``.

    ``BaseHandler.load_middleware`` reads ``settings.MIDDLEWARE``; it is pointed at the API
    list only while the chain is built (once, at start-up, before any request), then put back.
    """

    def load_middleware(self, is_async: bool = False) -> None:
        browser = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.API_MIDDLEWARE
        try:
            super().load_middleware(is_async=is_async)
        finally:
            settings.MIDDLEWARE = browser


class ApiWSGIHandler(ApiMiddlewareMixin, WSGIHandler):
    """The production handler for API paths."""


def dispatcher(browser: WsgiApp, api: WsgiApp) -> WsgiApp:
    """One WSGI application: API paths to ``api``, everything else to ``browser``."""

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        handler = api if is_api_path(environ.get("PATH_INFO", "")) else browser
        return handler(environ, start_response)

    return application
