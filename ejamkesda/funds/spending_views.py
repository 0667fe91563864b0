"""Pages for spending the other pools: budget, expenses, PPHP purchase orders, carry-over."""

from __future__ import annotations

import datetime as dt
import mimetypes
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ejamkesda.audit.models import AuditLog
from ejamkesda.audit.services import audit_record
from ejamkesda.core.permissions import role_required, user_has_role
from ejamkesda.funds import spending
from ejamkesda.funds.forms import (
    BudgetFilterForm,
    BudgetLineForm,
    ExpenseForm,
    InspectionForm,
    OrderForm,
    PaymentForm,
)
from ejamkesda.funds.models import PROCUREMENT_CATEGORIES, OrderStatus
from ejamkesda.funds.selectors import (
    FUNDS_READ_ROLES,
    FUNDS_WRITE_ROLES,
    budget_lines_visible_to,
    expenses_visible_to,
    orders_visible_to,
    providers_for_funds,
)


def _budget_url(provider_id: int, year: int | str) -> str:
    return f"{reverse('funds:budget')}?{urlencode({'provider': provider_id, 'year': year})}"


def _messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@role_required(*FUNDS_READ_ROLES)
def budget(request: HttpRequest) -> HttpResponse:
    form = BudgetFilterForm(request.GET or None, user=request.user, initial={"year": dt.date.today().year})
    context: dict[str, object] = {"form": form, "can_write": user_has_role(request.user, FUNDS_WRITE_ROLES)}
    if form.is_valid():
        provider, year = form.cleaned_data["provider"], form.cleaned_data["year"]
        lines = list(budget_lines_visible_to(request.user).filter(provider=provider, year=year))
        context.update(
            provider=provider,
            year=year,
            summary=spending.budget_summary(provider=provider, year=year),
            lines=[(line, spending.line_spent(line), line.category in PROCUREMENT_CATEGORIES) for line in lines],
            orders=orders_visible_to(request.user).filter(line__in=lines),
            expenses=expenses_visible_to(request.user).filter(line__in=lines),
            line_form=BudgetLineForm(),
        )
    return render(request, "funds/budget.html", context)


@require_POST
@role_required(*FUNDS_WRITE_ROLES)
def budget_line_create(request: HttpRequest) -> HttpResponse:
    provider = providers_for_funds(request.user).filter(pk=request.POST.get("provider") or 0).first()
    form = BudgetLineForm(request.POST)
    year = request.POST.get("year", "")
    if provider is None or not year.isdigit():
        raise Http404
    if form.is_valid():
        try:
            spending.budget_line_create(provider=provider, year=int(year), actor=request.user, **form.cleaned_data)
            messages.success(request, _("Pagu ditambahkan."))
        except ValidationError as exc:
            _messages(request, exc)
    else:
        messages.error(request, _("Periksa isian pagu."))
    return redirect(_budget_url(provider.pk, year))


@role_required(*FUNDS_WRITE_ROLES)
def line_spend(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an expense (other categories) or a purchase order (drugs, devices, consumables)."""
    line = get_object_or_404(budget_lines_visible_to(request.user), pk=pk)
    procurement = line.category in PROCUREMENT_CATEGORIES
    form_class = OrderForm if procurement else ExpenseForm
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            if procurement:
                order = spending.order_create(line=line, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Pesanan dicatat; menunggu pemeriksaan PPHP."))
                return redirect("funds:order_detail", pk=order.pk)
            spending.expense_record(line=line, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Belanja dicatat."))
            return redirect(_budget_url(line.provider_id, line.year))
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
    return render(request, "funds/line_spend.html", {"line": line, "form": form, "procurement": procurement})


@role_required(*FUNDS_READ_ROLES)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(orders_visible_to(request.user), pk=pk)
    can_inspect = order.status == OrderStatus.ORDERED and user_has_role(request.user, spending.INSPECTION_ROLES)
    can_pay = order.status == OrderStatus.ACCEPTED and user_has_role(request.user, spending.PAYMENT_ROLES)
    return render(
        request,
        "funds/order_detail.html",
        {
            "order": order,
            "inspect_form": InspectionForm(initial={"inspected_on": dt.date.today()}) if can_inspect else None,
            "pay_form": PaymentForm(initial={"paid_on": dt.date.today()}) if can_pay else None,
        },
    )


@require_POST
@role_required(*FUNDS_READ_ROLES)
def order_action(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(orders_visible_to(request.user), pk=pk)
    action = request.POST.get("action")
    try:
        if action == "inspect":
            inspect = InspectionForm(request.POST)
            if not inspect.is_valid():
                raise ValidationError(_("Periksa isian pemeriksaan PPHP."))
            spending.order_inspect(order=order, actor=request.user, **inspect.cleaned_data)
        elif action == "pay":
            pay = PaymentForm(request.POST, request.FILES)
            if not pay.is_valid():
                raise ValidationError(_("Tanggal bayar dan bukti pembayaran wajib diisi."))
            spending.order_pay(order=order, actor=request.user, **pay.cleaned_data)
        else:
            raise PermissionDenied
        messages.success(request, _("Pesanan diperbarui."))
    except ValidationError as exc:
        _messages(request, exc)
    return redirect("funds:order_detail", pk=order.pk)


def _file(field: FieldFile) -> HttpResponse:
    if not field:
        raise Http404
    content_type = mimetypes.guess_type(field.name or "")[0] or "application/octet-stream"
    with field.open("rb") as handle:  # proofs are at most 5 MB
        response = HttpResponse(handle.read(), content_type=content_type)
    response["Content-Disposition"] = (
        content_disposition_header(True, (field.name or "bukti").rsplit("/", 1)[-1]) or "attachment"
    )
    return response


@role_required(*FUNDS_READ_ROLES)
def order_proof(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(orders_visible_to(request.user), pk=pk)
    audit_record(action=AuditLog.Action.EXPORT, obj=order, summary=f"Bukti bayar {order}")
    return _file(order.payment_proof)


@role_required(*FUNDS_READ_ROLES)
def expense_proof(request: HttpRequest, pk: int) -> HttpResponse:
    expense = get_object_or_404(expenses_visible_to(request.user), pk=pk)
    audit_record(action=AuditLog.Action.EXPORT, obj=expense, summary=f"Bukti belanja {expense.pk}")
    return _file(expense.proof)


@require_POST
@role_required(*FUNDS_WRITE_ROLES)
def carry_over(request: HttpRequest) -> HttpResponse:
    provider = providers_for_funds(request.user).filter(pk=request.POST.get("provider") or 0).first()
    year = request.POST.get("year", "")
    if provider is None or not year.isdigit():
        raise Http404
    try:
        created = spending.carry_over(provider=provider, year=int(year), actor=request.user)
        messages.success(request, _("Sisa dana dipindahkan ke tahun berikutnya (%(n)s pos).") % {"n": len(created)})
    except ValidationError as exc:
        _messages(request, exc)
    return redirect(_budget_url(provider.pk, year))
