"""Coverage dashboards: regency → district → village, by segment, per sector list, over time,
and the public page with aggregate figures only (Perbup PPU 29/2016 Pasal 7: aplikasi umum)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ejamkesda.core.permissions import role_required, user_has_role
from ejamkesda.core.roles import Role
from ejamkesda.coverage import selectors
from ejamkesda.coverage.charts import bar_chart, line_chart
from ejamkesda.coverage.models import ComputeRun, CoveragePeriod, CoverageStat, SectorStat
from ejamkesda.coverage.services.compute_runs import ComputeBusy, coverage_compute_enqueue, coverage_compute_start
from ejamkesda.coverage.views.common import (
    INTERNAL_ROLES,
    TARGET,
    UPT,
    area_rows,
    figures_of,
    regency_code,
    segment_rows,
)
from ejamkesda.regions.models import Region
from ejamkesda.rules.coverage import DEFAULT_TARGETS, coverage


def _history_chart(code: str, title: str) -> object:
    history = selectors.area_history(code)
    months = [f"{stat.period.month:%m/%y}" for stat in history]
    figures = [figures_of(stat) for stat in history]
    return line_chart(
        title,
        months,
        {
            _("Terdaftar"): [f.registered_percent for f in figures],
            _("Aktif"): [f.active_percent for f in figures],
        },
        target=TARGET,
    )


def _area_context(period: CoveragePeriod | None, code: str) -> dict[str, object]:
    if period is None:
        return {"period": None}
    stat = period.stats.filter(region_code=code).first()
    children = selectors.child_stats(period, code) if code.count(".") < 3 else []
    names = selectors.region_names([c.region_code for c in children] + [code])
    rows = area_rows(children, names)
    return {
        "period": period,
        "periods": CoveragePeriod.objects.all()[:24],
        "code": code,
        "name": names.get(code, code),
        "figures": figures_of(stat),
        "segments": segment_rows(stat),
        "rows": rows,
        "chart": bar_chart(
            _("Peserta aktif per wilayah (%)"), [(row.name, row.figures.active_percent) for row in rows], target=TARGET
        )
        if rows
        else None,
        "history": _history_chart(code, _("Cakupan dari bulan ke bulan (%)")),
        "targets": DEFAULT_TARGETS,
    }


@role_required(*INTERNAL_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    period = selectors.period_or_latest(request.GET.get("periode"))
    context = _area_context(period, regency_code())
    if period is not None:
        sector_stats = (
            SectorStat.objects.filter(period=period, sector_list__in=selectors.sector_lists_visible_to(request.user))
            .select_related("sector_list", "sector_list__agency")
            .order_by("sector_list__agency__name", "sector_list__name")
        )
        context["sectors"] = [{"stat": s, "figures": coverage(s.listed, s.registered, s.active)} for s in sector_stats]
    context["can_compute"] = user_has_role(request.user, [Role.UPT_ADMIN])
    context["can_see_people"] = user_has_role(request.user, UPT)
    context["can_see_pbi"] = selectors.can_see_pbi(request.user)
    return render(request, "coverage/dashboard.html", context)


@role_required(*INTERNAL_ROLES)
def area(request: HttpRequest, code: str) -> HttpResponse:
    region = Region.objects.filter(code=code, level__in=[3, 4], code__startswith=regency_code() + ".").first()
    if region is None:
        raise Http404
    period = selectors.period_or_latest(request.GET.get("periode"))
    context = _area_context(period, code)
    context["region"] = region
    context["parent"] = region.parent
    context["can_see_people"] = user_has_role(request.user, UPT)
    return render(request, "coverage/area.html", context)


@require_POST
@role_required(Role.UPT_ADMIN)
def compute(request: HttpRequest) -> HttpResponse:
    """Start the month's computation in the background and show its progress page."""
    from django.contrib import messages

    from ejamkesda.coverage.views.forms import ComputeForm

    form = ComputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bulan tidak sah."))
        return redirect("coverage:dashboard")
    try:
        run = coverage_compute_start(month=form.cleaned_data["month"], actor=request.user)
    except ComputeBusy as busy:
        messages.warning(request, str(busy))
        return redirect("coverage:compute_run", pk=busy.run.pk) if busy.run else redirect("coverage:dashboard")
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("coverage:dashboard")
    coverage_compute_enqueue(run=run)
    return redirect("coverage:compute_run", pk=run.pk)


@role_required(*UPT)
def compute_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ComputeRun.objects.select_related("created_by"), pk=pk)
    return render(request, "coverage/compute_run.html", {"run": run})


@role_required(*UPT)
def compute_progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ComputeRun, pk=pk)
    response = render(request, "coverage/_compute_progress.html", {"run": run})
    response["Cache-Control"] = "no-store"
    return response


def public(request: HttpRequest) -> HttpResponse:
    """Aggregate figures only: no names, no NIK, no person lists (transparency)."""
    period = selectors.latest_period()
    context: dict[str, object] = {"period": period, "targets": DEFAULT_TARGETS}
    if period is not None:
        code = regency_code()
        stat = period.stats.filter(region_code=code).first()
        districts = list(CoverageStat.objects.filter(period=period, level=3).order_by("region_code"))
        names = selectors.region_names([s.region_code for s in districts] + [code])
        rows = area_rows(districts, names)
        context.update(
            {
                "name": names.get(code, code),
                "figures": figures_of(stat),
                "segments": segment_rows(stat),
                "rows": rows,
                "chart": bar_chart(
                    _("Peserta aktif per kecamatan (%)"),
                    [(row.name, row.figures.active_percent) for row in rows],
                    target=TARGET,
                )
                if rows
                else None,
                "history": _history_chart(code, _("Cakupan dari bulan ke bulan (%)")),
            }
        )
    return render(request, "coverage/public.html", context)
