"""The one rule for "covered on date D" (ejamkesda/rules/coverage.py, ``coverage_on``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from ejamkesda.rules.coverage import (
    PROGRAMME_JAMKESDA,
    PROGRAMME_JKN,
    REASON_COVERED,
    REASON_DECEASED,
    REASON_NONE,
    REASON_NOT_COVERING,
    STATUS_ACTIVE,
    STATUS_ENDED,
    coverage_on,
    membership_covers,
    statuses_covering_without_dates,
)

D = dt.date(2025, 6, 15)
DAY = dt.timedelta(days=1)
STATUSES = ("aktif", "nonaktif", "menunggak", "ditangguhkan", "berakhir")


@dataclass(frozen=True)
class M:
    programme: str = PROGRAMME_JAMKESDA
    status: str = STATUS_ACTIVE
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source_date: dt.date | None = None
    pk: int | None = None


def test_constants_match_the_register():
    from ejamkesda.participants.models import MembershipStatus, Programme

    assert (MembershipStatus.ACTIVE.value, MembershipStatus.ENDED.value) == (STATUS_ACTIVE, STATUS_ENDED)
    assert (Programme.JKN.value, Programme.JAMKESDA.value) == (PROGRAMME_JKN, PROGRAMME_JAMKESDA)
    assert set(STATUSES) == set(MembershipStatus.values)


def test_active_membership_covers_inside_its_dates_only():
    m = M(valid_from=D - 10 * DAY, valid_to=D + 10 * DAY)
    assert coverage_on([m], D).membership == m
    assert coverage_on([m], D - 10 * DAY).covered  # both ends inclusive
    assert coverage_on([m], D + 10 * DAY).covered
    assert coverage_on([m], D + 11 * DAY).reason == REASON_NONE
    assert coverage_on([m], D - 11 * DAY).reason == REASON_NONE


def test_open_dates_cover_every_day():
    assert coverage_on([M()], dt.date(1990, 1, 1)).covered


def test_ended_membership_covered_the_days_inside_its_dates():
    ended = M(status=STATUS_ENDED, valid_from=D - 30 * DAY, valid_to=D)
    assert coverage_on([ended], D).covered
    assert coverage_on([ended], D - 30 * DAY).covered
    after = coverage_on([ended], D + DAY)
    assert not after.covered and after.reason == REASON_NONE


def test_ended_membership_without_an_end_date_covers_nothing():
    decision = coverage_on([M(status=STATUS_ENDED, valid_from=D - 30 * DAY)], D)
    assert not decision.covered and decision.reason == REASON_NOT_COVERING


def test_suspended_inactive_and_arrears_cover_nothing_but_are_shown():
    for status in ("ditangguhkan", "nonaktif", "menunggak"):
        m = M(status=status, valid_from=D - DAY, valid_to=D + DAY)
        decision = coverage_on([m], D)
        assert not decision.covered
        assert decision.reason == REASON_NOT_COVERING
        assert decision.in_dates == m
        assert decision.membership is None


def test_the_day_of_death_is_covered_the_day_after_is_not():
    m = M()
    assert coverage_on([m], D, deceased_on=D).covered
    assert coverage_on([m], D - DAY, deceased_on=D).covered
    after = coverage_on([m], D + DAY, deceased_on=D)
    assert not after.covered and after.reason == REASON_DECEASED and after.covering == ()


def test_membership_starting_on_the_day_covers_it_not_the_day_before():
    m = M(valid_from=D)
    assert coverage_on([m], D).covered
    assert not coverage_on([m], D - DAY).covered


def test_overlapping_memberships_jkn_answers_first_both_listed():
    jamkesda = M(programme=PROGRAMME_JAMKESDA, valid_from=D - 5 * DAY, pk=2)
    jkn = M(programme=PROGRAMME_JKN, valid_from=D - 50 * DAY, pk=1)
    decision = coverage_on([jamkesda, jkn], D)
    assert decision.membership == jkn
    assert decision.covering == (jkn, jamkesda)
    assert decision.by_programme(PROGRAMME_JAMKESDA) == jamkesda
    assert decision.by_programme(PROGRAMME_JKN) == jkn


def test_two_memberships_of_one_programme_latest_data_then_latest_start_then_newest():
    old = M(valid_from=D - 50 * DAY, pk=1)
    new = M(valid_from=D - 5 * DAY, pk=2)
    assert coverage_on([old, new], D).membership == new
    fresher = M(valid_from=D - 90 * DAY, source_date=D, pk=3)
    assert coverage_on([old, new, fresher], D).membership == fresher
    twin = M(valid_from=D - 5 * DAY, pk=9)
    assert coverage_on([new, twin], D).membership == twin


def test_active_before_ended_and_covering_before_suspended():
    ended = M(status=STATUS_ENDED, valid_from=D - DAY, valid_to=D + DAY, pk=5)
    active = M(valid_from=D - 90 * DAY, pk=1)
    assert coverage_on([ended, active], D).membership == active
    suspended_jkn = M(programme=PROGRAMME_JKN, status="ditangguhkan")
    decision = coverage_on([suspended_jkn, active], D)
    assert decision.membership == active
    assert decision.by_programme(PROGRAMME_JKN) is None


def test_no_memberships():
    decision = coverage_on([], D)
    assert (decision.covered, decision.reason, decision.membership, decision.in_dates) == (
        False,
        REASON_NONE,
        None,
        None,
    )


def test_undated_rows_cover_only_when_active():
    assert statuses_covering_without_dates(STATUSES) == {STATUS_ACTIVE}


# --- Properties ------------------------------------------------------------------------

dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))
memberships = st.builds(
    M,
    programme=st.sampled_from([PROGRAMME_JKN, PROGRAMME_JAMKESDA]),
    status=st.sampled_from(STATUSES),
    valid_from=st.none() | dates,
    valid_to=st.none() | dates,
    source_date=st.none() | dates,
    pk=st.integers(1, 10_000),
)


@given(st.lists(memberships, max_size=6), dates, st.none() | dates)
def test_covered_iff_some_membership_covers_and_alive(ms, on, deceased_on):
    decision = coverage_on(ms, on, deceased_on=deceased_on)
    alive = deceased_on is None or on <= deceased_on
    assert decision.covered == (alive and any(membership_covers(m, on) for m in ms))
    assert decision.covered == (decision.reason == REASON_COVERED)
    assert decision.covered == (decision.membership is not None)


@given(st.lists(memberships, max_size=6), dates)
def test_answer_does_not_depend_on_the_order_given(ms, on):
    forward, backward = coverage_on(ms, on), coverage_on(list(reversed(ms)), on)
    assert forward.covered == backward.covered
    assert (forward.membership is None) == (backward.membership is None)
    if forward.membership is not None and len({m.pk for m in ms}) == len(ms):
        assert forward.membership == backward.membership


@given(st.lists(memberships, max_size=6), dates)
def test_jkn_answers_whenever_a_jkn_membership_covers(ms, on):
    decision = coverage_on(ms, on)
    if decision.by_programme(PROGRAMME_JKN) is not None:
        assert decision.membership.programme == PROGRAMME_JKN
    assert all(membership_covers(m, on) for m in decision.covering)
    assert all(m.programme in (PROGRAMME_JKN, PROGRAMME_JAMKESDA) for m in decision.covering)


@given(memberships, dates, st.integers(1, 400))
def test_an_ended_membership_covers_as_if_active_inside_its_dates(m, on, span):
    start = on - dt.timedelta(days=span)
    ended = M(status=STATUS_ENDED, valid_from=start, valid_to=on, programme=m.programme)
    active = M(status=STATUS_ACTIVE, valid_from=start, valid_to=on, programme=m.programme)
    for day in (start, on, start + (on - start) / 2):
        assert membership_covers(ended, day) == membership_covers(active, day) is True
    assert not membership_covers(ended, on + DAY)


@given(st.lists(memberships, max_size=6), dates, dates)
def test_death_only_removes_days_after_it(ms, on, deceased_on):
    with_death = coverage_on(ms, on, deceased_on=deceased_on)
    without = coverage_on(ms, on)
    if on <= deceased_on:
        assert with_death == without
    else:
        assert not with_death.covered
