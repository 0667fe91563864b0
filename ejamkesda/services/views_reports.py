"""Claim report page with XLSX and PDF export."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role
from ejamkesda.services.auditing import audit_event
from ejamkesda.services.reports import claim_report, report_pdf, report_xlsx
from ejamkesda.services.selectors import claims_visible_to

REPORT_ROLES = (Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.VIEWER, Role.PPK_OPERATOR, Role.TREASURER)


def _int(value: str | None, default: int | None, low: int, high: int) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return default
    return number if low <= number <= high else default


@role_required(*REPORT_ROLES)
def claim_reports(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = _int(request.GET.get("tahun"), today.year, 2000, 2100) or today.year
    month = _int(request.GET.get("bulan"), None, 1, 12)
    sections = claim_report(claims_visible_to(request.user), year=year, month=month, today=today)
    period = f"{f'{month:02d}/' if month else ''}{year}"
    title = _("Laporan klaim Jamkesda %(period)s") % {"period": period}
    export = request.GET.get("format")
    if export in {"xlsx", "pdf"}:
        # The audit log is written in Bahasa Indonesia whatever the user's language.
        audit_event(event="claim_report.export", summary=f"Laporan klaim Jamkesda {period} ({export})")
        filename = f"laporan-klaim-{year}{f'-{month:02d}' if month else ''}.{export}"
        if export == "xlsx":
            response = HttpResponse(
                report_xlsx(title, sections),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            response = HttpResponse(report_pdf(title, sections), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    query = f"tahun={year}" + (f"&bulan={month}" if month else "")
    return render(
        request,
        "services/reports.html",
        {"sections": sections, "title": title, "year": year, "month": month, "query": query},
    )
