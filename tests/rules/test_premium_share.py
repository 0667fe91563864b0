"""Instruksi Bupati Tegal 379/2022 KEDUA angka 1 huruf a: full premium of PBPU/BP Pemda residents plus the
regency's share of the bantuan iuran (partial subsidy) of self-paying PBPU/BP class 3."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ejamkesda.rules.premium import (
    CATEGORIES,
    CATEGORY_BP,
    CATEGORY_PBI,
    CATEGORY_PBPU,
    CATEGORY_PEMDA,
    DEFAULT_SUBSIDIES,
    Contribution,
    NoRate,
    Rate,
    add_months,
    contribution_on,
    premium_budget,
    share_budget,
)

counts = st.integers(min_value=0, max_value=2_000_000)
months = st.integers(min_value=0, max_value=36)
starts = st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2030, 12, 1))


def test_worked_example_2021():
    budget = share_budget(
        counts={CATEGORY_PEMDA: 1_000, CATEGORY_PBPU: 200, CATEGORY_BP: 50}, start=dt.date(2021, 1, 1), months=12
    )
    assert budget.by_category() == {
        CATEGORY_PBI: 0,
        CATEGORY_PEMDA: 1_000 * 42_000 * 12,
        CATEGORY_PBPU: 200 * 2_800 * 12,
        CATEGORY_BP: 50 * 2_800 * 12,
    }
    assert budget.total == 504_000_000 + 6_720_000 + 1_680_000
    line = next(line for line in budget.lines if line.category == CATEGORY_PBPU)
    assert (line.share.participant, line.share.central, line.share.regional) == (35_000, 4_200, 2_800)


def test_schedule_changes_inside_the_budget_year():
    budget = share_budget(counts={CATEGORY_PBPU: 10}, start=dt.date(2020, 11, 1), months=4)
    assert list(budget.by_month().values()) == [0, 0, 28_000, 28_000]  # 2020: Pusat paid all of it


def test_no_schedule_before_the_first_is_an_error_only_when_someone_is_counted():
    with pytest.raises(NoRate):
        share_budget(counts={CATEGORY_BP: 1}, start=dt.date(2019, 1, 1), months=1)
    assert share_budget(counts={CATEGORY_PEMDA: 1}, start=dt.date(2019, 1, 1), months=1).total == 23_000


def test_parts_must_add_up_and_not_be_negative():
    with pytest.raises(ValueError, match="harus sama"):
        Contribution(dt.date(2024, 1, 1), 42_000, 35_000, 4_200, 2_000)
    with pytest.raises(ValueError, match="negatif"):
        Contribution(dt.date(2024, 1, 1), 42_000, 43_000, -1_000, 0)
    with pytest.raises(ValueError, match="kategori"):
        share_budget(counts={"pbi": 1}, start=dt.date(2024, 1, 1), months=1)


@given(pemda=counts, pbpu=counts, bp=counts, n=months, start=starts)
def test_totals_are_exact_and_consistent(pemda, pbpu, bp, n, start):
    budget = share_budget(counts={CATEGORY_PEMDA: pemda, CATEGORY_PBPU: pbpu, CATEGORY_BP: bp}, start=start, months=n)
    assert budget.total == sum(budget.by_category().values()) == sum(budget.by_month().values())
    assert len(budget.lines) == n * len(CATEGORIES)
    for line in budget.lines:
        assert line.regional_amount + line.central_amount + line.participant_amount == line.premium_amount
        assert 0 <= line.regional_amount <= line.premium_amount
    # clause (1) is the same arithmetic as the single-category budget
    assert budget.by_category()[CATEGORY_PEMDA] == premium_budget(count=pemda, start=start, months=n).total


@given(a=counts, b=counts, n=months, start=starts)
def test_more_people_never_cost_less(a, b, n, start):
    low, high = sorted((a, b))
    cheap = share_budget(counts={CATEGORY_PBPU: low, CATEGORY_BP: low}, start=start, months=n)
    dear = share_budget(counts={CATEGORY_PBPU: high, CATEGORY_BP: high}, start=start, months=n)
    assert cheap.total <= dear.total


@given(n=st.integers(min_value=1, max_value=24), start=starts, heads=counts)
def test_subsidy_uses_the_schedule_in_force_each_month(n, start, heads):
    schedule = (
        *DEFAULT_SUBSIDIES,
        Contribution(dt.date(2026, 1, 1), 42_000, 35_000, 0, 7_000, "Pemda menanggung semua"),
    )
    budget = share_budget(counts={CATEGORY_BP: heads}, start=start, months=n, subsidies=schedule)
    for offset, amount in enumerate(budget.by_month().values()):
        month = add_months(start.replace(day=1), offset)
        assert amount == heads * contribution_on(month, schedule).regional


@given(per_month=st.lists(counts, min_size=1, max_size=12), start=starts)
def test_one_count_per_month(per_month, start):
    budget = share_budget(counts={CATEGORY_PBPU: per_month}, start=start, months=len(per_month))
    assert budget.counts()[CATEGORY_PBPU] == sum(per_month)
    rates = [Rate(dt.date(2020, 1, 1), 42_000)]
    assert share_budget(counts={}, start=start, months=len(per_month), rates=rates).total == 0
