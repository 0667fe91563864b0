"""Job pages: list, detail with an htmx-refreshed progress bar, error report download, re-run."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ejamkesda.audit.services import audit_record
from ejamkesda.core import policy
from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role
from ejamkesda.jobs.importing.report import report_to_xlsx
from ejamkesda.jobs.registry import get_import_kind, import_kinds
from ejamkesda.jobs.selectors import job_get_for, jobs_visible_to
from ejamkesda.jobs.services import job_enqueue, job_rerun

JOB_ROLES = policy.JOB_ROLES  # one access policy for web, REST and FHIR


def _kind_label(key: str) -> str:
    try:
        return str(get_import_kind(key).label)
    except LookupError:
        return key


@role_required(*JOB_ROLES)
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(jobs_visible_to(request.user), 25).get_page(request.GET.get("page"))
    for job in page:
        job.kind_label = _kind_label(job.kind)  # type: ignore[attr-defined]
    user: Any = request.user
    kinds = []
    for kind in import_kinds():
        if kind.upload_url_name and (user.is_superuser or user.role in kind.roles):
            try:
                kinds.append({"label": kind.label, "url": reverse(kind.upload_url_name)})
            except NoReverseMatch:
                continue
    return render(request, "jobs/job_list.html", {"page": page, "kinds": kinds})


@role_required(*JOB_ROLES)
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_get_for(user=request.user, job_id=job_id)
    job.kind_label = _kind_label(job.kind)  # type: ignore[attr-defined]
    return render(request, "jobs/job_detail.html", {"job": job})


@role_required(*JOB_ROLES)
def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_get_for(user=request.user, job_id=job_id)
    response = render(request, "jobs/_progress.html", {"job": job})
    response["Cache-Control"] = "no-store"
    return response


@role_required(*JOB_ROLES)
def job_error_report(request: HttpRequest, job_id: int, fmt: str) -> HttpResponse:
    job = job_get_for(user=request.user, job_id=job_id)
    path = Path(job.error_report_path) if job.error_report_path else None
    if path is None or not path.exists() or fmt not in {"csv", "xlsx"}:
        raise Http404
    audit_record(action="export", obj=job, summary=f"unduh laporan kesalahan impor ({fmt})")
    filename = f"kesalahan-impor-{job.pk}.{fmt}"
    response: Any
    if fmt == "csv":
        response = FileResponse(open(path, "rb"), as_attachment=True, filename=filename, content_type="text/csv")  # noqa: SIM115
    else:
        buffer = io.BytesIO()
        report_to_xlsx(path, buffer)
        buffer.seek(0)
        response = FileResponse(
            buffer,
            as_attachment=True,
            filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@role_required(Role.UPT_ADMIN)
def job_rerun_view(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_get_for(user=request.user, job_id=job_id)
    if (job.is_active and not job.is_stale) or not Path(job.file_path).exists():
        messages.error(request, _("Pekerjaan ini tidak dapat dijalankan ulang."))
        return redirect("jobs:detail", job_id=job.pk)
    new = job_rerun(job=job, actor=request.user)
    job_enqueue(job=new)
    messages.success(request, _("Impor dijalankan ulang. Baris yang tidak berubah tidak akan ditulis lagi."))
    return redirect("jobs:detail", job_id=new.pk)
