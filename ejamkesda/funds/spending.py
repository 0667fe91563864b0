"""Spending of the pools by the provider's own regulation profile: budget lines, direct
expenses, Kas Daerah deposits and carrying the unspent pools to the next year.

- The pools, and the categories each may pay for, come from the profile
  (``ejamkesda.rules.spending``): Perbup Kapuas Hulu 9/2015 Pasal 5 ayat (5), Perbup Tanah
  Datar 29/2017 Pasal 5. Spending over a pool's balance is refused.
- Perbup Kapuas Hulu 9/2015 Pasal 2 ayat (4) and Pasal 6: receipts are deposited to the Kas
  Daerah and used in the next budget year; the unspent part of every pool of Pasal 5 ayat (1)
  (jasa pelayanan included) is carried over. Other profiles spend receipts in their own year.
- Procurement (order → PPHP → payment) lives in ``procurement.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from ejamkesda.audit.models import AuditLog
from ejamkesda.audit.services import audit_record
from ejamkesda.core.numbers import angka
from ejamkesda.funds.models import (
    BudgetCategory,
    BudgetLine,
    CarryOver,
    DistributionRun,
    Expense,
    FundPool,
    FundReceipt,
    OrderStatus,
    PurchaseOrder,
    RegulationProfile,
    RunStatus,
)
from ejamkesda.providers.models import Provider
from ejamkesda.rules.profile import Profile, load_profile, parse_profile, shipped_profile_ids
from ejamkesda.rules.spending import PoolBalance, SpendingRules, can_spend

ALLOWED_PROOF = (".pdf", ".jpg", ".jpeg", ".png")
MAX_PROOF_BYTES = 5 * 1024 * 1024
OPEN_ORDER = (OrderStatus.ORDERED, OrderStatus.ACCEPTED)


def check_amount(amount: Any, field: str = "amount") -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationError({field: _("Jumlah harus bilangan bulat rupiah lebih dari 0.")})


def check_proof(proof: UploadedFile | None) -> None:
    if proof is None:
        raise ValidationError({"proof": _("Bukti pembayaran wajib dilampirkan.")})
    name = (proof.name or "").lower()
    if not name.endswith(ALLOWED_PROOF) or (proof.size or 0) > MAX_PROOF_BYTES:
        raise ValidationError({"proof": _("Bukti harus PDF/JPG/PNG paling besar 5 MB.")})


# --- the provider's rules -------------------------------------------------------------------


def profile_spending(profile: RegulationProfile) -> tuple[Profile, SpendingRules]:
    """The parsed profile and its spending rules.

    A stored copy made before profiles carried spending rules (no ``kategori``, no
    ``[belanja]``) takes them from the shipped file of the same id.
    """
    parsed = parse_profile(profile.text, source=f"{profile.code} v{profile.version}")
    has_rules = "belanja" in parsed.raw or any(line.categories for line in parsed.split)
    if not has_rules and profile.code in shipped_profile_ids():
        return parsed, load_profile(profile.code).spending
    return parsed, parsed.spending


def provider_profile(*, provider: Provider, year: int) -> tuple[Profile, SpendingRules]:
    """The provider's profile: the one of its latest receipt up to ``year`` (else its first)."""
    receipts = FundReceipt.objects.filter(provider=provider).select_related("profile")
    receipt = receipts.filter(period__year__lte=year).order_by("-period", "-id").first()
    receipt = receipt or receipts.order_by("period", "id").first()
    if receipt is None:
        raise ValidationError(_("PPK ini belum punya penerimaan dana, jadi profil regulasinya belum diketahui."))
    return profile_spending(receipt.profile)


def pool_name(profile: Profile, code: str) -> str:
    return next((line.name for line in profile.split if line.code == code), code)


def category_label(category: str) -> str:
    return str(dict(BudgetCategory.choices).get(category, category))


def pool_choices(*, provider: Provider, year: int) -> list[tuple[str, str]]:
    """``pool:category`` pairs the profile allows, for a budget line's single choice."""
    profile, rules = provider_profile(provider=provider, year=year)
    return [
        (f"{pool}:{category}", f"{pool_name(profile, pool)} — {category_label(category)}")
        for pool, categories in rules.pool_categories.items()
        for category in categories
    ]


# --- balances --------------------------------------------------------------------------------


def _received(provider: Provider, year: int, rules: SpendingRules) -> dict[str, int]:
    pools = FundPool.objects.filter(receipt__provider=provider)
    if rules.deposit_to_treasury:
        # Deposited last year, used this year through the RKA-DPA of Dinas Kesehatan.
        pools = pools.filter(receipt__period__year=year - 1, receipt__deposited_on__isnull=False)
    else:
        pools = pools.filter(receipt__period__year=year)
    return {row["code"]: int(row["total"] or 0) for row in pools.values("code").annotate(total=Sum("amount"))}


def _line_totals(lines: Any) -> tuple[int, int]:
    """(spent, committed) of some budget lines: expenses and paid orders; open orders."""
    expenses = Expense.objects.filter(line__in=lines).aggregate(t=Sum("amount"))["t"] or 0
    orders = {
        row["status"]: int(row["total"] or 0)
        for row in PurchaseOrder.objects.filter(line__in=lines).values("status").annotate(total=Sum("amount"))
    }
    spent = int(expenses) + orders.get(OrderStatus.PAID, 0)
    return spent, sum(orders.get(status, 0) for status in OPEN_ORDER)


def line_spent(line: BudgetLine) -> int:
    return _line_totals(BudgetLine.objects.filter(pk=line.pk))[0]


def _jaspel_paid(provider: Provider, year: int) -> int:
    runs = DistributionRun.objects.filter(provider=provider, status=RunStatus.PAID, paid_at__year=year)
    return int(runs.aggregate(t=Sum("pool_amount"))["t"] or 0)


def pool_balance(*, provider: Provider, year: int, code: str) -> PoolBalance:
    profile, rules = provider_profile(provider=provider, year=year)
    lines = BudgetLine.objects.filter(provider=provider, year=year, pool_code=code)
    spent, committed = _line_totals(lines)
    if code == profile.jaspel_pool:
        spent += _jaspel_paid(provider, year)
    carried = CarryOver.objects.filter(provider=provider, from_year=year - 1, pool_code=code)
    return PoolBalance(
        code=code,
        name=pool_name(profile, code),
        received=_received(provider, year, rules).get(code, 0),
        carried_in=int(carried.aggregate(t=Sum("amount"))["t"] or 0),
        planned=int(lines.aggregate(t=Sum("planned"))["t"] or 0),
        spent=spent,
        committed=committed,
    )


def budget_summary(*, provider: Provider, year: int) -> list[PoolBalance]:
    """Every pool the profile spends or carries over, plus any pool that still holds money."""
    _profile, rules = provider_profile(provider=provider, year=year)
    codes = dict.fromkeys([*rules.pool_categories, *rules.carry_pools])
    codes.update(
        dict.fromkeys(BudgetLine.objects.filter(provider=provider, year=year).values_list("pool_code", flat=True))
    )
    carried = CarryOver.objects.filter(provider=provider, from_year=year - 1)
    codes.update(dict.fromkeys(carried.values_list("pool_code", flat=True)))
    return [pool_balance(provider=provider, year=year, code=code) for code in codes]


def lock_pool(line: BudgetLine) -> BudgetLine:
    """Lock every budget line of the line's pool (in id order) so two spends of one pool queue."""
    locked = list(
        BudgetLine.objects.select_for_update()
        .filter(provider_id=line.provider_id, year=line.year, pool_code=line.pool_code)
        .order_by("pk")
    )
    return next(item for item in locked if item.pk == line.pk)


def check_spend(line: BudgetLine, amount: int, rules: SpendingRules) -> None:
    """Refuse a category the pool may not pay for, and anything over the line or the pool."""
    if not rules.allows(line.pool_code, line.category):
        raise ValidationError(
            _("Pos %(pool)s tidak boleh membiayai %(category)s menurut profil regulasi PPK ini.")
            % {"pool": line.pool_code, "category": category_label(line.category)}
        )
    spent, committed = _line_totals(BudgetLine.objects.filter(pk=line.pk))
    if spent + committed + amount > line.planned:
        raise ValidationError(
            _("Melebihi pagu %(line)s: sisa Rp %(remaining)s.")
            % {"line": line.name, "remaining": angka(line.planned - spent - committed)}
        )
    balance = pool_balance(provider=line.provider, year=line.year, code=line.pool_code)
    if not can_spend(balance, amount):
        raise ValidationError(
            _("Melebihi saldo pos %(pool)s: tersedia Rp %(free)s.")
            % {"pool": balance.name, "free": angka(balance.free)}
        )


# --- writes ----------------------------------------------------------------------------------


@transaction.atomic
def budget_line_create(
    *, provider: Provider, year: int, pool_code: str, category: str, name: str, planned: int, actor: Any
) -> BudgetLine:
    """A budget line on a pool of the provider's profile, for a category that pool allows."""
    check_amount(planned, "planned")
    _profile, rules = provider_profile(provider=provider, year=year)
    if pool_code not in rules.pool_categories:
        raise ValidationError({"pool_code": _("Pos dana tidak ada di profil regulasi PPK ini.")})
    if not rules.allows(pool_code, category):
        raise ValidationError({"category": _("Kategori ini tidak boleh dibiayai pos %(pool)s.") % {"pool": pool_code}})
    line = BudgetLine.objects.create(
        provider=provider, year=year, pool_code=pool_code, category=category, name=name, planned=planned,
        created_by=actor,
    )  # fmt: skip
    audit_record(action=AuditLog.Action.CREATE, obj=line, actor=actor, summary=f"Pagu {line} Rp {planned}")
    return line


@transaction.atomic
def expense_record(
    *, line: BudgetLine, spent_on: dt.date, description: str, amount: int, proof: UploadedFile | None, actor: Any
) -> Expense:
    """Direct spending with its proof, where the profile does not require procurement."""
    check_amount(amount)
    check_proof(proof)
    line = lock_pool(line)
    _profile, rules = provider_profile(provider=line.provider, year=line.year)
    if rules.needs_procurement(line.category):
        raise ValidationError(
            _(
                "Obat, alat kesehatan dan BMHP dipesan oleh Pejabat Pengadaan dan diperiksa PPHP "
                "(Perbup Kapuas Hulu 9/2015 Pasal 7-15)."
            )
        )
    check_spend(line, amount, rules)
    expense = Expense.objects.create(
        line=line, spent_on=spent_on, description=description, amount=amount, proof=proof, created_by=actor
    )
    audit_record(action=AuditLog.Action.CREATE, obj=expense, actor=actor, summary=f"Belanja {description} Rp {amount}")
    return expense


@transaction.atomic
def receipt_deposit(*, receipt: FundReceipt, deposited_on: dt.date, reference: str, actor: Any) -> FundReceipt:
    """Record that a receipt went to the Kas Daerah (Perbup Kapuas Hulu 9/2015 Pasal 2 ayat 4)."""
    receipt = FundReceipt.objects.select_for_update().select_related("profile").get(pk=receipt.pk)
    _profile, rules = profile_spending(receipt.profile)
    if not rules.deposit_to_treasury:
        raise ValidationError(_("Profil regulasi penerimaan ini tidak mengatur setoran ke Kas Daerah."))
    if receipt.deposited_on is not None:
        raise ValidationError(_("Penerimaan ini sudah disetor ke Kas Daerah."))
    if not reference.strip():
        raise ValidationError({"reference": _("Nomor bukti setor ke Kas Daerah wajib diisi.")})
    receipt.deposited_on, receipt.deposit_reference, receipt.deposited_by = deposited_on, reference.strip(), actor
    receipt.save(update_fields=["deposited_on", "deposit_reference", "deposited_by"])
    audit_record(
        action=AuditLog.Action.TRANSITION, obj=receipt, actor=actor,
        summary=f"Setor Kas Daerah {receipt.deposit_reference} Rp {receipt.amount}",
    )  # fmt: skip
    return receipt


@transaction.atomic
def carry_over(*, provider: Provider, year: int, actor: Any) -> list[CarryOver]:
    """Carry the unspent part of each pool the profile names from ``year`` to ``year + 1``, once.

    Perbup Kapuas Hulu 9/2015 Pasal 6: every pool of Pasal 5 ayat (1) huruf a and b, jasa
    pelayanan included, is used next year for the same purpose.
    """
    Provider.objects.select_for_update().filter(pk=provider.pk).first()
    if CarryOver.objects.filter(provider=provider, from_year=year).exists():
        raise ValidationError(_("Sisa dana tahun %(year)s sudah dipindahkan.") % {"year": year})
    _profile, rules = provider_profile(provider=provider, year=year)
    created = [
        CarryOver.objects.create(
            provider=provider, from_year=year, pool_code=item.code, amount=item.carry_amount, created_by=actor
        )
        for item in budget_summary(provider=provider, year=year)
        if item.code in rules.carry_pools and item.carry_amount > 0
    ]
    audit_record(
        action=AuditLog.Action.CREATE,
        obj=provider,
        actor=actor,
        summary=f"Sisa dana {year} ke {year + 1}: Rp {sum(c.amount for c in created)}",
    )
    return created
