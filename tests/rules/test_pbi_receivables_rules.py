"""Pure rules of the PBI JK changes (Instruksi Bupati Tegal 379/2022 KEDUA 6a), the regency's
PBI JK contribution (KEDUA 2a) and receivables ageing (KEDUA 23i)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ejamkesda.rules.pbi import pair_changes, removal_reason
from ejamkesda.rules.premium import CATEGORY_PBI, CATEGORY_PEMDA, share_budget
from ejamkesda.rules.receivables import age_months, ageing, bucket, may_hand_over, outstanding


@given(
    removals=st.integers(0, 30),
    additions=st.integers(0, 30),
    extra=st.integers(0, 30),
    quota=st.one_of(st.none(), st.integers(0, 80)),
)
def test_pairing_never_exceeds_the_quota_and_loses_nobody(removals, additions, extra, quota):
    current = removals + extra
    result = pair_changes(
        removals=[f"r{i}" for i in range(removals)],
        additions=[f"a{i}" for i in range(additions)],
        current=current,
        quota=quota,
    )
    assert len(result.replacements) + len(result.removals) == removals
    assert len(result.replacements) + len(result.additions) + len(result.over_quota) == additions
    after = result.members_after(current)
    if quota is not None:
        assert after <= max(quota, current - removals)
    else:
        assert not result.over_quota
    # Priority order is kept: the first additions get the places.
    placed = [a for _r, a in result.replacements] + list(result.additions)
    assert placed == [f"a{i}" for i in range(len(placed))]


def test_pairing_example():
    result = pair_changes(removals=["r1", "r2"], additions=["a1", "a2", "a3", "a4"], current=10, quota=11)
    assert result.replacements == (("r1", "a1"), ("r2", "a2"))
    assert result.additions == ("a3",) and result.over_quota == ("a4",)


def test_pairing_refuses_impossible_input():
    with pytest.raises(ValueError):
        pair_changes(removals=["r"], additions=[], current=0, quota=5)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"died": True, "in_population": False}, "died"),
        ({"in_population": False}, "moved_out"),
        ({"duplicate": True, "in_register": False}, "duplicate"),
        ({"in_register": False}, "not_in_register"),
        ({"decile": 5}, "decile_rose"),
        ({"decile": 4}, None),
    ],
)
def test_removal_reason_order(kwargs, expected):
    base = {"died": False, "in_population": True, "duplicate": False, "in_register": True, "decile": 2, "threshold": 4}
    assert removal_reason(**(base | kwargs)) == expected


def test_pbi_contribution_category_in_the_budget():
    budget = share_budget(
        counts={CATEGORY_PBI: 1_000, CATEGORY_PEMDA: 10},
        start=dt.date(2026, 1, 1),
        months=12,
        pbi_regional=5_000,
        pbi_source="Keputusan uji",
    )
    assert budget.by_category()[CATEGORY_PBI] == 1_000 * 5_000 * 12
    line = next(line for line in budget.lines if line.category == CATEGORY_PBI)
    assert line.share.central == 42_000 - 5_000 and line.share.source == "Keputusan uji"
    assert budget.total == 1_000 * 5_000 * 12 + 10 * 42_000 * 12
    assert sum(budget.by_month().values()) == budget.total
    with pytest.raises(ValueError):
        share_budget(counts={CATEGORY_PBI: 1}, start=dt.date(2026, 1, 1), months=1, pbi_regional=50_000)
    with pytest.raises(ValueError):
        share_budget(counts={CATEGORY_PBI: 1}, start=dt.date(2026, 1, 1), months=1, pbi_regional=-1)


@pytest.mark.parametrize(
    ("age", "expected"), [(0, "0-3"), (2, "0-3"), (3, "3-6"), (5, "3-6"), (6, "6-12"), (12, "6-12"), (13, ">12")]
)
def test_ageing_buckets(age, expected):
    assert bucket(age) == expected


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 10**9)), max_size=30))
def test_ageing_adds_up(items):
    as_of = dt.date(2026, 12, 15)
    months = [(_back(as_of, m), amount) for m, amount in items]
    totals = ageing(months, as_of)
    assert sum(totals.values()) == sum(amount for _m, amount in items)
    for (month, amount), (m, _a) in zip(months, items, strict=True):
        assert age_months(month, as_of) == m
        assert amount >= 0


def _back(as_of: dt.date, months: int) -> dt.date:
    index = as_of.year * 12 + as_of.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def test_outstanding_and_hand_over_rule():
    assert outstanding(billed=100, paid=30, written_off=20) == 50
    assert outstanding(billed=100, paid=130) == 0
    assert not may_hand_over(attempts=1, amount=50, minimum_attempts=2)
    assert may_hand_over(attempts=2, amount=50, minimum_attempts=2)
    assert not may_hand_over(attempts=5, amount=0, minimum_attempts=2)
    assert not may_hand_over(attempts=0, amount=10, minimum_attempts=0)
