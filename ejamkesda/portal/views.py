from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def ratelimited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Shown when a public lookup is rate-limited (settings.RATELIMIT_VIEW)."""
    return render(request, "portal/ratelimited.html", status=429)


def home(request: HttpRequest) -> HttpResponse:
    """Public application (aplikasi umum, seed 000 Pasal 7): what the service is."""
    return render(request, "portal/home.html")
