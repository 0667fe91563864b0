"""Reads of the provider (PPK) register, always scoped by who is asking.

* UPT staff, leadership (viewer) and OPD operators see every provider (read-only
  except UPT admins, who manage them — docs/peran.md).
* PPK operators and treasurers are bound to one provider and see only that one; any
  other provider is "not found" (404), never "forbidden", so ids leak nothing.
* The public directory (aplikasi umum, Perbup PPU 29/2016 Pasal 7 ayat 1 huruf a dan ayat 2)
  shows active providers only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from ejamkesda.core.permissions import user_has_role
from ejamkesda.core.roles import PROVIDER_BOUND_ROLES, Role
from ejamkesda.providers.models import Provider
from ejamkesda.regions.models import Region

# Roles that may read the whole provider register (PPK-bound roles see their own only).
REGISTER_READER_ROLES = frozenset({Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.VIEWER, Role.OPD_OPERATOR})


def providers_visible_to(user: Any) -> QuerySet[Provider]:
    """Every provider the user may see; an empty queryset for anyone else."""
    base = Provider.objects.select_related("district", "village")
    if user_has_role(user, REGISTER_READER_ROLES):
        return base
    if user_has_role(user, PROVIDER_BOUND_ROLES) and getattr(user, "provider_id", None):
        return base.filter(pk=user.provider_id)
    return base.none()


def provider_for_user(*, user: Any, provider_id: int) -> Provider:
    """One provider, or ``Provider.DoesNotExist`` when it is not visible to the user."""
    return providers_visible_to(user).get(pk=provider_id)


def providers_filter(
    providers: QuerySet[Provider],
    *,
    q: str = "",
    district_code: str = "",
    kind: str = "",
    level: str = "",
    active: bool | None = None,
) -> QuerySet[Provider]:
    """Narrow a provider queryset by free text (name, code, address) and exact filters."""
    q = " ".join(q.split())
    if q:
        providers = providers.filter(Q(name__icontains=q) | Q(code__iexact=q) | Q(address__icontains=q))
    if district_code:
        providers = providers.filter(district_id=district_code)
    if kind:
        providers = providers.filter(kind=kind)
    if level:
        providers = providers.filter(level=level)
    if active is not None:
        providers = providers.filter(active=active)
    return providers.order_by("name", "id")


def providers_public(*, q: str = "", district_code: str = "", kind: str = "") -> QuerySet[Provider]:
    """The public directory: active providers only, searchable by name and filterable."""
    providers = Provider.objects.select_related("district", "village").filter(active=True)
    return providers_filter(providers, q=q, district_code=district_code, kind=kind)


def provider_public(*, provider_id: int) -> Provider:
    """One provider for the public directory (inactive ones are ``DoesNotExist``)."""
    return Provider.objects.select_related("district", "village").get(pk=provider_id, active=True)


def regency_districts(regency_code: str | None = None) -> QuerySet[Region]:
    """Districts (kecamatan) of the deployment regency, ``settings.REGENCY_CODE``."""
    return Region.objects.filter(parent_id=regency_code or settings.REGENCY_CODE, level=Region.Level.DISTRICT).order_by(
        "name"
    )


def regency_villages(regency_code: str | None = None) -> QuerySet[Region]:
    """Villages of the deployment regency (for the provider form)."""
    return (
        Region.objects.filter(parent__parent_id=regency_code or settings.REGENCY_CODE, level=Region.Level.VILLAGE)
        .select_related("parent")
        .order_by("parent__name", "name")
    )
