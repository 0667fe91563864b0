"""Object-level authorisation for the REST API and FHIR: the ONE place that decides.

Every endpoint that returns or changes an object gets it through ``get_for`` or a
``*_for`` queryset here; anything outside the caller's scope is a 404 (never a 403, so
ids of other providers' objects are not even confirmed).

* UPT admin/verifier (and superusers): the whole regency.
* PPK operator / treasurer: persons registered at their own provider (first-level
  provider code on a membership) and their own provider's objects.
* OPD operator, viewer: no person-level data through the API.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet

from ejamkesda.api.errors import Forbidden, NotFound
from ejamkesda.core.roles import PROVIDER_BOUND_ROLES, UPT_ROLES, Role
from ejamkesda.participants.models import Membership, Person
from ejamkesda.providers.models import Provider

ELIGIBILITY_ROLES = frozenset({Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.PPK_OPERATOR})


def is_regency_wide(user: Any) -> bool:
    return bool(user.is_superuser or user.role in UPT_ROLES)


def require_role(user: Any, roles: Iterable[str]) -> None:
    if user.is_superuser or user.role in set(roles):
        return
    raise Forbidden()


def persons_for(user: Any) -> QuerySet[Person]:
    if is_regency_wide(user):
        return Person.objects.all()
    if user.role in PROVIDER_BOUND_ROLES and user.provider_id:
        provider_code = Provider.objects.filter(pk=user.provider_id).values_list("code", flat=True)
        registered = Membership.objects.filter(first_level_provider_code__in=provider_code).values("person_id")
        return Person.objects.filter(pk__in=registered)
    return Person.objects.none()


def memberships_for(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(person__in=persons_for(user))


def providers_for(user: Any) -> QuerySet[Provider]:
    """The provider directory is public information: every authenticated caller may read it."""
    return Provider.objects.all()


def provider_own(user: Any) -> Provider:
    """The caller's own provider (PPK roles only)."""
    if user.role in PROVIDER_BOUND_ROLES and user.provider_id:
        return Provider.objects.get(pk=user.provider_id)
    raise NotFound("Pengguna token ini tidak terikat pada PPK.")


def get_for(queryset: QuerySet[Any], pk: Any) -> Model:
    """One object from a scoped queryset, or NotFound (404)."""
    try:
        return queryset.get(pk=int(pk))
    except (ValueError, TypeError, OverflowError):
        raise NotFound() from None
    except queryset.model.DoesNotExist:
        raise NotFound() from None


# --- provider objects (issue 4): the services app's own scoped selectors ----------------
def sjps_for(user: Any) -> QuerySet[Any]:
    from ejamkesda.services.selectors import sjps_visible_to

    return sjps_visible_to(user)


def referrals_for(user: Any) -> QuerySet[Any]:
    from ejamkesda.services.selectors import referrals_visible_to

    return referrals_visible_to(user)


def claims_for(user: Any) -> QuerySet[Any]:
    from ejamkesda.services.selectors import claims_visible_to

    return claims_visible_to(user)


def jobs_for(user: Any) -> QuerySet[Any]:
    from ejamkesda.jobs.selectors import jobs_visible_to

    return jobs_visible_to(user)
