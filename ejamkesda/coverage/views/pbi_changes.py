"""Monthly PBI JK changes both ways (Instruksi Bupati Tegal 379/2022 KEDUA 6a–c): Dinas
Sosial (its OPD operators) and the UPT start the run, decide each proposal and download the
accepted changes for BPJS and the social ministry's application."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ejamkesda.audit.services import audit_record
from ejamkesda.core.permissions import role_required
from ejamkesda.coverage.exports import attachment_header, xlsx_response
from ejamkesda.coverage.models import PbiChange, PbiChangeKind, PbiChangeReason, PbiChangeRun
from ejamkesda.coverage.services.pbi_change_runs import (
    PbiChangeBusy,
    pbi_change_decide,
    pbi_change_enqueue,
    pbi_change_start,
)
from ejamkesda.coverage.services.pbi_export import COLUMNS, export_rows
from ejamkesda.coverage.views.pbi import PBI_ROLES, _guard


def _month(request: HttpRequest) -> dt.date | None:
    text = request.GET.get("bulan", "")
    if text:
        try:
            return dt.datetime.strptime(text, "%Y-%m").date()
        except ValueError:
            raise Http404 from None
    run = PbiChangeRun.objects.first()
    return run.month if run is not None else None


@role_required(*PBI_ROLES)
def changes(request: HttpRequest) -> HttpResponse:
    _guard(request)
    month = _month(request)
    queryset = PbiChange.objects.filter(month=month) if month else PbiChange.objects.none()
    queryset = queryset.select_related("paired_with", "decided_by")
    filters = {
        "kind": (request.GET.get("jenis", ""), PbiChangeKind.values),
        "reason": (request.GET.get("alasan", ""), PbiChangeReason.values),
        "status": (request.GET.get("status", ""), PbiChange.Status.values),
    }
    for field, (chosen, allowed) in filters.items():
        if chosen in allowed:
            queryset = queryset.filter(**{field: chosen})
    if request.GET.get("rawat") == "1":
        queryset = queryset.filter(in_care=True)
    if request.GET.get("desa"):
        queryset = queryset.filter(village_code=request.GET["desa"])
    audit_record(action="view", object_type="coverage.PbiChange", summary=f"Lihat perubahan PBI {month}")
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    latest = PbiChangeRun.objects.filter(month=month).first() if month else None
    return render(
        request,
        "coverage/pbi_changes.html",
        {
            "month": month,
            "page": page,
            "run": latest,
            "runs": PbiChangeRun.objects.all()[:6],
            "kinds": PbiChangeKind.choices,
            "reasons": PbiChangeReason.choices,
            "statuses": PbiChange.Status.choices,
            "chosen": {key: value for key, (value, _allowed) in filters.items()},
            "in_care_only": request.GET.get("rawat") == "1",
            "this_month": timezone.localdate().replace(day=1),
            "reason_labels": dict(PbiChangeReason.choices),
        },
    )


@require_POST
@role_required(*PBI_ROLES)
def changes_start(request: HttpRequest) -> HttpResponse:
    _guard(request)
    try:
        month = dt.datetime.strptime(request.POST.get("bulan", ""), "%Y-%m").date()
    except ValueError:
        month = timezone.localdate().replace(day=1)
    try:
        run = pbi_change_start(month=month, actor=request.user)
    except (ValueError, PbiChangeBusy) as error:
        messages.error(request, str(error))
        return redirect("coverage:pbi_changes")
    pbi_change_enqueue(run=run)
    messages.success(
        request, _("Perhitungan perubahan PBI dimulai di latar belakang; muat ulang untuk melihat hasilnya.")
    )
    return redirect(f"{reverse('coverage:pbi_changes')}?bulan={month:%Y-%m}")


@require_POST
@role_required(*PBI_ROLES)
def change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    change = get_object_or_404(PbiChange, pk=pk)
    accept = request.POST.get("keputusan") == "setuju"
    try:
        pbi_change_decide(change=change, accept=accept, reason=request.POST.get("alasan", ""), actor=request.user)
        messages.success(request, _("Keputusan untuk %(name)s disimpan.") % {"name": change.name})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{reverse('coverage:pbi_changes')}?bulan={change.month:%Y-%m}")


@role_required(*PBI_ROLES)
def changes_export(request: HttpRequest) -> HttpResponse:
    _guard(request)
    month = _month(request)
    if month is None:
        raise Http404
    fmt = request.GET.get("format", "xlsx")
    audit_record(action="export", object_type="coverage.PbiChange", summary=f"Unduh perubahan PBI {month:%m-%Y} {fmt}")
    filename = f"perubahan-pbi-{month:%Y%m}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(COLUMNS)
        for row in export_rows(month):
            writer.writerow([_csv_cell(value) for value in row])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = attachment_header(f"{filename}.csv")
        return response
    title = _("Perubahan PBI JK ditetapkan Dinas Sosial %(month)s") % {"month": f"{month:%m-%Y}"}
    return xlsx_response(filename, title, COLUMNS, export_rows(month))


def _csv_cell(value: object) -> str:
    from ejamkesda.jobs.importing.report import safe_cell

    return str(safe_cell(str(value)))
