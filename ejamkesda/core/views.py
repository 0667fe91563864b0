from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ejamkesda.core import home_check
from ejamkesda.core.home import home_for
from ejamkesda.core.roles import REGION_BOUND_ROLES


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def dashboard(request: HttpRequest) -> HttpResponse:
    """The staff home: what waits for this role (aplikasi khusus, Perbup PPU 29/2016 Pasal 7).

    Village and district officers land on their village lists (Instruksi Bupati Tegal
    379/2022 KEDUA 6d). A PPK operator checks a person's coverage here by POST."""
    user: Any = request.user
    if getattr(user, "role", "") in REGION_BOUND_ROLES:
        return redirect("coverage:my_villages")
    home = home_for(user)
    context: dict[str, Any] = {"home": home}
    if home.coverage_check:
        form = home_check.CoverageCheckForm(request.POST if request.method == "POST" else None)
        context["check_form"] = form
        if request.method == "POST":
            if home_check.check_limited(request):
                from ejamkesda.portal.views import ratelimited

                return ratelimited(request)
            if form.is_valid():
                context["check"] = home_check.coverage_check(user=user, nik=form.cleaned_data["nik"])
                context["check_nik"] = form.cleaned_data["nik"]
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "core/dashboard.html", context)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links; send them to the static file."""
    return redirect(static("favicon.ico"), permanent=True)
