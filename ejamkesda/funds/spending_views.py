"""Pages for spending the pools by the provider's profile: budget, expenses, procurement
(order → PPHP → payment, where the profile requires it), Kas Daerah deposits, carry-over."""

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
from ejamkesda.core.roles import Role
from ejamkesda.funds import procurement, spending
from ejamkesda.funds.forms import (
    BudgetFilterForm,
    BudgetLineForm,
    DepositForm,
    ExpenseForm,
    InspectionForm,
    OrderForm,
    PaymentForm,
)
from ejamkesda.funds.models import BudgetLine, OrderStatus
from ejamkesda.funds.selectors import (
    FUNDS_WRITE_ROLES,
    SPENDING_READ_ROLES,
    budget_lines_visible_to,
    expenses_visible_to,
    orders_visible_to,
    providers_for_funds,
    receipts_visible_to,
)
from ejamkesda.rules.spending import SpendingRules


def _budget_url(provider_id: int, year: int | str) -> str:
    return f"{reverse('funds:budget')}?{urlencode({'provider': provider_id, 'year': year})}"


def _messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _procured(line: BudgetLine) -> bool:
    _profile, rules = spending.provider_profile(provider=line.provider, year=line.year)
    return rules.needs_procurement(line.category)


@role_required(*SPENDING_READ_ROLES)
def budget(request: HttpRequest) -> HttpResponse:
    form = BudgetFilterForm(request.GET or None, user=request.user, initial={"year": dt.date.today().year})
    can_write = user_has_role(request.user, FUNDS_WRITE_ROLES)
    context: dict[str, object] = {"form": form, "can_write": can_write}
    if form.is_valid():
        provider, year = form.cleaned_data["provider"], form.cleaned_data["year"]
        context.update(provider=provider, year=year)
        try:
            profile, rules = spending.provider_profile(provider=provider, year=year)
        except ValidationError as exc:
            _messages(request, exc)
            return render(request, "funds/budget.html", context)
        lines = list(budget_lines_visible_to(request.user).filter(provider=provider, year=year))
        choices = spending.pool_choices(provider=provider, year=year)
        context.update(
            profile=profile,
            rules=rules,
            summary=spending.budget_summary(provider=provider, year=year),
            lines=[(line, spending.line_spent(line), rules.needs_procurement(line.category)) for line in lines],
            orders=orders_visible_to(request.user).filter(line__in=lines),
            expenses=expenses_visible_to(request.user).filter(line__in=lines),
            line_form=BudgetLineForm(choices=choices) if can_write else None,
            can_order=user_has_role(request.user, procurement.ORDER_ROLES),
        )
    return render(request, "funds/budget.html", context)


@require_POST
@role_required(*FUNDS_WRITE_ROLES)
def budget_line_create(request: HttpRequest) -> HttpResponse:
    provider = providers_for_funds(request.user).filter(pk=request.POST.get("provider") or 0).first()
    year = request.POST.get("year", "")
    if provider is None or not year.isdigit():
        raise Http404
    try:
        form = BudgetLineForm(request.POST, choices=spending.pool_choices(provider=provider, year=int(year)))
        if not form.is_valid():
            raise ValidationError(_("Periksa isian pagu: pilih pos dana dan kategori yang dibolehkan profil."))
        spending.budget_line_create(provider=provider, year=int(year), actor=request.user, **form.service_data())
        messages.success(request, _("Pagu ditambahkan."))
    except ValidationError as exc:
        _messages(request, exc)
    return redirect(_budget_url(provider.pk, year))


@role_required(*FUNDS_WRITE_ROLES, *procurement.ORDER_ROLES)
def line_spend(request: HttpRequest, pk: int) -> HttpResponse:
    """An order by the procurement official where the profile requires it, else an expense with proof."""
    line = get_object_or_404(budget_lines_visible_to(request.user), pk=pk)
    procured = _procured(line)
    # Orders only by the procurement official; expenses only by the treasurer (or UPT admin).
    if not user_has_role(request.user, procurement.ORDER_ROLES if procured else FUNDS_WRITE_ROLES):
        raise PermissionDenied
    form_class = OrderForm if procured else ExpenseForm
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            if procured:
                order = procurement.order_create(line=line, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Pesanan dicatat; menunggu pemeriksaan PPHP."))
                return redirect("funds:order_detail", pk=order.pk)
            spending.expense_record(line=line, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Belanja dicatat."))
            return redirect(_budget_url(line.provider_id, line.year))
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
    return render(request, "funds/line_spend.html", {"line": line, "form": form, "procurement": procured})


@role_required(*SPENDING_READ_ROLES)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(orders_visible_to(request.user), pk=pk)
    can_inspect = order.status == OrderStatus.ORDERED and user_has_role(request.user, procurement.INSPECTION_ROLES)
    can_pay = order.status == OrderStatus.ACCEPTED and user_has_role(request.user, procurement.PAYMENT_ROLES)
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
@role_required(*SPENDING_READ_ROLES)
def order_action(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(orders_visible_to(request.user), pk=pk)
    action = request.POST.get("action")
    try:
        if action == "inspect":
            inspect = InspectionForm(request.POST)
            if not inspect.is_valid():
                raise ValidationError(_("Periksa isian pemeriksaan PPHP."))
            procurement.order_inspect(order=order, actor=request.user, **inspect.cleaned_data)
        elif action == "pay":
            pay = PaymentForm(request.POST, request.FILES)
            if not pay.is_valid():
                raise ValidationError(_("Tanggal bayar dan bukti pembayaran wajib diisi."))
            procurement.order_pay(order=order, actor=request.user, **pay.cleaned_data)
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


@role_required(*SPENDING_READ_ROLES)
def order_proof(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(orders_visible_to(request.user), pk=pk)
    audit_record(action=AuditLog.Action.EXPORT, obj=order, summary=f"Bukti bayar {order}")
    return _file(order.payment_proof)


@role_required(*SPENDING_READ_ROLES)
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


@require_POST
@role_required(*FUNDS_WRITE_ROLES)
def receipt_deposit(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the deposit of a receipt to the Kas Daerah (Perbup Kapuas Hulu 9/2015 Pasal 2 ayat 4)."""
    receipt = get_object_or_404(receipts_visible_to(request.user), pk=pk)
    form = DepositForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Tanggal setor dan nomor bukti setor wajib diisi."))
        spending.receipt_deposit(receipt=receipt, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Setoran ke Kas Daerah dicatat."))
    except ValidationError as exc:
        _messages(request, exc)
    return redirect("funds:receipt_detail", pk=receipt.pk)


@role_required(Role.PROCUREMENT_OFFICER, Role.UPT_ADMIN, Role.UPT_VERIFIER)
def procurement_home(request: HttpRequest) -> HttpResponse:
    """Work queue of the procurement official: lines to order for, orders waiting for the PPHP
    or for payment (Perbup Kapuas Hulu 9/2015 Pasal 9-15)."""
    orders = orders_visible_to(request.user).exclude(status__in=[OrderStatus.PAID, OrderStatus.REJECTED])
    lines: list[tuple[BudgetLine, int]] = []
    rules: dict[tuple[int, int], SpendingRules | None] = {}
    for line in budget_lines_visible_to(request.user).order_by("-year", "provider__name", "id")[:1000]:
        key = (line.provider_id, line.year)
        if key not in rules:
            try:
                rules[key] = spending.provider_profile(provider=line.provider, year=line.year)[1]
            except ValidationError:  # an old line of a provider without receipts
                rules[key] = None
        found = rules[key]
        if found is not None and found.needs_procurement(line.category):
            lines.append((line, spending.line_spent(line)))
    return render(
        request,
        "funds/procurement_home.html",
        {
            "orders": orders[:200],
            "lines": lines[:200],
            "can_order": user_has_role(request.user, procurement.ORDER_ROLES),
        },
    )
