"""Funds pages: roster, attendance, receipts, regulation profiles. Runs are in ``run_views.py``.

Treasurers see and change only their provider; Dinas Kesehatan (UPT) and leadership see all
(leadership read-only). Another provider's object is 404 because selectors leave it out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ejamkesda.audit.models import AuditLog
from ejamkesda.audit.services import audit_record
from ejamkesda.core.permissions import role_required, user_has_role
from ejamkesda.core.roles import Role
from ejamkesda.funds import services, spending, staff_history
from ejamkesda.funds.exports import attendance_records, attendance_template_xlsx
from ejamkesda.funds.forms import (
    AttendanceUploadForm,
    CasesForm,
    DepositForm,
    PeriodForm,
    ProfileEditForm,
    ReceiptForm,
    RosterUploadForm,
    StaffForm,
)
from ejamkesda.funds.models import Attendance, RegulationProfile, ServiceCaseCount
from ejamkesda.funds.selectors import (
    FUNDS_READ_ROLES,
    FUNDS_WRITE_ROLES,
    latest_profiles,
    providers_for_funds,
    receipts_visible_to,
    staff_visible_to,
)
from ejamkesda.jobs.importing.base import ImportFileError
from ejamkesda.jobs.importing.files import open_upload, table_rows
from ejamkesda.rules.profile import ProfileError
from ejamkesda.rules.roster import COLUMNS, RosterError, parse_roster

PAGE_SIZE = 50


def can_write(user: Any) -> bool:
    return user_has_role(user, FUNDS_WRITE_ROLES)


def _errors(exc: ValidationError) -> list[str]:
    return [str(message) for message in exc.messages]


# --- staff roster ------------------------------------------------------------------------------


@role_required(*FUNDS_READ_ROLES)
def staff_list(request: HttpRequest) -> HttpResponse:
    staff = staff_visible_to(request.user).order_by("provider__name", "name", "id")
    provider_id = request.GET.get("ppk", "")
    if provider_id.isdigit():
        staff = staff.filter(provider_id=int(provider_id))
    page = Paginator(staff, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "funds/staff_list.html",
        {"page": page, "can_write": can_write(request.user), "providers": providers_for_funds(request.user)},
    )


@role_required(*FUNDS_READ_ROLES)
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_object_or_404(staff_visible_to(request.user), pk=pk)
    audit_record(action=AuditLog.Action.VIEW, obj=staff, summary=f"Lihat pegawai {staff.employee_no}")
    return render(
        request,
        "funds/staff_detail.html",
        {
            "staff": staff,
            "history": staff.history.select_related("changed_by")[:50],
            "states": staff_history.history_rows(staff),
            "attendance": staff.attendance.order_by("-period")[:24],
            "can_write": can_write(request.user),
        },
    )


@role_required(*FUNDS_WRITE_ROLES)
def staff_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    staff = get_object_or_404(staff_visible_to(request.user), pk=pk) if pk else None
    providers = providers_for_funds(request.user)
    form = StaffForm(request.POST or None, instance=staff)
    provider_choice = request.POST.get("provider") if request.method == "POST" else None
    if request.method == "POST" and form.is_valid():
        provider = staff.provider if staff else providers.filter(pk=provider_choice or 0).first()
        if provider is None:
            form.add_error(None, _("Pilih PPK."))
        else:
            try:
                saved = services.staff_save(provider=provider, data=form.cleaned_data, actor=request.user, staff=staff)
            except ValidationError as exc:
                for message in _errors(exc):
                    form.add_error(None, message)
            else:
                messages.success(request, _("Data pegawai disimpan."))
                return redirect("funds:staff_detail", pk=saved.pk)
    return render(request, "funds/staff_form.html", {"form": form, "staff": staff, "providers": providers})


@role_required(*FUNDS_WRITE_ROLES)
def staff_import(request: HttpRequest) -> HttpResponse:
    """Upload the roster CSV (the same columns as ``jaspel_calculate --roster``)."""
    form = RosterUploadForm(request.POST or None, request.FILES or None, user=request.user)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            with open_upload(upload) as table:
                staff = parse_roster(table.header, table.rows)
            created, changed = services.staff_import(
                provider=form.cleaned_data["provider"],
                staff=staff,
                actor=request.user,
                period=form.cleaned_data["period"],
            )
        except (ImportFileError, RosterError) as exc:
            errors = [str(exc)]
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Roster: %(c)s baru, %(u)s berubah.") % {"c": created, "u": changed})
            return redirect("funds:staff_list")
    return render(request, "funds/staff_import.html", {"form": form, "errors": errors, "columns": COLUMNS})


# --- attendance --------------------------------------------------------------------------------


@role_required(*FUNDS_WRITE_ROLES)
def attendance_upload(request: HttpRequest) -> HttpResponse:
    form = AttendanceUploadForm(request.POST or None, request.FILES or None, user=request.user)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            errors = [_("Berkas terlalu besar (paling besar 5 MB).")]
        else:
            try:
                rows = attendance_records(table_rows(upload))
                count = services.attendance_save(
                    provider=form.cleaned_data["provider"],
                    period=form.cleaned_data["period"],
                    rows=rows,
                    actor=request.user,
                    source="unggah",
                )
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Kehadiran %(n)s pegawai disimpan.") % {"n": count})
                return redirect("funds:attendance_upload")
    return render(request, "funds/attendance_upload.html", {"form": form, "errors": errors})


@role_required(*FUNDS_WRITE_ROLES)
def attendance_template(request: HttpRequest) -> HttpResponse:
    provider = providers_for_funds(request.user).filter(pk=request.GET.get("ppk") or 0).first()
    staff = list(staff_visible_to(request.user).filter(provider=provider, active=True)) if provider else []
    response = HttpResponse(
        attendance_template_xlsx(staff),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="templat-kehadiran.xlsx"'
    return response


@role_required(*FUNDS_WRITE_ROLES)
def attendance_grid(request: HttpRequest) -> HttpResponse:
    """Enter a month's attendance in a grid, one row per staff member."""
    form = PeriodForm(request.GET or None, user=request.user)
    if not form.is_valid():
        return render(request, "funds/attendance_grid.html", {"form": form, "rows": None})
    provider, period = form.cleaned_data["provider"], form.cleaned_data["period"].replace(day=1)
    staff = list(
        staff_history.working_in(staff_visible_to(request.user).filter(provider=provider), period).order_by(
            "name", "id"
        )
    )
    existing = {a.staff_id: a for a in Attendance.objects.filter(staff__in=staff, period=period)}
    errors: list[str] = []
    if request.method == "POST":
        rows = [
            {
                "row": index,
                "employee_no": member.employee_no,
                "hari_hadir": request.POST.get(f"hadir_{member.pk}", ""),
                "hari_izin": request.POST.get(f"izin_{member.pk}", ""),
                "menit_terlambat": request.POST.get(f"terlambat_{member.pk}", ""),
                "skp": request.POST.get(f"skp_{member.pk}", ""),
            }
            for index, member in enumerate(staff, start=1)
        ]
        try:
            services.attendance_save(provider=provider, period=period, rows=rows, actor=request.user)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Kehadiran disimpan."))
            return redirect(request.get_full_path())
    rows_out = [(member, existing.get(member.pk)) for member in staff]
    audit_record(action=AuditLog.Action.VIEW, obj=provider, summary=f"Lihat kehadiran {period:%m/%Y}")
    return render(
        request, "funds/attendance_grid.html", {"form": form, "rows": rows_out, "period": period, "errors": errors}
    )


@role_required(*FUNDS_WRITE_ROLES)
def cases_grid(request: HttpRequest) -> HttpResponse:
    """Non-capitation services done per staff member in a month, one kind at a time."""
    form = CasesForm(request.GET or None, user=request.user)
    if not form.is_valid():
        return render(request, "funds/cases_grid.html", {"form": form, "rows": None})
    provider, period = form.cleaned_data["provider"], form.cleaned_data["period"].replace(day=1)
    kind = form.cleaned_data["service_kind"]
    staff = list(
        staff_history.working_in(staff_visible_to(request.user).filter(provider=provider), period).order_by(
            "name", "id"
        )
    )
    existing = {
        row.staff_id: row.cases
        for row in ServiceCaseCount.objects.filter(staff__in=staff, period=period, service_kind=kind)
    }
    errors: list[str] = []
    if request.method == "POST":
        counts = {member.pk: request.POST.get(f"kasus_{member.pk}", "") for member in staff}
        try:
            services.service_cases_save(
                provider=provider, period=period, service_kind=kind, counts=counts, actor=request.user
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Jumlah kasus disimpan."))
            return redirect(request.get_full_path())
    rows = [(member, existing.get(member.pk)) for member in staff]
    return render(request, "funds/cases_grid.html", {"form": form, "rows": rows, "errors": errors})


# --- receipts ----------------------------------------------------------------------------------


@role_required(*FUNDS_READ_ROLES)
def receipt_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(receipts_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "funds/receipt_list.html", {"page": page, "can_write": can_write(request.user)})


@role_required(*FUNDS_WRITE_ROLES)
def receipt_create(request: HttpRequest) -> HttpResponse:
    services.profiles_ensure_shipped()
    form = ReceiptForm(request.POST or None, user=request.user, initial={"received_on": dt.date.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            receipt = services.receipt_record(
                provider=data["provider"],
                period=data["period"],
                source=data["source"],
                service_kind=data["service_kind"] or "",
                amount=data["amount"],
                profile=data["profile"],
                received_on=data["received_on"],
                reference=data["reference"],
                actor=request.user,
            )
        except (ValidationError, ProfileError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Penerimaan dicatat dan dibagi ke pos-pos dana."))
            return redirect("funds:receipt_detail", pk=receipt.pk)
    return render(request, "funds/receipt_form.html", {"form": form})


@role_required(*FUNDS_READ_ROLES)
def receipt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = get_object_or_404(receipts_visible_to(request.user), pk=pk)
    # Perbup Kapuas Hulu 9/2015 Pasal 2 ayat (4): the treasurer records the Kas Daerah deposit.
    deposit = (
        receipt.deposited_on is None
        and user_has_role(request.user, FUNDS_WRITE_ROLES)
        and spending.profile_spending(receipt.profile)[1].deposit_to_treasury
    )
    form = DepositForm(initial={"deposited_on": dt.date.today()}) if deposit else None
    return render(request, "funds/receipt_detail.html", {"receipt": receipt, "deposit_form": form})


# --- regulation profiles -------------------------------------------------------------------------


@role_required(*FUNDS_READ_ROLES)
def profile_list(request: HttpRequest) -> HttpResponse:
    services.profiles_ensure_shipped()
    return render(
        request,
        "funds/profile_list.html",
        {"profiles": latest_profiles(), "can_edit": user_has_role(request.user, (Role.UPT_ADMIN,))},
    )


@role_required(*FUNDS_READ_ROLES)
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(RegulationProfile, pk=pk)
    try:
        parsed = services.profile_parsed(profile)
    except ProfileError as exc:  # stored profiles were validated; this only guards old data
        raise Http404 from exc
    versions = RegulationProfile.objects.filter(code=profile.code).order_by("-version")
    return render(
        request,
        "funds/profile_detail.html",
        {
            "profile": profile,
            "parsed": parsed,
            "versions": versions,
            "split": [(line, _percent_text(line.percent)) for line in parsed.split],
            "can_edit": user_has_role(request.user, (Role.UPT_ADMIN,)),
        },
    )


@role_required(Role.UPT_ADMIN)
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy a profile and edit it: saved as a new version (or a new id), validated first."""
    source = get_object_or_404(RegulationProfile, pk=pk)
    form = ProfileEditForm(request.POST or None, initial={"text": source.text})
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.profile_save(
                text=form.cleaned_data["text"], note=form.cleaned_data["note"], based_on=str(source), actor=request.user
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Profil disimpan sebagai %(p)s.") % {"p": saved})
            return redirect("funds:profile_detail", pk=saved.pk)
    return render(request, "funds/profile_form.html", {"form": form, "source": source, "errors": errors})


def _percent_text(percent: Fraction) -> str:
    """A split percentage for display, exact when whole, never through float."""
    if percent.denominator == 1:
        return str(percent.numerator)
    value = (Decimal(percent.numerator) / Decimal(percent.denominator)).quantize(Decimal("0.01"))
    return format(value.normalize(), "f")
