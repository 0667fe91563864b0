"""Reads of the participant register."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Prefetch, QuerySet

from ejamkesda.core import policy
from ejamkesda.participants.models import Membership, Person, name_key
from ejamkesda.rules.coverage import CoverageDecision, coverage_on


def persons_visible_to(user: Any) -> QuerySet[Person]:
    """The people whose record the user may read: the one access policy (core.policy)."""
    return policy.persons_visible_to(user)


def persons_search(
    *,
    user: Any,
    nik: str = "",
    kk_number: str = "",
    name: str = "",
    village_code: str = "",
    district_code: str = "",
    programme: str = "",
) -> QuerySet[Person]:
    """Search by NIK (exact), KK (exact) or name prefix, filtered by village/district/programme.

    Every branch uses an index (unique NIK, KK index, name_key prefix index), so search
    stays fast on two million people: no full scan.
    """
    if not policy.can_search_persons(user):
        return Person.objects.none()
    people = persons_visible_to(user).select_related("village")
    if nik:
        people = people.filter(nik=nik.strip())
    if kk_number:
        people = people.filter(kk_number=kk_number.strip())
    if name:
        key = name_key(name)
        if connection.vendor == "postgresql":
            # Served by the varchar_pattern_ops index person_name_prefix.
            people = people.filter(name_key__startswith=key)
        else:
            # A range on the plain B-tree index; SQLite's LIKE would not use it.
            people = people.filter(name_key__gte=key, name_key__lt=key + "\uffff")
    if village_code:
        people = people.filter(village_id=village_code)
    elif district_code:
        people = people.filter(village__parent_id=district_code)
    if programme:
        people = people.filter(memberships__programme=programme).distinct()
    return people.order_by("name_key", "id")


def person_detail(*, user: Any, person_id: int) -> Person:
    """One person with memberships: 403 for a role without person access, 404 out of scope."""
    memberships = Membership.objects.order_by("-valid_from", "-id")
    return policy.person_get(
        user,
        person_id,
        refine=lambda people: people.select_related("village", "village__parent").prefetch_related(
            Prefetch("memberships", queryset=memberships)
        ),
    )


def coverage_for(person: Person | int, on: dt.date) -> CoverageDecision[Membership]:
    """Whether the person is covered on ``on`` and by which membership.

    The one coverage rule (``ejamkesda.rules.coverage.coverage_on``) applied to the person's
    memberships and date of death. One query for the memberships, one more for the date of
    death when given an id rather than a ``Person``.
    """
    if isinstance(person, Person):
        person_id, deceased_on = person.pk, person.deceased_on
    else:
        person_id = person
        deceased_on = Person.objects.filter(pk=person_id).values_list("deceased_on", flat=True).first()
    return coverage_on(Membership.objects.filter(person_id=person_id), on, deceased_on=deceased_on)
