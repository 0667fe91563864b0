"""Reads for the public application (aplikasi umum, seed 000 Pasal 7 ayat 1 huruf a, ayat 2).

``membership_current`` is also meant for other callers (API, SJP): given a person, which
membership answers "is this person covered today?".
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable

from django.db.models import F
from django.utils import timezone

from ejamkesda.participants.models import Membership, MembershipStatus, Person, Programme

# Lower sorts first: an active membership beats any other status, then JKN beats Jamkesda
# (JKN is the national scheme; Jamkesda covers residents JKN does not).
_PROGRAMME_RANK = {Programme.JKN: 0, Programme.JAMKESDA: 1}


def _valid_on(membership: Membership, on: dt.date) -> bool:
    starts_ok = membership.valid_from is None or membership.valid_from <= on
    ends_ok = membership.valid_to is None or membership.valid_to >= on
    return starts_ok and ends_ok


def _rank(membership: Membership) -> tuple[int, int, int, int]:
    return (
        0 if membership.status == MembershipStatus.ACTIVE else 1,
        _PROGRAMME_RANK.get(membership.programme, 2),  # type: ignore[call-overload]
        -(membership.valid_from or dt.date.min).toordinal(),
        -(membership.pk or 0),
    )


def membership_pick(memberships: Iterable[Membership], *, on: dt.date) -> Membership | None:
    """The membership that answers for ``on`` among ``memberships`` (no database access).

    Only memberships valid on that date count (``valid_from``/``valid_to`` inclusive, an
    empty bound is open). Among those: an active one first; then JKN before Jamkesda; then
    the most recent start; then the newest record.
    """
    candidates = [m for m in memberships if _valid_on(m, on)]
    return min(candidates, key=_rank) if candidates else None


def membership_current(person: Person | int, *, on: dt.date | None = None) -> Membership | None:
    """The person's membership valid on ``on`` (today by default), or ``None``.

    A person may hold several memberships over time (issue 2 §3). Preference: valid on
    that date → active status → JKN, then Jamkesda → latest ``valid_from`` → newest row.
    One query; accepts a ``Person`` or its id.
    """
    on = on or timezone.localdate()
    person_id = person if isinstance(person, int) else person.pk
    return membership_pick(Membership.objects.filter(person_id=person_id), on=on)


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
