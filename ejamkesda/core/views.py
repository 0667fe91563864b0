from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Landing page of the internal application (aplikasi khusus, seed 000 Pasal 7)."""
    return render(request, "core/dashboard.html")
