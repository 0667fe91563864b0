"""Spending of the non-jaspel pools: budget lines, direct expenses, procurement with PPHP,
and carrying the unspent pool to the next year.

- Seed 004 Pasal 5: jasa sarana is spent on drugs, consumables, facilities, travel, operations.
- Seed 003 Pasal 7-18: drugs, devices and consumables are procured; the inspection committee
  (PPHP) inspects, accepts and signs the handover record; only then does the treasurer pay,
  and keeps the proof of payment.
- Seed 003 Pasal 6: an unspent pool is used in the next budget year for the same purpose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from ejamkesda.audit.models import AuditLog
from ejamkesda.audit.services import audit_record
from ejamkesda.core.permissions import user_has_role
from ejamkesda.core.roles import Role
from ejamkesda.funds.models import (
    PROCUREMENT_CATEGORIES,
    BudgetLine,
    CarryOver,
    Expense,
    FundPool,
    OrderStatus,
    PurchaseOrder,
)
from ejamkesda.providers.models import Provider

# The committee's result is recorded by Dinas Kesehatan staff (the head of Dinas appoints the
# PPHP, seed 003 Pasal 12), never by the treasurer who pays.
INSPECTION_ROLES = (Role.UPT_ADMIN, Role.UPT_VERIFIER)
PAYMENT_ROLES = (Role.TREASURER, Role.UPT_ADMIN)
ALLOWED_PROOF = (".pdf", ".jpg", ".jpeg", ".png")
MAX_PROOF_BYTES = 5 * 1024 * 1024


def _check_amount(amount: Any, field: str = "amount") -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationError({field: _("Jumlah harus bilangan bulat rupiah lebih dari 0.")})


def _check_proof(proof: UploadedFile | None) -> None:
    if proof is None:
        raise ValidationError({"proof": _("Bukti pembayaran wajib dilampirkan (seed 003 Pasal 18).")})
    name = (proof.name or "").lower()
    if not name.endswith(ALLOWED_PROOF) or (proof.size or 0) > MAX_PROOF_BYTES:
        raise ValidationError({"proof": _("Bukti harus PDF/JPG/PNG paling besar 5 MB.")})


@dataclass
class PoolBalance:
    code: str
    name: str
    received: int
    carried_in: int
    planned: int
    spent: int

    @property
    def available(self) -> int:
        return self.received + self.carried_in

    @property
    def remaining(self) -> int:
        return self.available - self.spent


def budget_summary(*, provider: Provider, year: int) -> list[PoolBalance]:
    """Per pool (except jasa pelayanan): received in the year, carried in, planned, spent."""
    pools: dict[str, PoolBalance] = {}
    received = (
        FundPool.objects.filter(receipt__provider=provider, receipt__period__year=year)
        .exclude(code="jasa_pelayanan")
        .values("code", "name")
        .annotate(total=Sum("amount"))
    )
    for row in received:
        item = pools.setdefault(row["code"], PoolBalance(row["code"], row["name"], 0, 0, 0, 0))
        item.received += int(row["total"] or 0)
    for carry in CarryOver.objects.filter(provider=provider, from_year=year - 1):
        pools.setdefault(
            carry.pool_code, PoolBalance(carry.pool_code, carry.pool_code, 0, 0, 0, 0)
        ).carried_in += carry.amount
    for line in BudgetLine.objects.filter(provider=provider, year=year):
        item = pools.setdefault(line.pool_code, PoolBalance(line.pool_code, line.pool_code, 0, 0, 0, 0))
        item.planned += line.planned
        item.spent += line_spent(line)
    return sorted(pools.values(), key=lambda item: item.code)


def line_spent(line: BudgetLine) -> int:
    expenses = line.expenses.aggregate(total=Sum("amount"))["total"] or 0
    orders = line.orders.filter(status=OrderStatus.PAID).aggregate(total=Sum("amount"))["total"] or 0
    return int(expenses) + int(orders)


@transaction.atomic
def budget_line_create(
    *, provider: Provider, year: int, pool_code: str, category: str, name: str, planned: int, actor: Any
) -> BudgetLine:
    _check_amount(planned, "planned")
    line = BudgetLine.objects.create(
        provider=provider,
        year=year,
        pool_code=pool_code,
        category=category,
        name=name,
        planned=planned,
        created_by=actor,
    )
    audit_record(action=AuditLog.Action.CREATE, obj=line, actor=actor, summary=f"Pagu {line} Rp {planned}")
    return line


def _over_budget(line: BudgetLine, remaining: int) -> str:
    return _("Melebihi pagu %(line)s: sisa Rp %(remaining)s.") % {"line": line.name, "remaining": remaining}


def _lock_line(line: BudgetLine) -> BudgetLine:
    return BudgetLine.objects.select_for_update().get(pk=line.pk)


@transaction.atomic
def expense_record(
    *, line: BudgetLine, spent_on: dt.date, description: str, amount: int, proof: UploadedFile | None, actor: Any
) -> Expense:
    """Direct spending; drugs/devices/consumables must go through a purchase order instead."""
    _check_amount(amount)
    _check_proof(proof)
    line = _lock_line(line)
    if line.category in PROCUREMENT_CATEGORIES:
        raise ValidationError(_("Obat, alat kesehatan dan BMHP dibeli melalui pesanan dan pemeriksaan PPHP."))
    if line_spent(line) + amount > line.planned:
        raise ValidationError(_over_budget(line, line.planned - line_spent(line)))
    expense = Expense.objects.create(
        line=line, spent_on=spent_on, description=description, amount=amount, proof=proof, created_by=actor
    )
    audit_record(action=AuditLog.Action.CREATE, obj=expense, actor=actor, summary=f"Belanja {description} Rp {amount}")
    return expense


@transaction.atomic
def order_create(
    *, line: BudgetLine, number: str, supplier: str, description: str, amount: int, ordered_on: dt.date, actor: Any
) -> PurchaseOrder:
    _check_amount(amount)
    line = _lock_line(line)
    if line.category not in PROCUREMENT_CATEGORIES:
        raise ValidationError(_("Pesanan dengan pemeriksaan PPHP hanya untuk obat, alat kesehatan dan BMHP."))
    committed = line_spent(line) + int(
        line.orders.filter(status__in=[OrderStatus.ORDERED, OrderStatus.ACCEPTED]).aggregate(t=Sum("amount"))["t"] or 0
    )
    if committed + amount > line.planned:
        raise ValidationError(_over_budget(line, line.planned - committed))
    order = PurchaseOrder.objects.create(
        line=line,
        number=number,
        supplier=supplier,
        description=description,
        amount=amount,
        ordered_on=ordered_on,
        created_by=actor,
    )
    audit_record(action=AuditLog.Action.CREATE, obj=order, actor=actor, summary=f"Pesanan {number} Rp {amount}")
    return order


@transaction.atomic
def order_inspect(
    *,
    order: PurchaseOrder,
    accepted: bool,
    committee_decree: str,
    committee_members: str,
    handover_number: str,
    note: str,
    inspected_on: dt.date,
    actor: Any,
) -> PurchaseOrder:
    """Record the PPHP's inspection; an accepted order needs the handover record number."""
    if not user_has_role(actor, INSPECTION_ROLES):
        raise PermissionDenied
    order = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
    if order.status != OrderStatus.ORDERED:
        raise ValidationError(_("Pesanan ini sudah diperiksa."))
    if not committee_decree.strip() or not committee_members.strip():
        raise ValidationError(_("Nomor SK dan anggota PPHP wajib diisi (seed 003 Pasal 12)."))
    if accepted and not handover_number.strip():
        raise ValidationError(_("Nomor berita acara serah terima wajib diisi bila diterima (seed 003 Pasal 13-14)."))
    order.status = OrderStatus.ACCEPTED if accepted else OrderStatus.REJECTED
    order.committee_decree, order.committee_members = committee_decree.strip(), committee_members.strip()
    order.handover_number, order.inspection_note = handover_number.strip(), note
    order.inspected_on, order.inspected_by = inspected_on, actor
    order.save()
    audit_record(
        action=AuditLog.Action.TRANSITION, obj=order, actor=actor, summary=f"PPHP {order.get_status_display()}: {order}"
    )
    return order


@transaction.atomic
def order_pay(*, order: PurchaseOrder, paid_on: dt.date, proof: UploadedFile | None, actor: Any) -> PurchaseOrder:
    """The treasurer pays only an order the PPHP accepted, and keeps the proof (seed 003 Pasal 15-18)."""
    if not user_has_role(actor, PAYMENT_ROLES):
        raise PermissionDenied
    _check_proof(proof)
    order = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
    if order.status != OrderStatus.ACCEPTED:
        raise ValidationError(_("Pembayaran hanya setelah PPHP menerima barang dan menandatangani berita acara."))
    order.status, order.paid_on, order.paid_by = OrderStatus.PAID, paid_on, actor
    order.payment_proof = proof  # type: ignore[assignment]
    order.save()
    audit_record(action=AuditLog.Action.TRANSITION, obj=order, actor=actor, summary=f"Dibayar: {order}")
    return order


@transaction.atomic
def carry_over(*, provider: Provider, year: int, actor: Any) -> list[CarryOver]:
    """Carry each pool's unspent balance of ``year`` to ``year + 1``, once (seed 003 Pasal 6)."""
    if CarryOver.objects.select_for_update().filter(provider=provider, from_year=year).exists():
        raise ValidationError(_("Sisa dana tahun %(year)s sudah dipindahkan.") % {"year": year})
    created = [
        CarryOver.objects.create(
            provider=provider, from_year=year, pool_code=item.code, amount=item.remaining, created_by=actor
        )
        for item in budget_summary(provider=provider, year=year)
        if item.remaining > 0
    ]
    audit_record(
        action=AuditLog.Action.CREATE,
        obj=provider,
        actor=actor,
        summary=f"Sisa dana {year} ke {year + 1}: Rp {sum(c.amount for c in created)}",
    )
    return created
