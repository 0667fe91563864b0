"""Premiums (iuran) for residents the regency registers (PBPU/BP Pemda, class 3).

Seed 002 (Instruksi Bupati Tegal 379/2022) KEDUA angka 1 huruf a, angka 2 huruf b and
angka 5 huruf a: the regency plans, budgets and pays the premium of residents it
registers as PBPU/BP with class-3 benefits; angka 23 huruf i: receivables of those
premiums are collected with the finance agency. Budget = count × monthly rate × months,
where the rate is the one in force in each month.

The rates are national (Perpres on Jaminan Kesehatan), not in the seeds: the defaults
below (Perpres 82/2018 Pasal 29: Rp23.000; Perpres 75/2019 Pasal 29 as amended by Perpres
64/2020 Pasal 29: Rp42.000 for PBI and residents registered by a regional government from
1 January 2020) must be checked against the Perpres in force and are editable in the app.
Money is integer rupiah.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rate:
    effective_from: dt.date
    monthly_rupiah: int
    source: str = ""


DEFAULT_RATES: tuple[Rate, ...] = (
    Rate(dt.date(2019, 1, 1), 23_000, "Perpres 82/2018 Pasal 29 (periksa peraturan berlaku)"),
    Rate(dt.date(2020, 1, 1), 42_000, "Perpres 75/2019 jo. Perpres 64/2020 Pasal 29 (periksa peraturan berlaku)"),
)


class NoRate(ValueError):
    """No premium rate is in force on the month asked for."""


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def rate_on(month: dt.date, rates: Iterable[Rate]) -> Rate:
    """The rate in force on the first day of ``month`` (latest effective_from ≤ that day)."""
    first = month_start(month)
    best: Rate | None = None
    for rate in rates:
        if rate.monthly_rupiah < 0:
            raise ValueError("tarif iuran tidak boleh negatif")
        if rate.effective_from <= first and (best is None or rate.effective_from > best.effective_from):
            best = rate
    if best is None:
        raise NoRate(f"tidak ada tarif iuran yang berlaku pada {first:%m-%Y}")
    return best


@dataclass(frozen=True, slots=True)
class BudgetLine:
    month: dt.date
    count: int
    rate: int
    amount: int


@dataclass(frozen=True, slots=True)
class Budget:
    lines: tuple[BudgetLine, ...]

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def premium_budget(
    *, count: int | Sequence[int], start: dt.date, months: int, rates: Iterable[Rate] = DEFAULT_RATES
) -> Budget:
    """count × monthly rate (in force that month) × months, one line per month.

    ``count`` is either one head-count for every month or one per month (a projection).
    """
    if months < 0:
        raise ValueError("jumlah bulan tidak boleh negatif")
    rate_list = list(rates)
    counts = [count] * months if isinstance(count, int) else list(count)
    if len(counts) != months:
        raise ValueError("jumlah data peserta per bulan harus sama dengan jumlah bulan")
    lines = []
    for offset, heads in enumerate(counts):
        if heads < 0:
            raise ValueError("jumlah peserta tidak boleh negatif")
        month = add_months(month_start(start), offset)
        rate = rate_on(month, rate_list).monthly_rupiah
        lines.append(BudgetLine(month=month, count=heads, rate=rate, amount=heads * rate))
    return Budget(lines=tuple(lines))


@dataclass(frozen=True, slots=True)
class Reconciliation:
    billed_count: int
    system_count: int
    billed_amount: int
    expected_amount: int
    only_on_bill: tuple[str, ...]
    only_in_system: tuple[str, ...]

    @property
    def count_difference(self) -> int:
        return self.billed_count - self.system_count

    @property
    def amount_difference(self) -> int:
        return self.billed_amount - self.expected_amount

    @property
    def matches(self) -> bool:
        return not self.only_on_bill and not self.only_in_system and self.amount_difference == 0


def reconcile(*, billed_ids: Iterable[str], system_ids: Iterable[str], billed_amount: int, rate: int) -> Reconciliation:
    """Compare the people on the BPJS bill with the people the system counts for a month.

    Identifiers are compared as sets (card number or NIK, whichever both sides use); a
    person on the bill twice is billed twice, so ``billed_count`` counts rows.
    """
    billed = list(billed_ids)
    billed_set = set(billed)
    system_set = set(system_ids)
    return Reconciliation(
        billed_count=len(billed),
        system_count=len(system_set),
        billed_amount=billed_amount,
        expected_amount=len(system_set) * rate,
        only_on_bill=tuple(sorted(billed_set - system_set)),
        only_in_system=tuple(sorted(system_set - billed_set)),
    )


def receivable(*, billed: int, paid: int) -> int:
    """Outstanding premium (piutang iuran) for one bill; overpayment shows as negative."""
    return billed - paid
