"""Premium budget, BPJS bill reconciliation and receivables (seed 002 KEDUA angka 1a, 2,
5a, 23i). UPT admin records; UPT verifier and leadership read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
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
    budget_compute,
    current_rates,
    pemda_members,
    premium_bill_reconcile,
    premium_payment_record,
    premium_rate_set,
)
from ejamkesda.coverage.views.data import _store
from ejamkesda.coverage.views.forms import BillForm, BudgetForm, PaymentForm, RateForm
from ejamkesda.jobs.importing.base import ImportFileError
from ejamkesda.rules.premium import NoRate, add_months, receivable

READ_ROLES = (Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.VIEWER)


@role_required(*READ_ROLES)
def premium(request: HttpRequest) -> HttpResponse:
    period = selectors.latest_period()
    count = pemda_members(period).count() if period else 0
    today = timezone.localdate()
    initial: dict[str, Any] = {"count": count, "start": add_months(today.replace(day=1), 1), "months": 12}
    form = BudgetForm(request.GET or None, initial=initial)
    budget = None
    error = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            budget = budget_compute(count=data["count"], start=data["start"], months=data["months"])
        except NoRate as problem:
            error = str(problem)
    elif not form.is_bound:
        budget = budget_compute(count=count, start=initial["start"], months=12)
    if budget is not None and request.GET.get("format") == "xlsx":
        return xlsx_response(
            "anggaran-iuran-pbpu-bp-pemda",
            _("Anggaran iuran PBPU/BP Pemda kelas 3"),
            [_("Bulan"), _("Jumlah jiwa"), _("Iuran per jiwa (Rp)"), _("Jumlah (Rp)")],
            [
                *([f"{line.month:%m-%Y}", line.count, line.rate, line.amount] for line in budget.lines),
                ["Total", "", "", budget.total],
            ],
        )
    bills = list(PremiumBill.objects.prefetch_related("payments")[:24])
    bill_rows = [
        {"bill": bill, "paid": bill.paid, "receivable": receivable(billed=bill.billed_amount, paid=bill.paid)}
        for bill in bills
    ]
    can_edit = user_has_role(request.user, [Role.UPT_ADMIN])
    return render(
        request,
        "coverage/premium.html",
        {
            "form": form,
            "budget": budget,
            "error": error,
            "count": count,
            "period": period,
            "rates": current_rates(),
            "bills": bill_rows,
            "total_receivable": sum(row["receivable"] for row in bill_rows),
            "can_edit": can_edit,
            "rate_form": RateForm() if can_edit else None,
            "bill_form": BillForm() if can_edit else None,
        },
    )


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
