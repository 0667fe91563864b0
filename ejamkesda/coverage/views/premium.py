"""Premium budget, BPJS bill reconciliation and receivables (Instruksi Bupati Tegal 379/2022 KEDUA angka 1a, 2,
5a, 23i). UPT admin records; UPT verifier and leadership read."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ejamkesda.audit.services import audit_record
from ejamkesda.core.permissions import role_required, user_has_role
from ejamkesda.core.roles import Role
from ejamkesda.coverage import selectors
from ejamkesda.coverage.exports import xlsx_response
from ejamkesda.coverage.importers import value
from ejamkesda.coverage.models import PremiumBill
from ejamkesda.coverage.readers import iter_file
from ejamkesda.coverage.services.premium import (
    category_counts,
    current_rates,
    current_subsidies,
    premium_bill_reconcile,
    premium_payment_record,
    premium_rate_set,
    premium_subsidy_set,
    share_budget_compute,
)
from ejamkesda.coverage.views.data import _store
from ejamkesda.coverage.views.forms import BillForm, BudgetForm, PaymentForm, RateForm, SubsidyForm
from ejamkesda.jobs.importing.base import ImportFileError
from ejamkesda.rules.premium import (
    CATEGORY_BP,
    CATEGORY_PBI,
    CATEGORY_PBPU,
    CATEGORY_PEMDA,
    NoRate,
    ShareBudget,
    add_months,
    receivable,
)

READ_ROLES = (Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.VIEWER)


CATEGORY_LABELS = {
    CATEGORY_PBI: gettext_lazy("Kontribusi Pemda untuk iuran PBI JK (KEDUA 2a)"),
    CATEGORY_PEMDA: gettext_lazy("Iuran PBPU/BP Pemda kelas 3 (angka 1a, kalimat pertama)"),
    CATEGORY_PBPU: gettext_lazy("Bantuan iuran PBPU mandiri kelas 3 (angka 1a, kalimat kedua)"),
    CATEGORY_BP: gettext_lazy("Bantuan iuran BP mandiri kelas 3 (angka 1a, kalimat kedua)"),
}


def _budget_xlsx(budget: ShareBudget) -> HttpResponse:
    header = [
        _("Bulan"),
        _("Kategori"),
        _("Jiwa"),
        _("Iuran per jiwa (Rp)"),
        _("Bagian peserta per jiwa (Rp)"),
        _("Bagian Pusat per jiwa (Rp)"),
        _("Bagian Pemda per jiwa (Rp)"),
        _("Anggaran Pemda (Rp)"),
    ]
    rows: list[list[Any]] = [
        [
            f"{line.month:%m-%Y}",
            str(CATEGORY_LABELS[line.category]),
            line.count,
            line.share.premium,
            line.share.participant,
            line.share.central,
            line.share.regional,
            line.regional_amount,
        ]
        for line in budget.lines
    ]
    rows += [[_("Total"), str(CATEGORY_LABELS[c]), "", "", "", "", "", n] for c, n in budget.by_category().items()]
    rows.append([_("Total"), _("Semua kategori"), "", "", "", "", "", budget.total])
    return xlsx_response(
        "anggaran-iuran-pemda",
        _("Anggaran iuran Pemda: kontribusi PBI JK, PBPU/BP Pemda, bantuan iuran kelas 3 (KEDUA 1a, 2a)"),
        header,
        rows,
    )


def _month_rows(budget: ShareBudget) -> list[dict[str, Any]]:
    by_month: dict[Any, dict[str, Any]] = {}
    for line in budget.lines:
        row = by_month.setdefault(line.month, {"month": line.month, "cells": [], "total": 0})
        row["cells"].append(line)
        row["total"] += line.regional_amount
    return list(by_month.values())


@role_required(*READ_ROLES)
def premium(request: HttpRequest) -> HttpResponse:
    period = selectors.latest_period()
    counts = category_counts(period)
    today = timezone.localdate()
    initial: dict[str, Any] = {
        "count_pbi": counts[CATEGORY_PBI],
        "count_pemda": counts[CATEGORY_PEMDA],
        "count_pbpu": counts[CATEGORY_PBPU],
        "count_bp": counts[CATEGORY_BP],
        "start": add_months(today.replace(day=1), 1),
        "months": 12,
    }
    # Bound only when the budget fields are in the query: "?format=xlsx" alone downloads the default budget.
    bound = any(name in request.GET for name in BudgetForm.base_fields)
    form = BudgetForm(request.GET if bound else None, initial=initial)
    budget = None
    error = ""
    data = form.cleaned_data if form.is_bound and form.is_valid() else (None if form.is_bound else initial)
    if data is not None:
        try:
            budget = share_budget_compute(
                counts={
                    CATEGORY_PBI: data.get("count_pbi") or 0,
                    CATEGORY_PEMDA: data["count_pemda"],
                    CATEGORY_PBPU: data["count_pbpu"],
                    CATEGORY_BP: data["count_bp"],
                },
                start=data["start"],
                months=data["months"],
            )
        except NoRate as problem:
            error = str(problem)
    if budget is not None and request.GET.get("format") == "xlsx":
        return _budget_xlsx(budget)
    bills = list(PremiumBill.objects.prefetch_related("payments")[:24])
    bill_rows = [
        {"bill": bill, "paid": bill.paid, "receivable": receivable(billed=bill.billed_amount, paid=bill.paid)}
        for bill in bills
    ]
    can_edit = user_has_role(request.user, [Role.UPT_ADMIN])
    categories = [{"key": key, "label": label} for key, label in CATEGORY_LABELS.items()]
    return render(
        request,
        "coverage/premium.html",
        {
            "form": form,
            "budget": budget,
            "months": _month_rows(budget) if budget else [],
            "category_totals": [
                {"label": CATEGORY_LABELS[key], "amount": amount, "person_months": budget.counts()[key]}
                for key, amount in budget.by_category().items()
            ]
            if budget
            else [],
            "categories": categories,
            "error": error,
            "counts": counts,
            "count": counts[CATEGORY_PEMDA],
            "period": period,
            "rates": current_rates(),
            "subsidies": current_subsidies(),
            "bills": bill_rows,
            "total_receivable": sum(row["receivable"] for row in bill_rows),
            "can_edit": can_edit,
            "pbi_contribution": settings.COVERAGE_PBI_CONTRIBUTION_RUPIAH,
            "pbi_basis": settings.COVERAGE_PBI_CONTRIBUTION_BASIS,
            "fiscal_capacity": settings.COVERAGE_FISCAL_CAPACITY,
            "rate_form": RateForm() if can_edit else None,
            "subsidy_form": SubsidyForm() if can_edit else None,
            "bill_form": BillForm() if can_edit else None,
        },
    )


@require_POST
@role_required(Role.UPT_ADMIN)
def subsidy_add(request: HttpRequest) -> HttpResponse:
    form = SubsidyForm(request.POST)
    if form.is_valid():
        try:
            premium_subsidy_set(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Ketentuan bantuan iuran disimpan."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Ketentuan bantuan iuran tidak sah."))
    return redirect("coverage:premium")


@require_POST
@role_required(Role.UPT_ADMIN)
def rate_add(request: HttpRequest) -> HttpResponse:
    form = RateForm(request.POST)
    if form.is_valid():
        premium_rate_set(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Tarif iuran disimpan."))
    else:
        messages.error(request, _("Tarif iuran tidak sah."))
    return redirect("coverage:premium")


@role_required(Role.UPT_ADMIN)
def bill_add(request: HttpRequest) -> HttpResponse:
    form = BillForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            path = _store(form.cleaned_data["file"])
            try:
                cards = [value(row, "no_kartu") for _number, row in iter_file(path)]
            finally:
                path.unlink(missing_ok=True)
            bill = premium_bill_reconcile(
                month=form.cleaned_data["month"],
                billed_amount=form.cleaned_data["billed_amount"],
                card_numbers=cards,
                segment=form.cleaned_data.get("segment") or "pbpu_bp_pemda",
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except ImportFileError as error:
            messages.error(request, str(error))
        else:
            return redirect("coverage:bill", pk=bill.pk)
    return render(request, "coverage/bill_form.html", {"form": form})


@role_required(*READ_ROLES)
def bill(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(PremiumBill.objects.prefetch_related("payments"), pk=pk)
    # The differences list card numbers of individual members: a view of personal data.
    if request.GET.get("format") == "xlsx":
        audit_record(action="export", obj=found, summary=f"Unduh selisih tagihan iuran {found.month:%m-%Y}")
        rows = [[card, _("Ada di tagihan, tidak ada di sistem")] for card in found.only_on_bill]
        rows += [[card, _("Ada di sistem, tidak ada di tagihan")] for card in found.only_in_system]
        return xlsx_response(
            f"selisih-tagihan-{found.month:%Y%m}", _("Selisih tagihan iuran"), [_("Nomor kartu"), _("Keterangan")], rows
        )
    audit_record(action="view", obj=found, summary=f"Lihat tagihan iuran {found.month:%m-%Y}")
    return render(
        request,
        "coverage/bill.html",
        {
            "bill": found,
            "paid": found.paid,
            "receivable": receivable(billed=found.billed_amount, paid=found.paid),
            "count_difference": found.billed_count - found.system_count,
            "amount_difference": found.billed_amount - found.expected_amount,
            "payment_form": PaymentForm() if user_has_role(request.user, [Role.UPT_ADMIN]) else None,
        },
    )


@require_POST
@role_required(Role.UPT_ADMIN)
def payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(PremiumBill, pk=pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            premium_payment_record(bill=found, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Pembayaran dicatat."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Data pembayaran tidak sah."))
    return redirect("coverage:bill", pk=found.pk)
