"""Claim pages: create for an SJP (PPK), verifier queue and decision (UPT), resubmission,
attachments (permission-checked download), timeline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ejamkesda.core import policy
from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role
from ejamkesda.jobs.importing.base import ImportFileError
from ejamkesda.jobs.importing.files import table_rows
from ejamkesda.rules.claims import (
    CLAIM_STATE_LABELS,
    PENDING_VERIFICATION,
    ClaimState,
    ageing_bucket,
    sla_status,
)
from ejamkesda.rules.tariffs import normalise_code
from ejamkesda.services import conf, icd
from ejamkesda.services.auditing import audit_event
from ejamkesda.services.bulk import claims_bulk_submit
from ejamkesda.services.claim_checks import ClaimConflict, ClaimError, claim_checks_for
from ejamkesda.services.claim_decisions import (
    LineAdjustment,
    claim_approve,
    claim_approve_adjusted,
    claim_reject,
    claim_resubmit,
    claim_return,
)
from ejamkesda.services.claims import AttachmentInput, LineInput, claim_precheck, claim_submit, sjp_open_claim
from ejamkesda.services.forms import BulkClaimForm, ClaimDecisionForm, ClaimForm, LineFormSet, ResubmitForm
from ejamkesda.services.models import Sjp
from ejamkesda.services.paging import CappedPaginator
from ejamkesda.services.selectors import claims_visible_to, sjps_visible_to
from ejamkesda.services.tariffs import tariff_options

PAGE_SIZE = 25


def _user(request: HttpRequest) -> Any:
    """The logged-in user (role_required guarantees one) typed loosely for its extra fields."""
    return request.user


CLAIM_ROLES = policy.CLAIM_ROLES  # one access policy for web, REST and FHIR
UPT = (Role.UPT_VERIFIER, Role.UPT_ADMIN)
COUNTED_STATES = [
    state.value
    for state in (
        ClaimState.SUBMITTED,
        ClaimState.RETURNED,
        ClaimState.APPROVED,
        ClaimState.ADJUSTED,
        ClaimState.IN_PAYMENT,
    )
]
AWAITING_PAYMENT = {ClaimState.APPROVED.value, ClaimState.ADJUSTED.value, ClaimState.IN_PAYMENT.value}


@role_required(*CLAIM_ROLES)
def claim_list(request: HttpRequest) -> HttpResponse:
    visible = claims_visible_to(request.user)
    queryset = visible.only(
        "id",
        "status",
        "service_kind",
        "admission_date",
        "discharge_date",
        "claimed_total",
        "approved_total",
        "submitted_at",
        "decided_at",
        "provider__name",
        "provider__code",
        "person__name",
        "sjp__number",
    )
    status = request.GET.get("status", "")
    if status in {state.value for state in ClaimState}:
        queryset = queryset.filter(status=status)
    if status in PENDING_VERIFICATION:
        queryset = queryset.order_by("submitted_at", "id")  # the verifier's queue: oldest first
    # Counts only for the workflow states (claims leave them), so the cards stay cheap with a
    # million claims: rejected and paid claims grow forever and get no count.
    # One small query per state: COUNT(status) and MIN(submitted_at) are answered from the
    # (status, submitted_at) / (provider, status, submitted_at) indexes alone.
    summary = {
        state: visible.filter(status=state).order_by().aggregate(n=Count("status"), oldest=Min("submitted_at"))
        for state in COUNTED_STATES
    }
    today = timezone.localdate()
    statuses = []
    for state in ClaimState:
        row = summary.get(state.value, {})
        oldest = row.get("oldest")
        statuses.append(
            {
                "value": state.value,
                "label": _(CLAIM_STATE_LABELS[state]),
                "count": row.get("n", 0) if state.value in COUNTED_STATES else None,
                "oldest_days": (today - timezone.localdate(oldest)).days if oldest else None,
            }
        )
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for claim in page:
        days = (today - timezone.localdate(claim.submitted_at)).days
        sla = sla_status(timezone.localdate(claim.submitted_at), today, conf.CLAIM_VERIFICATION_SLA_DAYS)
        payment_sla = None
        if claim.status in AWAITING_PAYMENT and claim.decided_at:
            payment_sla = sla_status(timezone.localdate(claim.decided_at), today, conf.CLAIM_PAYMENT_SLA_DAYS)
        age = _(ageing_bucket(days))  # label from rules.claims, in the catalogue via reports.AGEING_LABELS
        rows.append({"claim": claim, "age": age, "days": days, "sla": sla, "payment_sla": payment_sla})
    return render(
        request,
        "services/claim_list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": statuses,
            "query_string": f"status={status}" if status else "",
            "sla_days": conf.CLAIM_VERIFICATION_SLA_DAYS,
            "payment_sla_days": conf.CLAIM_PAYMENT_SLA_DAYS,
        },
    )


def _render_claim_form(request: HttpRequest, sjp: Sjp, form: ClaimForm, formset: Any, failed: Any = ()) -> HttpResponse:
    context = {
        "sjp": sjp,
        "form": form,
        "formset": formset,
        "failed": failed,
        "tariff_items": tariff_options(getattr(form, "cleaned_data", {}).get("admission_date") or sjp.service_from),
    }
    return render(request, "services/claim_form.html", context)


def _claim_lines(formset: Any) -> list[LineInput]:
    return [
        LineInput(code=line.cleaned_data["code"], quantity=line.cleaned_data["quantity"])
        for line in formset
        if getattr(line, "cleaned_data", None) and line.cleaned_data.get("code") and line.cleaned_data.get("quantity")
    ]


def _precheck_into_form(request: HttpRequest, sjp: Sjp, form: ClaimForm, formset: Any) -> list[Any]:
    """Run the claim checks with whatever the form already holds, so every problem shows in
    one pass: unknown tariff codes go by their lines, missing attachments by their fields
    (the form marks them required), the other failed checks in the checks table."""
    data = getattr(form, "cleaned_data", {})
    if not (data.get("admission_date") and data.get("discharge_date")):
        return []
    lines = _claim_lines(formset)
    table, priced, failed = claim_precheck(
        sjp=sjp,
        provider_id=_user(request).provider_id,
        admission_date=data["admission_date"],
        discharge_date=data["discharge_date"],
        lines=lines,
        attachment_kinds={kind for kind, _upload in form.attachments()} | _missing_already_reported(form),
    )
    unknown = set(priced.unknown)
    if table is not None and unknown:
        for line in formset:
            code = normalise_code((getattr(line, "cleaned_data", None) or {}).get("code") or "")
            if code in unknown:
                line.add_error("code", _("Kode tarif %(code)s tidak ada di tabel tarif yang berlaku.") % {"code": code})
        failed = [check for check in failed if check.code != "prices"]
    return failed


def _missing_already_reported(form: ClaimForm) -> set[str]:
    """Attachment kinds whose required field already carries an error (said once, by the field)."""
    return {name.removeprefix("attachment_") for name in form.errors if name.startswith("attachment_")}


def _refuse_second_claim(request: HttpRequest, sjp: Sjp) -> HttpResponse | None:
    existing = sjp_open_claim(sjp)
    if existing is None:
        return None
    if request.method == "POST" and request.POST.get("idempotency_key") == existing.idempotency_key:
        messages.info(request, _("Klaim ini sudah diajukan sebelumnya; tidak dibuat dua kali."))
    else:
        messages.info(
            request, _("SJP ini sudah mempunyai klaim #%(id)s; klaim tidak dibuat dua kali.") % {"id": existing.pk}
        )
    return redirect("services:claim_detail", pk=existing.pk)


@role_required(Role.PPK_OPERATOR)
def claim_new(request: HttpRequest, sjp_pk: int) -> HttpResponse:
    sjp = get_object_or_404(sjps_visible_to(request.user), pk=sjp_pk)
    refused = _refuse_second_claim(request, sjp)
    if refused is not None:
        return refused
    if request.method != "POST":
        initial = {
            "admission_date": sjp.service_from,
            "discharge_date": sjp.service_to or sjp.service_from,
            "primary_diagnosis": sjp.diagnosis_code,
        }
        form = ClaimForm(initial=initial, service_kind=sjp.service_kind)
        return _render_claim_form(request, sjp, form, LineFormSet(prefix="lines"))
    form = ClaimForm(request.POST, request.FILES, service_kind=sjp.service_kind)
    formset = LineFormSet(request.POST, prefix="lines")
    valid = form.is_valid() & formset.is_valid()  # both run: every error in one pass
    failed = _precheck_into_form(request, sjp, form, formset)
    if not _claim_lines(formset) and not formset.total_error_count():
        form.add_error(None, _("Isi paling sedikit satu baris tarif dengan jumlah 1 atau lebih."))
    if not valid or failed or form.errors or formset.total_error_count():
        return _render_claim_form(request, sjp, form, formset, failed)
    data = form.cleaned_data
    try:
        claim, created = claim_submit(
            actor=request.user,
            sjp=sjp,
            admission_date=data["admission_date"],
            discharge_date=data["discharge_date"],
            primary_diagnosis=data["primary_diagnosis"],
            secondary_diagnoses=data["secondary_diagnoses"],
            lines=_claim_lines(formset),
            attachments=[AttachmentInput(kind=kind, file=upload) for kind, upload in form.attachments()],
            idempotency_key=data["idempotency_key"],
            note=data["note"],
        )
    except ClaimError as exc:
        form.add_error(None, str(exc))
        return _render_claim_form(request, sjp, form, formset, exc.checks)
    if created:
        messages.success(request, _("Klaim diajukan."))
    else:
        messages.info(request, _("Klaim ini sudah diajukan sebelumnya; tidak dibuat dua kali."))
    return redirect("services:claim_detail", pk=claim.pk)


@role_required(*CLAIM_ROLES)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(claims_visible_to(request.user).select_related("tariff_table", "sjp__provider"), pk=pk)
    audit_event(event="claim.view", obj=claim, summary=f"Lihat klaim #{claim.pk}")
    is_upt = _user(request).is_superuser or _user(request).role in UPT
    lines = list(claim.lines.all())
    context = {
        "claim": claim,
        "lines": lines,
        "attachments": list(policy.claim_attachments_visible_to(request.user, claim)),
        "events": list(claim.events.select_related("actor")),
        "primary_description": icd.describe(claim.primary_diagnosis),
        "secondary": [(code, icd.describe(code)) for code in claim.secondary_diagnoses],
        "checks": claim_checks_for(claim) if (is_upt or claim.status == ClaimState.RETURNED) else [],
        "decision_form": ClaimDecisionForm(initial={"version": claim.version})
        if is_upt and claim.status == ClaimState.SUBMITTED
        else None,
        "resubmit_form": ResubmitForm(initial={"version": claim.version})
        if _user(request).role == Role.PPK_OPERATOR and claim.status == ClaimState.RETURNED
        else None,
        "resubmit_lines": LineFormSet(
            prefix="lines", initial=[{"code": line.code, "quantity": line.quantity} for line in lines]
        ),
    }
    return render(request, "services/claim_detail.html", context)


@role_required(*UPT)
@require_POST
def claim_decide(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(claims_visible_to(request.user), pk=pk)
    form = ClaimDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Keputusan tidak lengkap."))
        return redirect("services:claim_detail", pk=claim.pk)
    data = form.cleaned_data
    common = {"claim": claim, "actor": request.user, "expected_version": data["version"]}
    try:
        action = data["action"]
        if action == "approve":
            claim_approve(**common, note=data["note"])
            messages.success(request, _("Klaim disetujui."))
        elif action == "adjust":
            adjustments = []
            for line in claim.lines.all():
                raw = (request.POST.get(f"approved_{line.pk}") or "").strip()
                if raw == "":
                    continue
                try:
                    amount = int(raw.replace(".", ""))
                except ValueError:
                    raise ClaimError(_("Baris %(code)s: jumlah disetujui harus angka.") % {"code": line.code}) from None
                adjustments.append(
                    LineAdjustment(
                        line_id=line.pk, approved_amount=amount, reason=request.POST.get(f"reason_{line.pk}", "")
                    )
                )
            claim_approve_adjusted(**common, adjustments=adjustments, note=data["note"])
            messages.success(request, _("Klaim disetujui dengan penyesuaian."))
        elif action == "return":
            claim_return(**common, note=data["note"])
            messages.success(request, _("Klaim dikembalikan ke PPK untuk perbaikan."))
        else:
            claim_reject(**common, reason_code=data["reason_code"], note=data["note"])
            messages.success(request, _("Klaim ditolak."))
    except ClaimConflict as exc:
        messages.warning(request, str(exc))
    except ClaimError as exc:
        messages.error(request, str(exc))
    return redirect("services:claim_detail", pk=claim.pk)


@role_required(Role.PPK_OPERATOR)
@require_POST
def claim_resubmit_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(claims_visible_to(request.user), pk=pk)
    form = ResubmitForm(request.POST, request.FILES)
    formset = LineFormSet(request.POST, prefix="lines")
    if not form.is_valid() or not formset.is_valid():
        messages.error(request, _("Formulir perbaikan tidak lengkap."))
        return redirect("services:claim_detail", pk=claim.pk)
    lines = [
        LineInput(code=row["code"], quantity=row["quantity"])
        for row in formset.cleaned_data
        if row and row.get("code") and row.get("quantity")
    ]
    try:
        claim_resubmit(
            claim=claim,
            actor=request.user,
            note=form.cleaned_data["note"],
            attachments=[AttachmentInput(kind=kind, file=upload) for kind, upload in form.attachments()],
            lines=lines or None,
            expected_version=form.cleaned_data["version"],
        )
        messages.success(request, _("Klaim diajukan ulang."))
    except ClaimError as exc:
        details = "; ".join(f"{check.label}: {check.message}" for check in exc.checks)
        messages.error(request, f"{exc} {details}".strip())
    return redirect("services:claim_detail", pk=claim.pk)


@role_required(*CLAIM_ROLES)
def claim_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    claim, attachment = policy.claim_attachment_get(request.user, pk, attachment_pk)
    audit_event(event="claim.attachment_view", obj=claim, summary=f"Unduh lampiran {attachment.kind}")
    # Attachments are small (CLAIM_ATTACHMENT_MAX_MB), so they are read whole.
    with attachment.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=attachment.content_type)
    safe_name = "".join(ch for ch in attachment.original_name if ch.isalnum() or ch in "._- ")[:100] or "lampiran"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    return response


@role_required(Role.PPK_OPERATOR)
def claim_bulk(request: HttpRequest) -> HttpResponse:
    """Bulk submission: the same checks as one claim, each claim reported with its rows."""
    form = BulkClaimForm(request.POST or None, request.FILES or None)
    result = None
    error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > conf.SERVICES_UPLOAD_MAX_MB * 1024 * 1024:
            error = _("Berkas lebih dari %(n)s MB.") % {"n": conf.SERVICES_UPLOAD_MAX_MB}
        else:
            try:
                result = claims_bulk_submit(
                    actor=request.user,
                    rows=table_rows(upload),
                    attachments=form.cleaned_data["attachments"],
                )
            except ImportFileError as exc:
                error = str(exc)
    return render(request, "services/claim_bulk.html", {"form": form, "result": result, "error": error})
