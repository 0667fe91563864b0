"""membership_current: which membership answers "covered today?" (docs/portal-publik.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ejamkesda.participants.models import Membership, MembershipStatus, Programme
from ejamkesda.portal.selectors import (
    membership_current,
    membership_latest,
    membership_pick,
    person_for_public_check,
)
from ejamkesda.rules.coverage import membership_covers
from tests.factories import MembershipFactory, PersonFactory

TODAY = dt.date(2026, 6, 1)


@pytest.mark.django_db
def test_prefers_active_jkn_then_jamkesda_and_ignores_invalid_dates():
    person = PersonFactory()
    MembershipFactory(
        person=person, programme=Programme.JKN, status=MembershipStatus.ACTIVE, valid_to=dt.date(2025, 12, 31)
    )
    jamkesda = MembershipFactory(person=person, programme=Programme.JAMKESDA, status=MembershipStatus.ACTIVE)
    MembershipFactory(person=person, programme=Programme.JKN, status=MembershipStatus.INACTIVE)
    assert membership_current(person, on=TODAY) == jamkesda
    jkn = MembershipFactory(person=person, programme=Programme.JKN, status=MembershipStatus.ACTIVE)
    assert membership_current(person, on=TODAY) == jkn
    assert membership_current(person.pk, on=TODAY) == jkn
    # Not yet started.
    jkn.valid_from = dt.date(2026, 7, 1)
    jkn.save()
    assert membership_current(person, on=TODAY) == jamkesda


@pytest.mark.django_db
def test_inactive_only_is_still_the_answer_and_none_without_memberships():
    person = PersonFactory()
    assert membership_current(person, on=TODAY) is None
    assert membership_latest(person) is None
    inactive = MembershipFactory(person=person, status=MembershipStatus.ARREARS)
    assert membership_current(person, on=TODAY) == inactive


@pytest.mark.django_db
def test_bounds_are_inclusive_and_latest_prefers_open_end():
    person = PersonFactory()
    ended = MembershipFactory(person=person, valid_from=dt.date(2025, 1, 1), valid_to=TODAY)
    assert membership_current(person, on=TODAY) == ended
    assert membership_current(person, on=TODAY + dt.timedelta(days=1)) is None
    assert membership_latest(person) == ended
    open_end = MembershipFactory(person=person, valid_from=dt.date(2020, 1, 1), valid_to=None)
    assert membership_latest(person) == open_end


@pytest.mark.django_db
def test_public_lookup_needs_both_nik_and_birth_date():
    person = PersonFactory()
    assert person_for_public_check(nik=person.nik, birth_date=person.birth_date) == person
    assert person_for_public_check(nik=person.nik, birth_date=dt.date(1999, 1, 1)) is None
    assert person_for_public_check(nik="6409010703850999", birth_date=person.birth_date) is None


dates = st.one_of(st.none(), st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2028, 12, 31)))
memberships = st.lists(
    st.builds(
        lambda pk, programme, status, start, end: Membership(
            pk=pk, programme=programme, status=status, valid_from=start, valid_to=end
        ),
        st.integers(min_value=1, max_value=10_000),
        st.sampled_from(list(Programme)),
        st.sampled_from(list(MembershipStatus)),
        dates,
        dates,
    ),
    max_size=8,
)


def _valid(m: Membership, on: dt.date) -> bool:
    return (m.valid_from is None or m.valid_from <= on) and (m.valid_to is None or m.valid_to >= on)


@given(memberships, st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2028, 12, 31)))
def test_pick_is_valid_and_nothing_valid_is_preferable(items, on):
    chosen = membership_pick(items, on=on)
    valid = [m for m in items if _valid(m, on)]
    if not valid:
        assert chosen is None
        return
    assert chosen is not None and _valid(chosen, on)
    # The coverage rule decides: a covering membership first (an ended one still covers
    # the days inside its dates), JKN before Jamkesda among those.
    covering = [m for m in valid if membership_covers(m, on)]
    if covering:
        assert membership_covers(chosen, on)
        if any(m.programme == Programme.JKN for m in covering):
            assert chosen.programme == Programme.JKN
    # Order of the input does not matter.
    assert membership_pick(list(reversed(items)), on=on) is chosen or (
        membership_pick(list(reversed(items)), on=on).pk == chosen.pk
    )
