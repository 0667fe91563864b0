"""Runs over several months, computed month by month (Perbup Kapuas Hulu 9/2015 Pasal 20).

"Jasa pelayanan tahunan dibayarkan berdasarkan kehadiran setiap bulan pada tahun
sebelumnya": each month is computed on its own, with that month's variables (status, role,
type, years of service at the month's last day), that month's attendance and lateness (blocks
of 420 minutes counted within the month) and that month's points. A person's points for the
run are the sum of the monthly points; the pool is shared on the sums, exact to the rupiah.
A month in which someone was not employed gives 0 points. Tax follows the status and grade of
the last month worked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ejamkesda.rules.formula import Formula, parse_formula
from ejamkesda.rules.jaspel import (
    CalculationError,
    StaffInput,
    StaffResult,
    points_for,
    resolve_pool,
    share_out,
    variables_for,
)
from ejamkesda.rules.profile import Profile


def month_end(month: dt.date) -> dt.date:
    following = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from ``first`` to ``last`` (both included)."""
    months: list[dt.date] = []
    current = first.replace(day=1)
    while current <= last:
        months.append(current)
        current = month_end(current) + dt.timedelta(days=1)
    return months


@dataclass(frozen=True)
class PersonMonths:
    """One person over the run: ``months[i]`` is the input for the run's i-th month, or
    ``None`` when the person was not employed that month."""

    id: str
    nama: str
    months: tuple[StaffInput | None, ...]


@dataclass
class MonthResult:
    bulan: dt.date
    employed: bool
    variables: dict[str, int]
    explanations: dict[str, str]
    points: Fraction


@dataclass
class RangeResult(StaffResult):
    months: list[MonthResult] = field(default_factory=list)


@dataclass
class RangeCalculation:
    profile_id: str
    formula: str
    pool: int
    total_points: Fraction
    months: list[dt.date]
    results: list[RangeResult]
    revenue: int | None = None
    split: list[tuple[str, str, int]] = field(default_factory=list)


NOT_EMPLOYED = "tidak bekerja pada bulan ini = 0 poin"


def calculate_range(
    *,
    profile: Profile,
    people: Sequence[PersonMonths],
    months: Sequence[dt.date],
    pool: int | None = None,
    revenue: int | None = None,
    formula: str | Formula | None = None,
    cases: Sequence[int] | None = None,
    method: str | None = None,
) -> RangeCalculation:
    """Points month by month, summed per person, and the pool shared on the sums.

    ``cases`` (non-capitation, summed over the months) works as in :func:`jaspel.calculate`.
    """
    if profile.range_method != "bulanan":
        raise CalculationError(f"Cara menghitung rentang bulan '{profile.range_method}' tidak dikenal.")
    if not months:
        raise CalculationError("Rentang bulan kosong.")
    pool, split = resolve_pool(profile, pool=pool, revenue=revenue)
    compiled = parse_formula(formula) if isinstance(formula, str) else (formula or profile.formula)
    ends = [month_end(month) for month in months]
    seen: set[str] = set()
    results: list[RangeResult] = []
    for person in people:
        if person.id in seen:
            raise CalculationError(f"ID pegawai '{person.id}' muncul lebih dari sekali.")
        seen.add(person.id)
        if len(person.months) != len(months):
            raise CalculationError(f"Data bulanan {person.nama} tidak sama panjang dengan rentang bulan.")
        monthly: list[MonthResult] = []
        total = Fraction(0)
        last: StaffInput | None = None
        for month, end, item in zip(months, ends, person.months, strict=True):
            if item is None:
                monthly.append(MonthResult(month, False, {}, {"bulan": NOT_EMPLOYED}, Fraction(0)))
                continue
            values, why = variables_for(item, profile, end)
            points = points_for(compiled, values, item)
            monthly.append(MonthResult(month, True, values, why, points))
            total += points
            last = item
        if last is None:
            raise CalculationError(f"{person.nama} tidak bekerja pada bulan mana pun dalam rentang ini.")
        results.append(RangeResult(staff=last, variables={}, explanations={}, points=total, months=monthly))
    share_out(profile, pool, results, cases=cases, method=method)
    return RangeCalculation(
        profile_id=profile.id,
        formula=compiled.text,
        pool=pool,
        total_points=sum((result.points for result in results), Fraction(0)),
        months=list(months),
        results=results,
        revenue=revenue,
        split=split,
    )
