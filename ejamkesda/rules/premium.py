"""Premiums (iuran) for residents the regency registers (PBPU/BP Pemda, class 3).

Instruksi Bupati Tegal 379/2022 KEDUA angka 1 huruf a, angka 2 huruf b and
angka 5 huruf a: the regency plans, budgets and pays the premium of residents it
registers as PBPU/BP with class-3 benefits; angka 23 huruf i: receivables of those
premiums are collected with the finance agency. Budget = count × monthly rate × months,
where the rate is the one in force in each month.

The rates are national (Perpres on Jaminan Kesehatan), not in the regional regulations: the defaults
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


# --- Instruksi Bupati Tegal 379/2022 KEDUA angka 1 huruf a (and angka 2 huruf b, angka 5 huruf a) -------------
# The instruction names two budget lines for class-3 premiums, in one sentence:
#   (1) "alokasi anggaran iuran dan bantuan iuran bagi penduduk yang di daftarkan oleh
#       Pemerintah Daerah Kabupaten sebagai Peserta Pekerja Bukan Penerima Upah dan Bukan
#       Pekerja dengan manfaat pelayanan di ruang perawatan Kelas 3": the whole premium of
#       residents the regency registers (PBPU/BP Pemda);
#   (2) "serta memastikan alokasi anggaran bantuan iuran bagi Peserta Pekerja Bukan
#       Penerima Upah dan Bukan Pekerja dengan manfaat pelayanan di ruang perawatan Kelas 3":
#       a partial subsidy (bantuan iuran) for PBPU and BP members who pay their own class-3
#       premium — the regency pays only its share of it.
# How much each party pays is national law, not in the regional regulations: Perpres 82/2018 Pasal 34 as
# amended by Perpres 64/2020 (class 3 Rp42.000; from 2021 the member pays Rp35.000 and the
# Rp7.000 "bantuan iuran" is paid by the central and regional governments). The split of
# the Rp7.000 between them is set year by year; the default below (Pusat Rp4.200, Pemda
# Rp2.800) must be checked against the rule in force and is editable in the app.
CATEGORY_PEMDA = "pbpu_bp_pemda"  # clause (1): residents registered by the regency
CATEGORY_PBPU = "pbpu_kelas3"  # clause (2): self-paying PBPU members, class 3
CATEGORY_BP = "bp_kelas3"  # clause (2): self-paying BP members, class 3
# Instruksi Bupati Tegal 379/2022 KEDUA 2a: the regency's contribution to the premiums of
# PBI JK recipients "sesuai kapasitas fiskal daerah" — an amount per person and month set
# for the regency (a setting with its legal basis); the rest of the premium is the state's.
CATEGORY_PBI = "pbi_jk_kontribusi"
CATEGORIES: tuple[str, ...] = (CATEGORY_PBI, CATEGORY_PEMDA, CATEGORY_PBPU, CATEGORY_BP)
SUBSIDISED = (CATEGORY_PBPU, CATEGORY_BP)


@dataclass(frozen=True, slots=True)
class Contribution:
    """Who pays one person's monthly class-3 premium, in whole rupiah: the member, the
    central government (APBN) and the regency (APBD). The parts add up to the premium."""

    effective_from: dt.date
    premium: int
    participant: int
    central: int
    regional: int
    source: str = ""

    def __post_init__(self) -> None:
        parts = (self.premium, self.participant, self.central, self.regional)
        if any(part < 0 for part in parts):
            raise ValueError("besaran iuran dan bagiannya tidak boleh negatif")
        if self.participant + self.central + self.regional != self.premium:
            raise ValueError(
                f"bagian peserta + Pusat + Pemda (Rp{self.participant + self.central + self.regional}) "
                f"harus sama dengan iuran (Rp{self.premium})"
            )


DEFAULT_SUBSIDIES: tuple[Contribution, ...] = (
    Contribution(
        dt.date(2020, 7, 1), 42_000, 25_500, 16_500, 0, "Perpres 64/2020 Pasal 34 (tahun 2020; periksa peraturan)"
    ),
    Contribution(
        dt.date(2021, 1, 1),
        42_000,
        35_000,
        4_200,
        2_800,
        "Perpres 64/2020 Pasal 34 (mulai 2021; pembagian Pusat/Pemda periksa kebijakan tahun berjalan)",
    ),
)


def contribution_on(month: dt.date, contributions: Iterable[Contribution]) -> Contribution:
    """The contribution schedule in force on the first day of ``month``."""
    first = month_start(month)
    best: Contribution | None = None
    for item in contributions:
        if item.effective_from <= first and (best is None or item.effective_from > best.effective_from):
            best = item
    if best is None:
        raise NoRate(f"tidak ada ketentuan bantuan iuran yang berlaku pada {first:%m-%Y}")
    return best


def pemda_contribution(rate: Rate) -> Contribution:
    """Clause (1): the regency pays the whole premium of the residents it registers."""
    return Contribution(rate.effective_from, rate.monthly_rupiah, 0, 0, rate.monthly_rupiah, rate.source)


def pbi_contribution(rate: Rate, regional: int, source: str = "") -> Contribution:
    """KEDUA 2a: the regency pays ``regional`` of the PBI JK premium, the state the rest."""
    if regional > rate.monthly_rupiah:
        raise ValueError(f"kontribusi Pemda (Rp{regional}) tidak boleh melebihi iuran PBI JK (Rp{rate.monthly_rupiah})")
    return Contribution(rate.effective_from, rate.monthly_rupiah, 0, rate.monthly_rupiah - regional, regional, source)


@dataclass(frozen=True, slots=True)
class ShareLine:
    """One category in one month: head-count × each party's share per person."""

    month: dt.date
    category: str
    count: int
    share: Contribution

    @property
    def regional_amount(self) -> int:  # the regency's budget (APBD)
        return self.count * self.share.regional

    @property
    def central_amount(self) -> int:
        return self.count * self.share.central

    @property
    def participant_amount(self) -> int:
        return self.count * self.share.participant

    @property
    def premium_amount(self) -> int:
        return self.count * self.share.premium


@dataclass(frozen=True, slots=True)
class ShareBudget:
    lines: tuple[ShareLine, ...]

    @property
    def total(self) -> int:
        """What the regency budgets (APBD), exact to the rupiah."""
        return sum(line.regional_amount for line in self.lines)

    def by_category(self) -> dict[str, int]:
        totals = dict.fromkeys(CATEGORIES, 0)
        for line in self.lines:
            totals[line.category] += line.regional_amount
        return totals

    def by_month(self) -> dict[dt.date, int]:
        totals: dict[dt.date, int] = {}
        for line in self.lines:
            totals[line.month] = totals.get(line.month, 0) + line.regional_amount
        return totals

    def counts(self) -> dict[str, int]:
        """Person-months per category."""
        totals = dict.fromkeys(CATEGORIES, 0)
        for line in self.lines:
            totals[line.category] += line.count
        return totals


def _per_month(count: int | Sequence[int], months: int) -> list[int]:
    counts = [count] * months if isinstance(count, int) else list(count)
    if len(counts) != months:
        raise ValueError("jumlah data peserta per bulan harus sama dengan jumlah bulan")
    if any(heads < 0 for heads in counts):
        raise ValueError("jumlah peserta tidak boleh negatif")
    return counts


def share_budget(
    *,
    counts: dict[str, int | Sequence[int]],
    start: dt.date,
    months: int,
    rates: Iterable[Rate] = DEFAULT_RATES,
    subsidies: Iterable[Contribution] = DEFAULT_SUBSIDIES,
    pbi_regional: int = 0,
    pbi_source: str = "",
) -> ShareBudget:
    """Instruksi Bupati Tegal 379/2022 KEDUA angka 1 huruf a, both clauses, month by month: the regency pays the
    whole premium of PBPU/BP Pemda residents (rate in force that month) and its share of
    the bantuan iuran of self-paying PBPU and BP class-3 members (schedule in force that
    month), and (KEDUA 2a) its contribution of ``pbi_regional`` rupiah per PBI JK recipient
    and month. ``counts`` maps a category to one head-count or one per month; a category
    left out counts 0."""
    if pbi_regional < 0:
        raise ValueError("kontribusi Pemda untuk PBI JK tidak boleh negatif")
    if months < 0:
        raise ValueError("jumlah bulan tidak boleh negatif")
    unknown = set(counts) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"kategori tidak dikenal: {', '.join(sorted(unknown))}")
    rate_list, subsidy_list = list(rates), list(subsidies)
    per_month = {category: _per_month(counts.get(category, 0), months) for category in CATEGORIES}
    lines = []
    for offset in range(months):
        month = add_months(month_start(start), offset)
        for category in CATEGORIES:
            heads = per_month[category][offset]
            if category == CATEGORY_PEMDA:
                share = pemda_contribution(rate_on(month, rate_list))
            elif category == CATEGORY_PBI:
                share = pbi_contribution(rate_on(month, rate_list), pbi_regional, pbi_source)
            elif heads:
                share = contribution_on(month, subsidy_list)
            else:  # nobody to subsidise: no schedule needed for this month
                share = Contribution(month, 0, 0, 0, 0)
            lines.append(ShareLine(month=month, category=category, count=heads, share=share))
    return ShareBudget(lines=tuple(lines))
