"""Complaints: public filing and tracking; the UPT desk to assign, respond and close."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ejamkesda.audit.services import audit_record
from ejamkesda.complaints.forms import AssignForm, ComplaintForm, RespondForm, TrackForm
from ejamkesda.complaints.models import Complaint, ComplaintStatus
from ejamkesda.complaints.selectors import (
    complaint_by_tracking_code,
    complaint_counts,
    complaint_queue,
    complaints_visible_to,
)
from ejamkesda.complaints.services import (
    ComplaintStateError,
    complaint_assign,
    complaint_close,
    complaint_file,
    complaint_respond,
)
from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role
from ejamkesda.enrolment.selectors import count_label
from ejamkesda.enrolment.web import form_rate, public_ratelimit, serve_private_file, track_rate

PAGE_SIZE = 25
SESSION_KEY = "complaint_filed"
UPT = (Role.UPT_VERIFIER, Role.UPT_ADMIN)


@public_ratelimit(form_rate)
def file(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = complaint_file(
                category=data["category"],
                description=data["description"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
                attachment=data["attachment"] or None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[SESSION_KEY] = complaint.pk
            return redirect("complaints:filed")
    return render(request, "complaints/file.html", {"form": form})


def filed(request: HttpRequest) -> HttpResponse:
    complaint_id = request.session.pop(SESSION_KEY, None)
    complaint = Complaint.objects.filter(pk=complaint_id).first() if complaint_id else None
    if complaint is None:
        return redirect("complaints:track")
    return render(request, "complaints/filed.html", {"complaint": complaint})


@public_ratelimit(track_rate)
def track(request: HttpRequest) -> HttpResponse:
    """The complainant sees status and answer with the code (POST; no personal data shown)."""
    form = TrackForm(request.POST or None)
    complaint = None
    if request.method == "POST" and form.is_valid():
        complaint = complaint_by_tracking_code(form.cleaned_data["code"])
        if complaint is None:
            form.add_error("code", _("Kode pelacakan tidak ditemukan."))
    return render(request, "complaints/track.html", {"form": form, "complaint": complaint})


@role_required(*UPT)
def desk(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", ComplaintStatus.NEW)
    if status not in ComplaintStatus.values:
        status = ComplaintStatus.NEW
    mine = request.GET.get("saya") == "1"
    queryset = complaint_queue(user=request.user, status=status, mine=mine)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = complaint_counts(user=request.user)
    return render(
        request,
        "complaints/desk.html",
        {
            "page": page,
            "status": status,
            "mine": mine,
            "tabs": [(value, label, count_label(counts[value])) for value, label in ComplaintStatus.choices],
            "query_string": f"status={status}" + ("&saya=1" if mine else ""),
        },
    )


def _complaint(request: HttpRequest, pk: int) -> Complaint:
    related = ("assigned_to", "responded_by", "closed_by")
    return get_object_or_404(complaints_visible_to(request.user).select_related(*related), pk=pk)


@role_required(*UPT)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    audit_record(action="view", obj=complaint, summary=f"lihat pengaduan {complaint.code_display}")
    context: dict[str, Any] = {
        "complaint": complaint,
        "assign_form": AssignForm(initial={"assignee": complaint.assigned_to_id or request.user.pk}),
        "respond_form": RespondForm(initial={"response": complaint.response}),
    }
    return render(request, "complaints/detail.html", context)


def _run(request: HttpRequest, pk: int, action: Any, success: str) -> HttpResponse:
    try:
        action()
    except ComplaintStateError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("complaints:detail", pk=pk)


@require_POST
@role_required(*UPT)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih petugas UPT."))
        return redirect("complaints:detail", pk=pk)
    assignee = form.cleaned_data["assignee"]
    return _run(
        request,
        pk,
        lambda: complaint_assign(complaint=complaint, actor=request.user, assignee=assignee),
        _("Pengaduan ditugaskan."),
    )


@require_POST
@role_required(*UPT)
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    form = RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Jawaban wajib diisi."))
        return redirect("complaints:detail", pk=pk)
    text = form.cleaned_data["response"]
    return _run(
        request,
        pk,
        lambda: complaint_respond(complaint=complaint, actor=request.user, response=text),
        _("Jawaban disimpan."),
    )


@require_POST
@role_required(*UPT)
def close(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    return _run(request, pk, lambda: complaint_close(complaint=complaint, actor=request.user), _("Pengaduan ditutup."))


@role_required(*UPT)
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    if not complaint.attachment:
        raise Http404
    return serve_private_file(
        request, complaint, complaint.attachment, complaint.attachment_type, complaint.attachment_name
    )
