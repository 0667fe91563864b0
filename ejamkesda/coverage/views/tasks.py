"""The instruction checklist (Instruksi Bupati Tegal 379/2022) and the dashboard for the regent's office."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ejamkesda.audit.services import audit_record
from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role
from ejamkesda.coverage.exports import attachment_header
from ejamkesda.coverage.models import InstructionTask, TaskProgress
from ejamkesda.coverage.services.tasks import instruction_task_update, task_progress_add
from ejamkesda.coverage.views.common import INTERNAL_ROLES
from ejamkesda.coverage.views.forms import ProgressForm, TaskEditForm


def _tasks_for(user: Any) -> QuerySet[InstructionTask]:
    tasks = InstructionTask.objects.filter(active=True).select_related("agency")
    if user.role == Role.OPD_OPERATOR:
        return tasks.filter(agency_id=user.agency_id)
    return tasks


@role_required(*INTERNAL_ROLES)
def task_list(request: HttpRequest) -> HttpResponse:
    tasks = _tasks_for(request.user)
    summary = tasks.aggregate(average=Avg("progress_percent"), total=Count("id"))
    by_agency = (
        tasks.values("agency__name")
        .annotate(average=Avg("progress_percent"), total=Count("id"))
        .order_by("agency__name")
    )
    return render(
        request,
        "coverage/tasks.html",
        {"tasks": tasks, "summary": summary, "by_agency": by_agency},
    )


@role_required(*INTERNAL_ROLES)
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    task = get_object_or_404(_tasks_for(user), pk=pk)
    can_report = user.role == Role.UPT_ADMIN or (user.role == Role.OPD_OPERATOR and task.agency_id == user.agency_id)
    can_edit = user.role == Role.UPT_ADMIN or user.is_superuser
    form = ProgressForm(request.POST or None, request.FILES or None) if can_report else None
    edit_form = (
        TaskEditForm(initial={"agency": task.agency_id, "indicator": task.indicator, "text": task.text})
        if can_edit
        else None
    )
    if request.method == "POST":
        if request.POST.get("action") == "edit":
            if not can_edit:
                raise Http404
            edit_form = TaskEditForm(request.POST)
            if edit_form.is_valid():
                instruction_task_update(
                    task=task,
                    agency=edit_form.cleaned_data["agency"],
                    indicator=edit_form.cleaned_data["indicator"],
                    text=edit_form.cleaned_data["text"],
                    actor=request.user,
                )
                messages.success(request, _("Tugas diperbarui."))
                return redirect("coverage:task", pk=task.pk)
        else:
            if form is None:
                raise Http404
            if form.is_valid():
                try:
                    task_progress_add(
                        task=task,
                        percent=form.cleaned_data["percent"],
                        note=form.cleaned_data["note"],
                        evidence=form.cleaned_data["evidence"],
                        actor=request.user,
                    )
                    messages.success(request, _("Kemajuan dicatat."))
                    return redirect("coverage:task", pk=task.pk)
                except ValidationError as error:
                    form.add_error(None, error)
    return render(
        request,
        "coverage/task.html",
        {"task": task, "progress": task.progress.select_related("actor"), "form": form, "edit_form": edit_form},
    )


@role_required(*INTERNAL_ROLES)
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Evidence files are private: served only to users who may see the task."""
    user: Any = request.user
    progress = get_object_or_404(TaskProgress.objects.select_related("task"), pk=pk)
    if not progress.evidence or not _tasks_for(user).filter(pk=progress.task_id).exists():
        raise Http404
    audit_record(action="view", obj=progress, summary=f"Unduh bukti tugas {progress.task.label}")
    with progress.evidence.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/octet-stream")
    name = progress.evidence.name.rsplit("/", 1)[-1]
    response["Content-Disposition"] = attachment_header(name)
    return response
