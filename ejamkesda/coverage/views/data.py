"""Uploads of dated snapshots (UPT admin) and of sector lists (the agency's own operators)."""

from __future__ import annotations

import pathlib
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ejamkesda.audit.services import audit_record
from ejamkesda.core.forms import form_add_errors
from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role
from ejamkesda.coverage import selectors
from ejamkesda.coverage.importing import KIND_KEYS
from ejamkesda.coverage.models import SectorList, SectorStat, Snapshot, SnapshotKind
from ejamkesda.coverage.services.snapshots import sector_list_create
from ejamkesda.coverage.views.common import INTERNAL_ROLES
from ejamkesda.coverage.views.forms import (
    ComputeForm,
    SectorListForm,
    SectorPickUploadForm,
    SectorUploadForm,
    UploadForm,
)
from ejamkesda.jobs.importing import ImportFileError
from ejamkesda.jobs.services import job_create, job_enqueue
from ejamkesda.rules.coverage import coverage

ALLOWED_SUFFIXES = {".csv", ".xlsx"}


def _store(upload: UploadedFile) -> pathlib.Path:
    """A private temporary copy of a small upload read in the request (BPJS bill lists)."""
    suffix = pathlib.Path(upload.name or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError(_("Berkas harus CSV atau XLSX."))
    folder = pathlib.Path(settings.MEDIA_ROOT) / "coverage" / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{suffix}"
    with path.open("wb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    return path


def _accept_upload(
    request: HttpRequest, form: Any, *, kind: str, sector_list: SectorList | None = None
) -> HttpResponse | None:
    """Hand the file to the shared job machinery (background import with progress and an
    error report): the redirect to the job page, or ``None`` with the error on the form."""
    upload = form.cleaned_data["file"]
    if pathlib.Path(upload.name or "").suffix.lower() not in ALLOWED_SUFFIXES:
        form.add_error("file", _("Berkas harus CSV atau XLSX."))
        return None
    options: dict[str, Any] = {"as_of": form.cleaned_data["as_of"].isoformat()}
    if sector_list is not None:
        options["sector_list_id"] = sector_list.pk
    try:
        job = job_create(
            kind=KIND_KEYS[kind],
            upload=upload,
            original_name=upload.name,
            actor=request.user,
            source=upload.name,
            dry_run=form.cleaned_data.get("dry_run") or False,
            options=options,
        )
    except ImportFileError as error:
        form.add_error("file", str(error))
        return None
    job_enqueue(job=job)
    messages.success(request, _("Berkas diterima dan sedang diimpor."))
    return redirect("jobs:detail", job_id=job.pk)


@role_required(Role.UPT_ADMIN)
def imports(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        accepted = _accept_upload(request, form, kind=form.cleaned_data["kind"])
        if accepted is not None:
            return accepted
    snapshots = Snapshot.objects.filter(sector_list__isnull=True).order_by("-as_of", "-id")[:50]
    return render(
        request, "coverage/imports.html", {"form": form, "snapshots": snapshots, "compute_form": ComputeForm()}
    )


@role_required(*INTERNAL_ROLES)
def snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    found = get_object_or_404(Snapshot.objects.select_related("sector_list__agency"), pk=pk)
    if found.sector_list_id:
        selectors.sector_list_for(user, found.sector_list_id)  # 404 for another agency
    elif user.role not in (Role.UPT_ADMIN, Role.UPT_VERIFIER) and not user.is_superuser:
        raise Http404
    # Probable duplicates name people: not for the viewer role (aggregates only), and audited.
    duplicates = _duplicates(found) if user.role != Role.VIEWER else []
    if duplicates:
        audit_record(action="view", obj=found, summary="Lihat kemungkinan duplikat daftar sektor", actor=user)
    return render(
        request,
        "coverage/snapshot.html",
        {"snapshot": found, "jobs": selectors.snapshot_jobs(found, request.user), "duplicates": duplicates},
    )


def _duplicates(snapshot: Snapshot) -> list[Any]:
    if snapshot.kind != SnapshotKind.SECTOR:
        return []
    return list(snapshot.duplicates.select_related("entry_a", "entry_b")[:200])


@role_required(Role.UPT_ADMIN, Role.OPD_OPERATOR)
def sector_upload(request: HttpRequest) -> HttpResponse:
    """Upload a sector list file, choosing one of the lists the user may fill."""
    user: Any = request.user
    lists = selectors.sector_lists_visible_to(user)
    form = SectorPickUploadForm(request.POST or None, request.FILES or None, lists=lists)
    if request.method == "POST" and form.is_valid():
        accepted = _accept_upload(request, form, kind=SnapshotKind.SECTOR, sector_list=form.cleaned_data["sector_list"])
        if accepted is not None:
            return accepted
    return render(request, "coverage/sector_upload.html", {"form": form})


@role_required(*INTERNAL_ROLES)
def sector_lists(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = SectorListForm(request.POST or None) if user.role == Role.OPD_OPERATOR else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            created = sector_list_create(
                agency=user.agency,
                name=form.cleaned_data["name"],
                sector=form.cleaned_data["sector"],
                instruction_point=form.cleaned_data.get("instruction_point") or "",
                actor=user,
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            return redirect("coverage:sector_list", pk=created.pk)
    lists = selectors.sector_lists_visible_to(user)
    period = selectors.latest_period()
    stats = {s.sector_list_id: s for s in SectorStat.objects.filter(period=period)} if period else {}
    rows = []
    for item in lists:
        stat = stats.get(item.pk)
        rows.append(
            {
                "list": item,
                "stat": stat,
                "figures": coverage(stat.listed, stat.registered, stat.active) if stat else None,
            }
        )
    return render(request, "coverage/sector_lists.html", {"rows": rows, "form": form, "period": period})


@role_required(*INTERNAL_ROLES)
def sector_list(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    item = selectors.sector_list_for(user, pk)
    can_upload = user.role in (Role.OPD_OPERATOR, Role.UPT_ADMIN)
    form = SectorUploadForm(request.POST or None, request.FILES or None) if can_upload else None
    if form is not None and request.method == "POST" and form.is_valid():
        accepted = _accept_upload(request, form, kind=SnapshotKind.SECTOR, sector_list=item)
        if accepted is not None:
            return accepted
    snapshots = list(
        Snapshot.objects.filter(sector_list=item)
        .annotate(duplicate_count=Count("duplicates"))
        .order_by("-as_of", "-id")[:24]
    )
    history = SectorStat.objects.filter(sector_list=item).select_related("period").order_by("period__month")
    return render(
        request,
        "coverage/sector_list.html",
        {
            "item": item,
            "form": form,
            "snapshots": snapshots,
            "history": [{"stat": s, "figures": coverage(s.listed, s.registered, s.active)} for s in history],
            "can_see_people": user.role != Role.VIEWER,
            "links": _link_summary(snapshots[0]) if snapshots else [],
        },
    )


LINK_LABELS = {
    "nik": gettext_lazy("NIK sama dengan data kependudukan"),
    "keputusan_petugas": gettext_lazy("dipadankan, dikonfirmasi petugas"),
    "": gettext_lazy("belum terpadankan"),
}


def _link_summary(snapshot: Snapshot) -> list[dict[str, Any]]:
    """How the rows of the list were linked to the register at the last computation."""
    rows = snapshot.entries.values("link_method").annotate(n=Count("id")).order_by("link_method")
    return [
        {
            "label": LINK_LABELS.get(row["link_method"], _("dipadankan otomatis (%(m)s)") % {"m": row["link_method"]}),
            "n": row["n"],
        }
        for row in rows
    ]
