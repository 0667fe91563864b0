"""Object-level authorisation for the REST API and FHIR: a thin adapter over the ONE access
policy that the web pages use too (``ejamkesda.core.policy``).

Every endpoint that returns or changes an object gets it through ``get_for`` or a
``*_for`` queryset here; a role that may not read that kind of object is 403, anything
outside the caller's scope is a 404 (ids of other providers' objects are not confirmed).
See ``core.policy`` for who sees what (UPT regency-wide; a PPK operator the people tied
to its provider; treasurer, OPD operator and viewer no person records).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet

from ejamkesda.api.errors import Forbidden, NotFound
from ejamkesda.core import policy
from ejamkesda.core.roles import PROVIDER_BOUND_ROLES
from ejamkesda.participants.models import Membership, Person
from ejamkesda.providers.models import Provider

ELIGIBILITY_ROLES = policy.ELIGIBILITY_ROLES
PERSON_READER_ROLES = policy.PERSON_READER_ROLES


def is_regency_wide(user: Any) -> bool:
    return policy.is_regency_wide(user)


def require_role(user: Any, roles: Iterable[str]) -> None:
    if not policy.has_role(user, roles):
        raise Forbidden()


def persons_for(user: Any) -> QuerySet[Person]:
    return policy.persons_visible_to(user)


def memberships_for(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(person__in=persons_for(user))


def person_for(user: Any, pk: Any) -> Person:
    """A person record: 403 for a role without person access, 404 outside the scope."""
    require_role(user, PERSON_READER_ROLES)
    person = get_for(persons_for(user), pk)
    assert isinstance(person, Person)
    return person


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


# --- provider objects: the services app's scoped selectors behind the policy's role gates
def sjps_for(user: Any) -> QuerySet[Any]:
    return policy.sjps_visible_to(user)


def referrals_for(user: Any) -> QuerySet[Any]:
    return policy.referrals_visible_to(user)


def claims_for(user: Any) -> QuerySet[Any]:
    return policy.claims_visible_to(user)


def claim_attachments_for(user: Any, claim: Any) -> QuerySet[Any]:
    return policy.claim_attachments_visible_to(user, claim)


def jobs_for(user: Any) -> QuerySet[Any]:
    from ejamkesda.jobs.selectors import jobs_visible_to

    return jobs_visible_to(user)
