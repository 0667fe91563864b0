"""Reads for the public application (aplikasi umum, Perbup PPU 29/2016 Pasal 7 ayat 1 huruf a, ayat 2).

Whether a person is covered is decided by the one coverage rule,
``ejamkesda.rules.coverage.coverage_on``, as for every other channel.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable

from django.db.models import F
from django.utils import timezone

from ejamkesda.participants.models import Membership, Person
from ejamkesda.participants.selectors import coverage_for
from ejamkesda.rules.coverage import CoverageDecision, coverage_on


def membership_pick(memberships: Iterable[Membership], *, on: dt.date) -> Membership | None:
    """The membership that answers for ``on`` among ``memberships`` (no database access).

    The coverage rule (``ejamkesda.rules.coverage.coverage_on``) decides: the membership
    that covers ``on`` (JKN first); when none does, the one whose dates hold ``on`` (to
    show its status).
    """
    decision = coverage_on(memberships, on)
    return decision.membership or decision.in_dates


def coverage_current(person: Person | int, *, on: dt.date | None = None) -> CoverageDecision[Membership]:
    """Whether the person is covered on ``on`` (today by default), per the coverage rule."""
    return coverage_for(person, on or timezone.localdate())


def membership_current(person: Person | int, *, on: dt.date | None = None) -> Membership | None:
    """The person's membership that answers for ``on`` (today by default), or ``None``.

    The covering membership (JKN first), else the one whose dates hold ``on``.
    """
    decision = coverage_current(person, on=on)
    return decision.membership or decision.in_dates


def membership_latest(person: Person | int) -> Membership | None:
    """The most recent membership whatever its dates (to explain an expired coverage)."""
    person_id = person if isinstance(person, int) else person.pk
    return (
        Membership.objects.filter(person_id=person_id)
        .order_by(
            # An open end (NULL) is the most recent; the same order on SQLite and PostgreSQL.
            F("valid_to").desc(nulls_first=True),
            F("valid_from").desc(nulls_last=True),
            "-id",
        )
        .first()
    )


def person_for_public_check(*, nik: str, birth_date: dt.date) -> Person | None:
    """The person with this NIK *and* birth date, else ``None``.

    Unknown NIK and wrong birth date are indistinguishable to the caller: both return
    ``None`` after the same single query and a constant-time comparison.
    """
    person = Person.objects.filter(nik=nik).only("id", "name", "birth_date", "deceased").first()
    stored = person.birth_date.isoformat() if person is not None else "0000-00-00"
    matches = hmac.compare_digest(stored.encode(), birth_date.isoformat().encode())
    return person if person is not None and matches else None
