from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ejamkesda.core.roles import REGION_BOUND_ROLES


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Landing page of the internal application (aplikasi khusus, Perbup PPU 29/2016 Pasal 7).
    Village and district officers land on their village lists (Instruksi Bupati Tegal
    379/2022 KEDUA 6d)."""
    if getattr(request.user, "role", "") in REGION_BOUND_ROLES:
        return redirect("coverage:my_villages")
    return render(request, "core/dashboard.html")
