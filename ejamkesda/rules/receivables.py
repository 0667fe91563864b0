"""Receivables of premiums (Instruksi Bupati Tegal 379/2022 KEDUA 23i). Pure Python.

Outstanding = billed − paid − written off (never below zero). The age of a bill is counted
in whole months from its month to the month of the report; buckets 0–3, 3–6, 6–12 and more
than 12 months. A bill may be handed over to BPKAD once BPJS has recorded its collection
attempts ("setelah dilakukan upaya penagihan optimal oleh BPJS").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

BUCKETS: tuple[str, ...] = ("0-3", "3-6", "6-12", ">12")


def outstanding(*, billed: int, paid: int, written_off: int = 0) -> int:
    if billed < 0 or paid < 0 or written_off < 0:
        raise ValueError("jumlah tagihan, bayar dan hapus tidak boleh negatif")
    return max(0, billed - paid - written_off)


def age_months(month: dt.date, as_of: dt.date) -> int:
    """Whole months from the bill's month to ``as_of``'s month (0 in the same month)."""
    return max(0, (as_of.year * 12 + as_of.month) - (month.year * 12 + month.month))


def bucket(age: int) -> str:
    if age < 3:
        return "0-3"
    if age < 6:
        return "3-6"
    if age <= 12:
        return "6-12"
    return ">12"


def ageing(items: Iterable[tuple[dt.date, int]], as_of: dt.date) -> dict[str, int]:
    """Outstanding amounts ``(month, amount)`` summed by age bucket."""
    totals = dict.fromkeys(BUCKETS, 0)
    for month, amount in items:
        if amount < 0:
            raise ValueError("piutang tidak boleh negatif")
        totals[bucket(age_months(month, as_of))] += amount
    return totals


def may_hand_over(*, attempts: int, amount: int, minimum_attempts: int) -> bool:
    """A bill goes to BPKAD only with something left to collect and after the attempts."""
    return amount > 0 and attempts >= max(1, minimum_attempts)
