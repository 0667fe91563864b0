"""Referral, tariff and payment-batch pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ejamkesda.core import policy
from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role
from ejamkesda.jobs.importing.base import ImportFileError
from ejamkesda.jobs.importing.files import table_rows
from ejamkesda.participants.models import Person
from ejamkesda.services import conf, icd
from ejamkesda.services.auditing import audit_event
from ejamkesda.services.forms import (
    PaymentBatchForm,
    PaymentPaidForm,
    ReferralForm,
    ReferralResponseForm,
    TariffImportForm,
)
from ejamkesda.services.models import Referral, TariffTable
from ejamkesda.services.paging import CappedPaginator
from ejamkesda.services.payments import (
    PaymentError,
    payment_batch_approve,
    payment_batch_create,
    payment_batch_mark_paid,
    payment_batch_transfer_csv,
)
from ejamkesda.services.referrals import ReferralError, referral_accept, referral_create, referral_return
from ejamkesda.services.selectors import payment_batches_visible_to, referrals_visible_to
from ejamkesda.services.tariffs import TariffImportError, tariff_table_import

PAGE_SIZE = 25


def _user(request: HttpRequest) -> Any:
    """The logged-in user (role_required guarantees one) typed loosely for its extra fields."""
    return request.user


REFERRAL_ROLES = policy.REFERRAL_ROLES  # one access policy for web, REST and FHIR
PAYMENT_ROLES = policy.PAYMENT_ROLES


# --- Referrals -------------------------------------------------------------------------
@role_required(*REFERRAL_ROLES)
def referral_list(request: HttpRequest) -> HttpResponse:
    queryset = referrals_visible_to(request.user).only(
        "id",
        "status",
        "diagnosis_code",
        "created_at",
        "from_provider__name",
        "to_provider__name",
        "person__name",
        "sjp__number",
    )
    direction = request.GET.get("arah", "")
    provider_id = _user(request).provider_id
    if direction == "masuk" and provider_id:
        queryset = queryset.filter(to_provider_id=provider_id)
    elif direction == "keluar" and provider_id:
        queryset = queryset.filter(from_provider_id=provider_id)
    status = request.GET.get("status", "")
    if status in Referral.Status.values:
        queryset = queryset.filter(status=status)
    if status == Referral.Status.SENT:
        queryset = queryset.order_by("created_at", "id")
    # Only referrals waiting for an answer are counted (the others grow forever).
    counts = {
        Referral.Status.SENT.value: referrals_visible_to(request.user).filter(status=Referral.Status.SENT).count()
    }
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(
        part for part in (f"arah={direction}" if direction else "", f"status={status}" if status else "") if part
    )
    return render(
        request,
        "services/referral_list.html",
        {
            "page": page,
            "status": status,
            "direction": direction,
            "statuses": [(value, label, counts.get(value)) for value, label in Referral.Status.choices],
            "query_string": query,
        },
    )


@role_required(Role.PPK_OPERATOR)
def referral_new(request: HttpRequest) -> HttpResponse:
    form = ReferralForm(request.POST or None, provider_id=_user(request).provider_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = Person.objects.filter(nik=data["nik"]).first()
        if person is None:
            form.add_error("nik", _("NIK tidak terdaftar di data penduduk e-Jamkesda."))
        else:
            try:
                referral = referral_create(
                    actor=request.user,
                    person=person,
                    to_provider=data["to_provider"],
                    diagnosis_code=data["diagnosis_code"],
                    reason=data["reason"],
                    sjp=data["sjp"],
                )
            except ReferralError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Rujukan dikirim."))
                return redirect("services:referral_detail", pk=referral.pk)
    return render(request, "services/referral_form.html", {"form": form})


@role_required(*REFERRAL_ROLES)
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(referrals_visible_to(request.user), pk=pk)
    audit_event(event="referral.view", obj=referral, summary=f"Lihat rujukan #{referral.pk}")
    can_respond = referral.status == Referral.Status.SENT and referral.to_provider_id == getattr(
        request.user, "provider_id", None
    )
    return render(
        request,
        "services/referral_detail.html",
        {
            "referral": referral,
            "diagnosis": icd.describe(referral.diagnosis_code),
            "response_form": ReferralResponseForm() if can_respond else None,
        },
    )


@role_required(Role.PPK_OPERATOR)
@require_POST
def referral_respond(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(referrals_visible_to(request.user), pk=pk)
    form = ReferralResponseForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["action"] == "accept":
                referral_accept(referral=referral, actor=request.user, note=form.cleaned_data["note"])
                messages.success(request, _("Rujukan diterima."))
            else:
                referral_return(referral=referral, actor=request.user, note=form.cleaned_data["note"])
                messages.success(request, _("Rujukan dikembalikan."))
        except ReferralError as exc:
            messages.error(request, str(exc))
    return redirect("services:referral_detail", pk=referral.pk)


# --- Tariffs ---------------------------------------------------------------------------
@role_required(Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.PPK_OPERATOR, Role.VIEWER)
def tariff_list(request: HttpRequest) -> HttpResponse:
    tables = TariffTable.objects.annotate(n=Count("items")).order_by("-effective_from", "-version")
    page = Paginator(tables, PAGE_SIZE).get_page(request.GET.get("page"))
    form = TariffImportForm() if _user(request).is_superuser or _user(request).role == Role.UPT_ADMIN else None
    return render(request, "services/tariff_list.html", {"page": page, "form": form})


@role_required(Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.PPK_OPERATOR, Role.VIEWER)
def tariff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    table = get_object_or_404(TariffTable, pk=pk)
    items = table.items.all()
    query = (request.GET.get("q") or "").strip()
    if query:
        items = items.filter(code__istartswith=query) | items.filter(description__icontains=query)
    page = Paginator(items.order_by("code"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "services/tariff_detail.html",
        {"table": table, "page": page, "q": query, "query_string": f"q={query}" if query else ""},
    )


@role_required(Role.UPT_ADMIN)
@require_POST
def tariff_import(request: HttpRequest) -> HttpResponse:
    form = TariffImportForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > conf.SERVICES_UPLOAD_MAX_MB * 1024 * 1024:
            errors = [_("Berkas lebih dari %(n)s MB.") % {"n": conf.SERVICES_UPLOAD_MAX_MB}]
        else:
            try:
                table = tariff_table_import(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    effective_from=form.cleaned_data["effective_from"],
                    rows=table_rows(upload),
                    source_name=upload.name[:200],
                )
            except (TariffImportError, ImportFileError) as exc:
                errors = getattr(exc, "errors", [str(exc)])
            else:
                messages.success(request, _("Tabel tarif versi %(v)s diimpor.") % {"v": table.version})
                return redirect("services:tariff_detail", pk=table.pk)
    tables = TariffTable.objects.annotate(n=Count("items")).order_by("-effective_from", "-version")
    page = Paginator(tables, PAGE_SIZE).get_page(1)
    return render(
        request, "services/tariff_list.html", {"page": page, "form": form, "import_errors": errors[:100]}, status=400
    )


# --- Payment batches -------------------------------------------------------------------
@role_required(*PAYMENT_ROLES)
def payment_list(request: HttpRequest) -> HttpResponse:
    batches = payment_batches_visible_to(request.user)
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    form = PaymentBatchForm() if policy.has_role(request.user, policy.PAYMENT_BATCH_CREATOR_ROLES) else None
    return render(request, "services/payment_list.html", {"page": page, "form": form})


@role_required(*policy.PAYMENT_BATCH_CREATOR_ROLES)
@require_POST
def payment_create(request: HttpRequest) -> HttpResponse:
    form = PaymentBatchForm(request.POST)
    if form.is_valid():
        try:
            batch = payment_batch_create(actor=request.user, **form.cleaned_data)
        except PaymentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Batch pembayaran dibuat."))
            return redirect("services:payment_detail", pk=batch.pk)
    else:
        messages.error(request, _("Isi PPK, tahun, dan bulan dengan benar."))
    return redirect("services:payment_list")


@role_required(*PAYMENT_ROLES)
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(payment_batches_visible_to(request.user), pk=pk)
    claims = batch.claims.select_related("person", "sjp").only(
        "id",
        "status",
        "admission_date",
        "discharge_date",
        "claimed_total",
        "approved_total",
        "person__name",
        "sjp__number",
    )
    page = Paginator(claims.order_by("id"), 50).get_page(request.GET.get("page"))
    admin = _user(request).is_superuser or _user(request).role == Role.UPT_ADMIN
    context = {
        "batch": batch,
        "page": page,
        "can_approve": admin and batch.status == batch.Status.OPEN,
        "can_download": admin and batch.status != batch.Status.OPEN,
        "paid_form": PaymentPaidForm() if admin and batch.status == batch.Status.APPROVED else None,
    }
    return render(request, "services/payment_detail.html", context)


@role_required(Role.UPT_ADMIN)
@require_POST
def payment_approve(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(payment_batches_visible_to(request.user), pk=pk)
    try:
        payment_batch_approve(batch=batch, actor=request.user)
        messages.success(request, _("Batch disetujui."))
    except PaymentError as exc:
        messages.error(request, str(exc))
    return redirect("services:payment_detail", pk=batch.pk)


@role_required(Role.UPT_ADMIN)
def payment_transfer_csv(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(payment_batches_visible_to(request.user), pk=pk)
    try:
        content = payment_batch_transfer_csv(batch=batch, actor=request.user)
    except PaymentError as exc:
        messages.error(request, str(exc))
        return redirect("services:payment_detail", pk=batch.pk)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="transfer-klaim-{batch.pk}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@role_required(*policy.PAYMENT_MARK_PAID_ROLES)
@require_POST
def payment_mark_paid(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(payment_batches_visible_to(request.user), pk=pk)
    form = PaymentPaidForm(request.POST)
    if form.is_valid():
        try:
            payment_batch_mark_paid(batch=batch, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Batch ditandai dibayar."))
        except PaymentError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Isi nomor dan tanggal surat perintah membayar."))
    return redirect("services:payment_detail", pk=batch.pk)
