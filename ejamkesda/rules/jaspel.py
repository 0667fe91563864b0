"""Jasa pelayanan: per-person variables, points and exact shares (docs/aturan.md).

Variables (Perbup Kapuas Hulu 9/2015 Pasal 19, Perbup Tanah Datar 29/2017 Pasal 7, Permenkes 21/2016 Pasal 5):
``jenis`` (staff type), ``rangkap`` (administrative role), ``kehadiran`` (attendance),
``status`` (employment status), ``masa_kerja`` (years of service), ``kinerja`` (SKP) and
``program_jkn`` (JKN report holder). Each comes with an explanation of where its value came
from. Points come from the profile's formula; shares from :func:`allocation.allocate`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from ejamkesda.rules.allocation import AllocationError, allocate
from ejamkesda.rules.formula import Formula, parse_formula
from ejamkesda.rules.profile import Profile
from ejamkesda.rules.tax import tax_for


@dataclass(frozen=True)
class StaffInput:
    id: str
    nama: str
    jenis_tenaga: str
    mulai_kerja: dt.date
    status: str
    pendidikan: str = ""
    rangkap: tuple[str, ...] = ()
    golongan: str = ""
    hari_hadir: int = 0
    hari_izin: int = 0
    menit_terlambat: int = 0
    skp: Decimal | None = None
    program_jkn: bool = False
    # Last day employed (a leaver), and from which date the attributes above hold (roster
    # import "berlaku mulai"); neither changes the points of a single month.
    selesai_kerja: dt.date | None = None
    berlaku_mulai: dt.date | None = None


@dataclass
class StaffResult:
    staff: StaffInput
    variables: dict[str, int]
    explanations: dict[str, str]
    points: Fraction
    share: int = 0
    tax: int = 0
    tax_rate: Decimal = Decimal(0)
    tax_explanation: str = ""

    @property
    def net(self) -> int:
        return self.share - self.tax


@dataclass
class Calculation:
    profile_id: str
    formula: str
    pool: int
    total_points: Fraction
    results: list[StaffResult] = field(default_factory=list)
    revenue: int | None = None
    split: list[tuple[str, str, int]] = field(default_factory=list)


class CalculationError(ValueError):
    """The run cannot be computed; the message is in Bahasa Indonesia."""


def service_duration(start: dt.date, period_end: dt.date) -> tuple[int, int]:
    """(full months, extra days) of service up to and including ``period_end``.

    Service is counted through the last day of the period, so someone who started on the
    1st of a month has whole months at a month's end.
    """
    end = period_end + dt.timedelta(days=1)
    if end <= start:
        return (0, 0)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    anchor_year, anchor_month = divmod(start.month - 1 + months, 12)
    anchor_month += 1
    anchor_year += start.year
    day = min(start.day, _days_in_month(anchor_year, anchor_month))
    anchor = dt.date(anchor_year, anchor_month, day)
    return (months, (end - anchor).days)


def _days_in_month(year: int, month: int) -> int:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def _describe(duration: tuple[int, int]) -> str:
    months, days = duration
    return f"{months // 12} tahun {months % 12} bulan {days} hari"


def _at_most(duration: tuple[int, int], months: int) -> bool:
    return duration[0] < months or (duration[0] == months and duration[1] == 0)


def variables_for(staff: StaffInput, profile: Profile, period_end: dt.date) -> tuple[dict[str, int], dict[str, str]]:
    values: dict[str, int] = {}
    why: dict[str, str] = {}
    duration = service_duration(staff.mulai_kerja, period_end)
    src = profile.sources

    # jenis — staff type; health staff below D3 with long service count as the 40 group.
    if staff.jenis_tenaga not in profile.jenis:
        raise CalculationError(f"Jenis tenaga '{staff.jenis_tenaga}' tidak ada dalam profil {profile.id}.")
    jenis = profile.jenis[staff.jenis_tenaga]
    why["jenis"] = f"{staff.jenis_tenaga} = {jenis} ({src.get('jenis', '')})"
    if staff.jenis_tenaga == "nakes_bawah_d3" and profile.long_service_points:
        limit = profile.long_service_months
        if duration == (limit, 0) and "nakes_bawah_d3_tepat_10_tahun" in profile.ambiguities:
            jenis = int(profile.setting("nakes_bawah_d3_tepat_10_tahun"))
            why["jenis"] = (
                f"nakes di bawah D3, masa kerja tepat {limit // 12} tahun = {jenis} (ambiguitas, lihat profil)"
            )
        elif not _at_most(duration, limit):
            jenis = profile.long_service_points
            why["jenis"] = (
                f"nakes di bawah D3 dengan masa kerja {_describe(duration)} (> {limit // 12} tahun) = {jenis}"
            )
    values["jenis"] = jenis

    # rangkap — extra administrative role(s).
    roles = [role for role in staff.rangkap if role in profile.rangkap]
    if profile.rangkap_cumulative:
        rangkap = sum(profile.rangkap[role] for role in roles)
    else:
        rangkap = max((profile.rangkap[role] for role in roles), default=0)
    values["rangkap"] = rangkap
    mode = "masing-masing" if profile.rangkap_cumulative else "satu kali"
    why["rangkap"] = f"{', '.join(roles) or 'tidak ada'} = {rangkap} ({mode}; {src.get('rangkap', '')})"

    # kehadiran — days present + excused days − 1 per 7 hours of lateness, never below 0.
    days = staff.hari_hadir + (staff.hari_izin if profile.excused_counts else 0)
    block = profile.minutes_per_block
    blocks = staff.menit_terlambat // block
    if profile.setting("terlambat_blok_sebagian") == "hitung" and staff.menit_terlambat % block:
        blocks += 1
    kehadiran = max(0, days * profile.points_per_day - blocks * profile.points_per_block)
    values["kehadiran"] = kehadiran
    why["kehadiran"] = (
        f"hadir {staff.hari_hadir} + izin {staff.hari_izin if profile.excused_counts else 0} hari "
        f"− {blocks} blok terlambat ({staff.menit_terlambat} menit ÷ {block}) = {kehadiran}"
    )

    # status — employment status.
    status = profile.status.get(staff.status, 0)
    values["status"] = status
    why["status"] = f"{staff.status} = {status}" if profile.status else "tidak dipakai profil ini"

    # masa_kerja — years of service at the last day of the period.
    masa = 0
    if profile.service_brackets:
        if duration[0] < profile.service_from_months:
            masa = int(profile.setting("masa_kerja_kurang_1_tahun", 0))
            why["masa_kerja"] = f"{_describe(duration)}: kurang dari batas terendah, {masa} (ambiguitas, lihat profil)"
        else:
            counted = duration
            if profile.setting("masa_kerja_batas_tahun") == "tahun_penuh":
                # "1–5 tahun" read as whole years completed: 5 years and a day is still 5.
                counted = (duration[0] - duration[0] % 12, 0)
            for bracket in profile.service_brackets:
                if bracket.up_to_months is None or _at_most(counted, bracket.up_to_months):
                    masa = bracket.points
                    break
            why["masa_kerja"] = f"{_describe(duration)} per {period_end:%d-%m-%Y} = {masa}"
    else:
        why["masa_kerja"] = "tidak dipakai profil ini"
    values["masa_kerja"] = masa

    # kinerja — SKP percentage.
    kinerja = 0
    if profile.skp_above is not None and profile.skp_from is not None:
        skp = staff.skp if staff.skp is not None else Decimal(0)
        if skp == profile.skp_above and "skp_tepat_90" in profile.ambiguities:
            kinerja = int(profile.setting("skp_tepat_90"))
        elif skp == profile.skp_from and "skp_tepat_70" in profile.ambiguities:
            kinerja = int(profile.setting("skp_tepat_70"))
        elif skp > profile.skp_above:
            kinerja = profile.skp_above_points
        elif skp >= profile.skp_from:
            kinerja = profile.skp_from_points
        else:
            kinerja = profile.skp_below_points
        shown = "tidak diisi (0%)" if staff.skp is None else f"{staff.skp}%"
        why["kinerja"] = f"SKP {shown} = {kinerja}"
    else:
        why["kinerja"] = "tidak dipakai profil ini"
    values["kinerja"] = kinerja

    jkn = profile.program_jkn if staff.program_jkn else 0
    values["program_jkn"] = jkn
    why["program_jkn"] = ("pemegang program JKN" if staff.program_jkn else "bukan pemegang program JKN") + f" = {jkn}"
    return values, why


def _total(results: Sequence[StaffResult]) -> Fraction:
    if all(r.points.denominator == 1 for r in results):
        return Fraction(sum(r.points.numerator for r in results))
    return sum((r.points for r in results), Fraction(0))


def split_revenue(profile: Profile, revenue: int) -> list[tuple[str, str, int]]:
    """The profile's revenue split, exact to the rupiah (largest remainder)."""
    amounts = allocate(revenue, [line.percent for line in profile.split])
    return [(line.code, line.name, amount) for line, amount in zip(profile.split, amounts, strict=True)]


def resolve_pool(profile: Profile, *, pool: int | None, revenue: int | None) -> tuple[int, list[tuple[str, str, int]]]:
    """The jasa pelayanan pool (given, or the profile's share of ``revenue``) and the split."""
    if (pool is None) == (revenue is None):
        raise CalculationError("Isi salah satu: dana jasa pelayanan (pool) atau pendapatan (revenue).")
    split: list[tuple[str, str, int]] = []
    if revenue is not None:
        if revenue < 0:
            raise CalculationError("Pendapatan tidak boleh negatif.")
        split = split_revenue(profile, revenue)
        pool = next(amount for code, _name, amount in split if code == profile.jaspel_pool)
    assert pool is not None
    if pool < 0:
        raise CalculationError("Dana jasa pelayanan tidak boleh negatif.")
    return pool, split


def points_for(compiled: Formula, values: dict[str, int], person: StaffInput) -> Fraction:
    points = compiled.evaluate(values)
    if points < 0:
        raise CalculationError(f"Poin {person.nama} negatif ({points}); periksa rumus.")
    return points


def _health_staff(jenis_tenaga: str) -> bool:
    return not jenis_tenaga.startswith("non_nakes")


def share_out(
    profile: Profile,
    pool: int,
    results: Sequence[StaffResult],
    *,
    cases: Sequence[int] | None = None,
    method: str | None = None,
) -> None:
    """Share ``pool`` on the results' points (or cases), exact to the rupiah, and set the tax.

    Non-capitation (``cases`` given, Perbup Tanah Datar 29/2017 Pasal 8-9): only those who
    did the service share; with the ambiguity ``nonkapitasi_tenaga = "nakes"`` only health
    staff ("kepada tenaga kesehatan").
    """
    weights: list[Fraction | int] = [result.points for result in results]
    if cases is not None:
        if len(cases) != len(results) or any(count < 0 for count in cases):
            raise CalculationError("Jumlah kasus harus satu bilangan 0 atau lebih untuk setiap pegawai.")
        method = method or profile.noncap_method
        if method not in ("poin", "per_kasus"):
            raise CalculationError("Metode non kapitasi harus 'poin' atau 'per_kasus'.")
        health_only = profile.setting("nonkapitasi_tenaga") == "nakes"
        counted = list(cases)
        for index, (result, count) in enumerate(zip(results, cases, strict=True)):
            result.variables["kasus"] = count
            how = "bobot = jumlah kasus" if method == "per_kasus" else "bobot = poin, hanya yang melayani"
            result.explanations["kasus"] = f"{count} kasus ({how})"
            if health_only and not _health_staff(result.staff.jenis_tenaga):
                counted[index] = 0
                result.explanations["kasus"] += "; bukan tenaga kesehatan: tidak ikut (ambiguitas, lihat profil)"
        if method == "per_kasus":
            weights = list(counted)
        else:
            weights = [result.points if count > 0 else 0 for result, count in zip(results, counted, strict=True)]
    try:
        shares = allocate(pool, weights)
    except AllocationError as exc:
        raise CalculationError(str(exc)) from exc
    for result, share in zip(results, shares, strict=True):
        result.share = share
        tax = tax_for(
            share=share,
            status=result.staff.status,
            golongan=result.staff.golongan,
            rates=profile.tax_rates,
            other_rate=profile.tax_other_rate,
            ranked_status=profile.tax_ranked_status,
        )
        result.tax, result.tax_rate, result.tax_explanation = tax.amount, tax.rate, tax.explanation


def calculate(
    *,
    profile: Profile,
    staff: Sequence[StaffInput],
    period_end: dt.date,
    pool: int | None = None,
    revenue: int | None = None,
    formula: str | Formula | None = None,
    cases: Sequence[int] | None = None,
    method: str | None = None,
) -> Calculation:
    """Points, shares, tax and net for every person. Exactly one of ``pool``/``revenue``.

    Non-capitation service fees (Perbup Tanah Datar 29/2017 Pasal 8-9): with ``cases`` (services done by each
    person, same order as ``staff``) only those who did the service share the pool, either
    by their points (``method="poin"``) or per case (``"per_kasus"``); the default method
    comes from the profile.
    """
    pool, split = resolve_pool(profile, pool=pool, revenue=revenue)
    compiled = parse_formula(formula) if isinstance(formula, str) else (formula or profile.formula)
    seen: set[str] = set()
    results: list[StaffResult] = []
    for person in staff:
        if person.id in seen:
            raise CalculationError(f"ID pegawai '{person.id}' muncul lebih dari sekali.")
        seen.add(person.id)
        values, why = variables_for(person, profile, period_end)
        results.append(
            StaffResult(staff=person, variables=values, explanations=why, points=points_for(compiled, values, person))
        )
    share_out(profile, pool, results, cases=cases, method=method)
    return Calculation(
        profile_id=profile.id,
        formula=compiled.text,
        pool=pool,
        total_points=_total(results),
        results=results,
        revenue=revenue,
        split=split,
    )


def points_repr(points: Fraction) -> int | str:
    """Points for display/JSON: an int when whole, else a decimal string (4 places)."""
    if points.denominator == 1:
        return points.numerator
    return str(round(Decimal(points.numerator) / Decimal(points.denominator), 4))
