"""Reads for funds, scoped by role: a treasurer sees only their provider; Dinas Kesehatan
(UPT admin/verifier) and leadership (viewer) see every provider. Another provider's object
is simply not in the queryset, so object views answer 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ejamkesda.core.roles import Role
from ejamkesda.funds.models import (
    BudgetLine,
    DistributionRun,
    Expense,
    FundReceipt,
    PurchaseOrder,
    RegulationProfile,
    StaffMember,
)
from ejamkesda.providers.models import Provider

FUNDS_READ_ROLES = (Role.TREASURER, Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.VIEWER)
FUNDS_WRITE_ROLES = (Role.TREASURER, Role.UPT_ADMIN)
WIDE_ROLES = frozenset({Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.VIEWER})
# Budget pages: the Pejabat Pengadaan of Dinas Kesehatan orders for every provider whose
# profile requires procurement (Perbup Kapuas Hulu 9/2015 Pasal 9-11).
SPENDING_READ_ROLES = (*FUNDS_READ_ROLES, Role.PROCUREMENT_OFFICER)


def _sees_all(user: Any) -> bool:
    return bool(user.is_superuser or user.role in WIDE_ROLES)


def _scope(queryset: QuerySet[Any], user: Any, field: str = "provider") -> QuerySet[Any]:
    if _sees_all(user):
        return queryset
    if user.role == Role.TREASURER and user.provider_id:
        return queryset.filter(**{f"{field}_id": user.provider_id})
    return queryset.none()


def _procures(user: Any) -> bool:
    return bool(getattr(user, "is_health_office_procurement", False))


def providers_for_funds(user: Any) -> QuerySet[Provider]:
    if _sees_all(user) or _procures(user):
        return Provider.objects.filter(active=True)
    return Provider.objects.filter(pk=getattr(user, "provider_id", None) or 0)


def staff_visible_to(user: Any) -> QuerySet[StaffMember]:
    return _scope(StaffMember.objects.select_related("provider"), user)


def receipts_visible_to(user: Any) -> QuerySet[FundReceipt]:
    return _scope(FundReceipt.objects.select_related("provider", "profile").prefetch_related("pools"), user)


def runs_visible_to(user: Any) -> QuerySet[DistributionRun]:
    return _scope(DistributionRun.objects.select_related("provider", "profile"), user)


def latest_profiles() -> list[RegulationProfile]:
    """The newest version of each stored profile."""
    seen: set[str] = set()
    latest = []
    for profile in RegulationProfile.objects.order_by("code", "-version"):
        if profile.code not in seen:
            seen.add(profile.code)
            latest.append(profile)
    return latest


def budget_lines_visible_to(user: Any) -> QuerySet[BudgetLine]:
    lines = BudgetLine.objects.select_related("provider")
    return lines if _procures(user) else _scope(lines, user)


def orders_visible_to(user: Any) -> QuerySet[PurchaseOrder]:
    orders = PurchaseOrder.objects.select_related("line", "line__provider")
    return orders if _procures(user) else _scope(orders, user, "line__provider")


def expenses_visible_to(user: Any) -> QuerySet[Expense]:
    return _scope(Expense.objects.select_related("line", "line__provider"), user, "line__provider")
