"""Bahasa Indonesia first: the browser's Accept-Language is not consulted.

The UI is Indonesian unless the person chooses English with the language switch (which
sets the language cookie). Many phones in Indonesia report English as their browser
language; residents should still get the Indonesian service by default.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class IndonesianFirstMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class ApiSecurityHeadersMiddleware:
    """The protective part of the browser stack, for token-authenticated API responses.

    Runs on the lean API path (``settings.API_MIDDLEWARE``, ``ejamkesda.api.lean``) after
    Django's SecurityMiddleware (HSTS, nosniff, Referrer-Policy, COOP, HTTPS redirect):

    * the Host header is checked against ALLOWED_HOSTS, as CommonMiddleware does for pages;
    * ``X-Frame-Options: DENY`` and a Content-Security-Policy that allows nothing (a JSON
      answer is never a document to render, frame or run scripts in);
    * ``Cache-Control: no-store``: answers about a person must not stay in a shared cache.
    """

    CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.get_host()  # DisallowedHost → 400, as on the browser path
        response = self.get_response(request)
        headers = response.headers
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy", self.CSP)
        headers.setdefault("Cache-Control", "no-store")
        return response
