"""Reads of the services app, scoped by the user's provider.

PPK operators and treasurers see only their own provider's letters, referrals, claims and
payment batches (docs/layanan-ppk-dan-verifikasi.md); UPT staff and leadership see the whole regency. Anything
outside the scope simply does not exist for the user (the views answer 404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from ejamkesda.core.roles import PROVIDER_BOUND_ROLES, UPT_ROLES, Role
from ejamkesda.participants.models import Membership, Programme
from ejamkesda.participants.selectors import coverage_for
from ejamkesda.services.models import Claim, PaymentBatch, Referral, Sjp, TariffTable

REGENCY_WIDE = frozenset({*UPT_ROLES, Role.VIEWER})


def _scope(user: Any) -> str:
    """'all', 'provider' or 'none'."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return "none"
    if user.is_superuser or user.role in REGENCY_WIDE:
        return "all"
    if user.role in PROVIDER_BOUND_ROLES and user.provider_id:
        return "provider"
    return "none"


def sjps_visible_to(user: Any) -> QuerySet[Sjp]:
    queryset = Sjp.objects.select_related("provider", "person", "referring_provider")
    scope = _scope(user)
    if scope == "all":
        return queryset
    if scope == "provider" and user.role == Role.PPK_OPERATOR:
        return queryset.filter(provider_id=user.provider_id)
    return queryset.none()


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    """Both ends of a referral see it: the referring and the receiving provider."""
    queryset = Referral.objects.select_related("from_provider", "to_provider", "person", "sjp")
    scope = _scope(user)
    if scope == "all":
        return queryset
    if scope == "provider" and user.role == Role.PPK_OPERATOR:
        return queryset.filter(Q(from_provider_id=user.provider_id) | Q(to_provider_id=user.provider_id))
    return queryset.none()


def claims_visible_to(user: Any) -> QuerySet[Claim]:
    queryset = Claim.objects.select_related("provider", "person", "sjp")
    scope = _scope(user)
    if scope == "all":
        return queryset
    if scope == "provider":
        return queryset.filter(provider_id=user.provider_id)
    return queryset.none()


def payment_batches_visible_to(user: Any) -> QuerySet[PaymentBatch]:
    queryset = PaymentBatch.objects.select_related("provider")
    scope = _scope(user)
    if scope == "all":
        return queryset
    if scope == "provider":
        return queryset.filter(provider_id=user.provider_id)
    return queryset.none()


def tariff_tables() -> QuerySet[TariffTable]:
    return TariffTable.objects.all()


def active_jamkesda_on(person_id: int, on: Any) -> Membership | None:
    """The Jamkesda membership that covers the person on ``on`` (ejamkesda/rules/coverage.py)."""
    return coverage_for(person_id, on).by_programme(Programme.JAMKESDA)


def active_jkn_on(person_id: int, on: Any) -> Membership | None:
    """The JKN membership that covers the person on ``on`` (ejamkesda/rules/coverage.py)."""
    return coverage_for(person_id, on).by_programme(Programme.JKN)
