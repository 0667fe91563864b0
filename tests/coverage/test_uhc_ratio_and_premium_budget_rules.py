from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ejamkesda.rules.coverage import Targets, coverage, percent
from ejamkesda.rules.premium import (
    DEFAULT_RATES,
    NoRate,
    Rate,
    add_months,
    premium_budget,
    rate_on,
    receivable,
    reconcile,
)


def test_targets_at_exact_boundaries():
    assert coverage(100, 95, 50).uhc_reached
    assert not coverage(100, 94, 94).uhc_reached
    assert coverage(100, 98, 79).uhc_priority  # 79/98 = 80.6%
    assert coverage(100, 98, 78).uhc_priority is False  # 78/98 = 79.6%
    assert coverage(1000, 980, 784).uhc_priority  # 784/980 = 80% exactly
    assert not coverage(1000, 979, 979).uhc_priority
    assert coverage(0, 0, 0).registered_percent is None and not coverage(0, 0, 0).uhc_reached


def test_active_basis_option():
    targets = Targets(target_basis="active")
    assert not coverage(100, 100, 94, targets).uhc_reached
    assert coverage(100, 100, 95, targets).uhc_reached


def test_gap_to_target():
    assert coverage(1000, 900, 900).gap_to_target == 50
    assert coverage(1001, 950, 950).gap_to_target == 1  # 95% of 1001 = 950.95 → 951
    assert coverage(10, 10, 10).gap_to_target == 0


@given(st.integers(0, 10**7), st.integers(0, 10**7), st.integers(0, 10**7))
def test_coverage_properties(population, registered, active):
    figures = coverage(population, registered, active)
    assert 0 <= figures.active <= figures.registered <= figures.population
    if population:
        assert Decimal(0) <= figures.registered_percent <= Decimal(100)
        # Reaching the gap exactly reaches the target, one fewer does not.
        if figures.gap_to_target:
            basis = figures.registered + figures.gap_to_target
            assert coverage(population, basis, 0).uhc_reached
            assert not coverage(population, basis - 1, 0).uhc_reached
    if figures.uhc_priority:
        assert figures.uhc_reached


def test_percent_rounding():
    assert percent(1, 3) == Decimal("33.33")
    assert percent(2, 3) == Decimal("66.67")
    with pytest.raises(ValueError):
        percent(-1, 3)


def test_rate_by_effective_date():
    assert rate_on(dt.date(2019, 12, 31), DEFAULT_RATES).monthly_rupiah == 23_000
    assert rate_on(dt.date(2020, 1, 1), DEFAULT_RATES).monthly_rupiah == 42_000
    with pytest.raises(NoRate):
        rate_on(dt.date(2018, 12, 1), DEFAULT_RATES)


def test_budget_crosses_a_rate_change():
    rates = [Rate(dt.date(2026, 1, 1), 42_000), Rate(dt.date(2026, 7, 1), 50_000)]
    budget = premium_budget(count=1000, start=dt.date(2026, 5, 15), months=4, rates=rates)
    assert [line.month for line in budget.lines] == [
        dt.date(2026, 5, 1),
        dt.date(2026, 6, 1),
        dt.date(2026, 7, 1),
        dt.date(2026, 8, 1),
    ]
    assert [line.rate for line in budget.lines] == [42_000, 42_000, 50_000, 50_000]
    assert budget.total == 1000 * (2 * 42_000 + 2 * 50_000)


def test_budget_per_month_counts_and_errors():
    budget = premium_budget(count=[10, 20], start=dt.date(2026, 12, 1), months=2)
    assert budget.total == 30 * 42_000 and budget.lines[1].month == dt.date(2027, 1, 1)
    with pytest.raises(ValueError):
        premium_budget(count=[1], start=dt.date(2026, 1, 1), months=2)
    with pytest.raises(ValueError):
        premium_budget(count=-1, start=dt.date(2026, 1, 1), months=1)


@given(st.integers(0, 10**6), st.integers(0, 48), st.dates(dt.date(2020, 1, 1), dt.date(2040, 1, 1)))
def test_budget_is_integer_and_additive(count, months, start):
    budget = premium_budget(count=count, start=start, months=months)
    assert isinstance(budget.total, int)
    assert budget.total == count * 42_000 * months
    assert len(budget.lines) == months


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)), st.integers(-600, 600))
def test_add_months_round_trip(day, months):
    assert add_months(add_months(day, months), -months) == day.replace(day=1)


def test_reconcile_lists_differences_both_ways():
    result = reconcile(
        billed_ids=["A", "B", "C", "C"], system_ids=["B", "C", "D"], billed_amount=4 * 42_000, rate=42_000
    )
    assert result.only_on_bill == ("A",) and result.only_in_system == ("D",)
    assert result.billed_count == 4 and result.system_count == 3
    assert result.amount_difference == 42_000 and not result.matches
    same = reconcile(billed_ids=["A"], system_ids=["A"], billed_amount=42_000, rate=42_000)
    assert same.matches


def test_receivable():
    assert receivable(billed=100, paid=40) == 60
    assert receivable(billed=100, paid=120) == -20
