"""Reading the staff history back: the value on a day is the latest state on or before it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from ejamkesda.funds.staff_history import state_on


@given(
    starts=st.lists(st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)), min_size=1, max_size=12, unique=True),
    day=st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
)
def test_state_on_is_the_latest_state_on_or_before_the_day(starts, day):
    states = [SimpleNamespace(valid_from=start) for start in sorted(starts)]
    found = state_on(states, day)  # type: ignore[arg-type]
    earlier = [state for state in states if state.valid_from <= day]
    assert found is (earlier[-1] if earlier else states[0])


def test_no_history_reads_as_none():
    assert state_on([], dt.date(2025, 1, 1)) is None
