"""Public application form and tracking (aplikasi umum, Perbup PPU 29/2016 Pasal 7 ayat (2)) and the
UPT verifier desk (aplikasi khusus, Pasal 7 ayat (3))."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ejamkesda.audit.services import audit_record
from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role
from ejamkesda.enrolment import conf
from ejamkesda.enrolment.forms import ApplicationForm, ApproveForm, PrecheckForm, RejectForm, TrackForm
from ejamkesda.enrolment.models import Application, ApplicationDocument, ApplicationOutcome, ApplicationStatus
from ejamkesda.enrolment.selectors import (
    active_memberships,
    application_by_tracking_code,
    application_counts,
    application_queue,
    applications_visible_to,
    count_label,
)
from ejamkesda.enrolment.services import (
    AlreadyCovered,
    ApplicationStateError,
    DuplicateApplication,
    application_approve,
    application_reject,
    application_submit,
    default_validity,
)
from ejamkesda.enrolment.web import form_rate, public_ratelimit, serve_private_file, track_rate
from ejamkesda.portal.challenge import attempt_count, challenge_form, challenge_passed
from ejamkesda.portal.selectors import person_for_public_check
from ejamkesda.portal.views import client_limited, nik_limited, ratelimited
from ejamkesda.rules.nik import mask_name

PAGE_SIZE = 25
SESSION_KEY = "enrolment_submitted"


def _apply_error(form: ApplicationForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        form.add_error(None, error)


# --- public ---------------------------------------------------------------------------


@public_ratelimit(form_rate, per_nik=True)
def apply(request: HttpRequest) -> HttpResponse:
    """The application form. The membership check runs first: an active member is told at once."""
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = application_submit(
                nik=data["nik"],
                kk_number=data["kk_number"],
                name=data["name"],
                birth_date=data["birth_date"],
                address=data["address"],
                reason=data["reason"],
                phone=data["phone"],
                email=data["email"],
                documents=form.documents(),  # type: ignore[arg-type]
            )
        except AlreadyCovered as covered:
            return render(request, "enrolment/already_covered.html", {"memberships": covered.memberships})
        except DuplicateApplication:
            form.add_error(
                None,
                _(
                    "Sudah ada pengajuan untuk NIK ini yang sedang diverifikasi. "
                    "Lihat statusnya dengan kode pelacakan yang Anda terima."
                ),
            )
        except ValidationError as error:
            _apply_error(form, error)
        else:
            request.session[SESSION_KEY] = application.pk
            return redirect("enrolment:submitted")
    return render(request, "enrolment/apply.html", {"form": form})


@never_cache
@require_POST
def precheck(request: HttpRequest) -> HttpResponse:
    """Check membership before filling in the whole form (POST: the NIK never goes in a URL).

    Answers only what an applicant needs — "you may apply" or "you already have active
    coverage, see the membership check" — never the programme's segment (PBI marks
    poverty). It needs the birth date stored for the person, not merely one the NIK
    encodes; an unknown NIK and a wrong birth date get the same answer. Same per-address
    and per-NIK limits and the same challenge as the membership check (docs/portal-publik.md).
    """
    if client_limited(request):
        return ratelimited(request)
    form = PrecheckForm(request.POST)
    context: dict[str, Any] = {"precheck": form, "covered": None}
    if not challenge_passed(request):
        context["challenge"] = challenge_form(request)
        return render(request, "enrolment/_precheck.html", context)
    attempt_count(request)
    if form.is_valid():
        nik = form.cleaned_data["nik"]
        if nik_limited(request, nik):
            return ratelimited(request)
        person = person_for_public_check(nik=nik, birth_date=form.cleaned_data["birth_date"])
        context["covered"] = bool(person is not None and active_memberships(nik=nik))
        if person is not None:
            audit_record(action="view", obj=person, summary="cek awal pengajuan: cocok")
        else:
            audit_record(action="view", object_type="participants.Person", summary="cek awal pengajuan: tidak cocok")
    context["challenge"] = challenge_form(request)
    return render(request, "enrolment/_precheck.html", context)


def submitted(request: HttpRequest) -> HttpResponse:
    """Shown once after submitting: the tracking code (kept in the session, not the URL)."""
    application_id = request.session.pop(SESSION_KEY, None)
    application = Application.objects.filter(pk=application_id).first() if application_id else None
    if application is None:
        return redirect("enrolment:track")
    return render(request, "enrolment/submitted.html", {"application": application})


@public_ratelimit(track_rate)
def track(request: HttpRequest) -> HttpResponse:
    """Status by tracking code (POST). Shows only what the applicant needs, no NIK."""
    form = TrackForm(request.POST or None)
    application = None
    if request.method == "POST" and form.is_valid():
        application = application_by_tracking_code(form.cleaned_data["code"])
        if application is None:
            form.add_error("code", _("Kode pelacakan tidak ditemukan."))
    context: dict[str, Any] = {"form": form, "application": application}
    if application is not None:
        context["masked_name"] = mask_name(application.name)
    return render(request, "enrolment/track.html", context)


# --- UPT verifier desk ----------------------------------------------------------------

UPT = (Role.UPT_VERIFIER, Role.UPT_ADMIN)


@role_required(*UPT)
def desk(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", ApplicationStatus.SUBMITTED)
    if status not in ApplicationStatus.values:
        status = ApplicationStatus.SUBMITTED
    page = Paginator(application_queue(user=request.user, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = application_counts(user=request.user)
    return render(
        request,
        "enrolment/desk.html",
        {
            "page": page,
            "status": status,
            "tabs": [(value, label, count_label(counts[value])) for value, label in ApplicationStatus.choices],
            "query_string": f"status={status}",
        },
    )


def _application(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(applications_visible_to(request.user).select_related("decided_by"), pk=pk)


@role_required(*UPT)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    audit_record(action="view", obj=application, summary=f"lihat pengajuan {application.code_display}")
    start, end = default_validity(timezone.localdate())
    return render(
        request,
        "enrolment/detail.html",
        {
            "application": application,
            "documents": list(application.documents.all()),
            "memberships": active_memberships(nik=application.nik),
            "approve_form": ApproveForm(
                initial={"outcome": ApplicationOutcome.JAMKESDA, "valid_from": start, "valid_to": end}
            ),
            "reject_form": RejectForm(),
            "default_months": conf.validity_months(),
        },
    )


@require_POST
@role_required(*UPT)
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("enrolment:detail", pk=pk)
    try:
        application_approve(
            application=application,
            actor=request.user,
            outcome=form.cleaned_data["outcome"],
            valid_from=form.cleaned_data["valid_from"],
            valid_to=form.cleaned_data["valid_to"],
            note=form.cleaned_data["note"],
        )
    except (ApplicationStateError, ValidationError) as error:
        messages.error(request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error))
    else:
        messages.success(request, _("Pengajuan %(code)s disetujui.") % {"code": application.code_display})
    return redirect("enrolment:detail", pk=pk)


@require_POST
@role_required(*UPT)
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Alasan penolakan wajib diisi."))
        return redirect("enrolment:detail", pk=pk)
    try:
        application_reject(application=application, actor=request.user, reason=form.cleaned_data["reason"])
    except ApplicationStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Pengajuan %(code)s ditolak.") % {"code": application.code_display})
    return redirect("enrolment:detail", pk=pk)


@role_required(*UPT)
def export_pbpu(request: HttpRequest) -> HttpResponse:
    """XLSX of approved applications proposed for JKN registration as PBPU/BP Pemda."""
    from ejamkesda.enrolment.exports import pbpu_proposals_xlsx

    content = pbpu_proposals_xlsx(user=request.user)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"usulan-pbpu-bp-pemda-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*UPT)
def document(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve an uploaded document to UPT staff only (MEDIA_ROOT is never served publicly)."""
    doc = get_object_or_404(
        ApplicationDocument.objects.select_related("application").filter(
            application__in=applications_visible_to(request.user)
        ),
        pk=pk,
    )
    return serve_private_file(request, doc, doc.file, doc.content_type, doc.original_name)
