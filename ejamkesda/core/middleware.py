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
