"""Uploads of dated snapshots (UPT admin) and of sector lists (the agency's own operators)."""

from __future__ import annotations

import pathlib
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ejamkesda.core.forms import form_add_errors
from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role
from ejamkesda.coverage import selectors
from ejamkesda.coverage.models import SectorList, SectorStat, Snapshot, SnapshotKind
from ejamkesda.coverage.services.snapshots import sector_list_create, snapshot_open
from ejamkesda.coverage.tasks import import_snapshot_file
from ejamkesda.coverage.views.common import INTERNAL_ROLES
from ejamkesda.coverage.views.forms import ComputeForm, SectorListForm, SectorUploadForm, UploadForm
from ejamkesda.rules.coverage import coverage

ALLOWED_SUFFIXES = {".csv", ".xlsx"}


def _store(upload: UploadedFile) -> pathlib.Path:
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
    """Store the uploaded file, open its snapshot and import it in the background; the
    redirect to the snapshot page, or ``None`` with the error added to the form."""
    try:
        path = _store(form.cleaned_data["file"])
    except ValidationError as error:
        form.add_error("file", error)
        return None
    snapshot = snapshot_open(
        kind=kind,
        as_of=form.cleaned_data["as_of"],
        sector_list=sector_list,
        actor=request.user,
        source_name=form.cleaned_data["file"].name,
    )
    import_snapshot_file.enqueue(snapshot.pk, str(path))
    messages.success(request, _("Berkas diterima dan sedang diimpor."))
    return redirect("coverage:snapshot", pk=snapshot.pk)


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
    return render(request, "coverage/snapshot.html", {"snapshot": found})


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
    snapshots = Snapshot.objects.filter(sector_list=item).order_by("-as_of", "-id")[:24]
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
        },
    )
