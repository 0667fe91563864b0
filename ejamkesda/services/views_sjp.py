"""SJP pages: request (PPK), queue and decision (UPT), letter PDF, public verification, ICD search."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from ejamkesda.core import policy
from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role
from ejamkesda.participants.models import Person
from ejamkesda.services import icd
from ejamkesda.services.auditing import audit_event
from ejamkesda.services.claims import sjp_open_claim
from ejamkesda.services.forms import SjpDecisionForm, SjpRequestForm
from ejamkesda.services.models import Sjp
from ejamkesda.services.paging import CappedPaginator
from ejamkesda.services.pdf import sjp_letter_pdf
from ejamkesda.services.selectors import sjps_visible_to
from ejamkesda.services.sjp import SjpError, sjp_approve, sjp_is_valid_on, sjp_reject, sjp_request

PAGE_SIZE = 25


def _user(request: HttpRequest) -> Any:
    """The logged-in user (role_required guarantees one) typed loosely for its extra fields."""
    return request.user


SJP_ROLES = policy.SJP_ROLES  # one access policy for web, REST and FHIR
UPT = (Role.UPT_VERIFIER, Role.UPT_ADMIN)


@role_required(*SJP_ROLES)
def sjp_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        sjps_visible_to(request.user)
        .select_related(None)
        .select_related("provider", "person")
        .only(
            "id",
            "number",
            "status",
            "service_kind",
            "diagnosis_code",
            "service_from",
            "requested_at",
            "provider__name",
            "provider__code",
            "person__name",
        )
    )
    status = request.GET.get("status", "")
    if status in Sjp.Status.values:
        queryset = queryset.filter(status=status)
    # The verifier's queue: requested letters, oldest first.
    if status == Sjp.Status.REQUESTED:
        queryset = queryset.order_by("requested_at", "id")
    # Only the verifier's queue is counted; approved and rejected letters grow forever.
    counts = {Sjp.Status.REQUESTED.value: sjps_visible_to(request.user).filter(status=Sjp.Status.REQUESTED).count()}
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "services/sjp_list.html",
        {
            "page": page,
            "status": status,
            "statuses": [(value, label, counts.get(value)) for value, label in Sjp.Status.choices],
            "query_string": f"status={status}" if status else "",
        },
    )


@role_required(Role.PPK_OPERATOR)
def sjp_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and "from_check" in request.POST:
        # "Buat SJP" after the coverage check on the home page: the checked NIK arrives
        # by POST (never in a URL) and only fills the form in.
        form = SjpRequestForm(initial={"nik": request.POST.get("nik", "")[:16]})
        return render(request, "services/sjp_form.html", {"form": form})
    form = SjpRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = Person.objects.filter(nik=data["nik"]).first()
        if person is None:
            form.add_error("nik", _("NIK tidak terdaftar di data penduduk e-Jamkesda."))
        else:
            try:
                sjp = sjp_request(
                    actor=request.user,
                    person=person,
                    service_kind=data["service_kind"],
                    diagnosis_code=data["diagnosis_code"],
                    service_from=data["service_from"],
                    service_to=data["service_to"],
                    referring_provider=data["referring_provider"],
                    emergency_at=data["emergency_at"],
                    notes=data["notes"],
                )
            except SjpError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("SJP diajukan; menunggu verifikasi UPT Jamkesda."))
                return redirect("services:sjp_detail", pk=sjp.pk)
    return render(request, "services/sjp_form.html", {"form": form})


@role_required(*SJP_ROLES)
def sjp_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sjp = get_object_or_404(sjps_visible_to(request.user), pk=pk)
    audit_event(event="sjp.view", obj=sjp, summary=f"Lihat SJP #{sjp.pk}")
    decision_form = SjpDecisionForm() if _user(request).role in UPT or _user(request).is_superuser else None
    return render(
        request,
        "services/sjp_detail.html",
        {
            "sjp": sjp,
            "diagnosis": icd.describe(sjp.diagnosis_code),
            "decision_form": decision_form,
            "claims": sjp.claims.only("id", "status", "claimed_total", "submitted_at"),
            "open_claim": sjp_open_claim(sjp),
        },
    )


@role_required(*UPT)
@require_POST
def sjp_decide(request: HttpRequest, pk: int) -> HttpResponse:
    sjp = get_object_or_404(sjps_visible_to(request.user), pk=pk)
    form = SjpDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("services:sjp_detail", pk=sjp.pk)
    try:
        if form.cleaned_data["action"] == "approve":
            sjp = sjp_approve(
                sjp=sjp,
                actor=request.user,
                valid_until=form.cleaned_data["valid_until"],
                note=form.cleaned_data["reason"],
            )
            messages.success(request, _("SJP disetujui dengan nomor %(n)s.") % {"n": sjp.number})
        else:
            sjp_reject(sjp=sjp, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("SJP ditolak."))
    except SjpError as exc:
        messages.error(request, str(exc))
    return redirect("services:sjp_detail", pk=sjp.pk)


@role_required(*SJP_ROLES)
def sjp_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    sjp = get_object_or_404(sjps_visible_to(request.user), pk=pk, status=Sjp.Status.APPROVED)
    audit_event(event="sjp.pdf", obj=sjp, summary=f"Cetak SJP {sjp.number}")
    verify_url = request.build_absolute_uri(reverse("services:sjp_verify", args=[sjp.token]))
    response = HttpResponse(sjp_letter_pdf(sjp, verify_url=verify_url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{(sjp.number or "sjp").replace("/", "-")}.pdf"'
    return response


@require_GET
@never_cache
@ratelimit(key="ip", rate="30/m", block=True)
def sjp_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: anyone scanning the QR sees whether the letter is valid, and no personal data."""
    sjp = (
        Sjp.objects.filter(token=token, status=Sjp.Status.APPROVED)
        .only("number", "status", "service_kind", "service_from", "valid_until", "decided_at")
        .first()
    )
    valid_today = bool(sjp and sjp_is_valid_on(sjp, timezone.localdate()))
    return render(
        request,
        "services/sjp_verify.html",
        {"sjp": sjp, "valid_today": valid_today},
        status=200 if sjp else 404,
    )


@role_required(*SJP_ROLES)
@require_GET
def icd_search(request: HttpRequest) -> HttpResponse:
    """htmx autocomplete: <option> elements for the page's <datalist id="icd-options">."""
    query = next((str(value) for value in request.GET.values() if str(value).strip()), "")
    return render(request, "services/_icd_options.html", {"results": icd.search(query)})
