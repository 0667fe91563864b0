"""Compute jasa pelayanan shares from a roster CSV without touching the database.

The command-line contract of docs/jasa-pelayanan.md, used by auditors and by tests::

    manage.py jaspel_calculate --profile ID --roster FILE.csv (--pool RUPIAH | --revenue RUPIAH)
        [--period YYYY-MM] [--formula EXPR] [--json]

and, for a run over several months computed month by month (Perbup Kapuas Hulu 9/2015
Pasal 20)::

    manage.py jaspel_calculate --profile ID --roster FILE.csv --attendance FILE.csv
        --from YYYY-MM --to YYYY-MM (--pool N | --revenue N) [--formula EXPR] [--json]

The attendance file has one row per person and month (``rules.roster.parse_attendance_months``).
Any bad row stops the command with the file, row and column named; nothing is computed.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ejamkesda.jobs.importing.base import ImportFileError
from ejamkesda.jobs.importing.files import open_table
from ejamkesda.rules.formula import FormulaError
from ejamkesda.rules.jaspel import Calculation, CalculationError, calculate, points_repr
from ejamkesda.rules.jaspel_range import PersonMonths, RangeCalculation, calculate_range, month_range
from ejamkesda.rules.profile import Profile, ProfileError, load_profile
from ejamkesda.rules.roster import RosterError, parse_attendance_months, parse_roster


def _first_day(text: str, option: str) -> dt.date:
    try:
        year, month = (int(part) for part in text.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise CommandError(f"{option} '{text}' harus berbentuk YYYY-MM.", returncode=2) from None


def period_end(text: str | None) -> dt.date:
    """Last day of the month ``YYYY-MM`` (default: the current month)."""
    first = _first_day(text, "--period") if text else dt.date.today().replace(day=1)
    following = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def rp(value: int) -> str:
    """12345678 → '12.345.678' (Indonesian thousands separator)."""
    return f"{value:,}".replace(",", ".")


def _rupiah(value: str) -> int:
    if not value.isdigit():
        raise ValueError(value)
    return int(value)


def range_json(result: RangeCalculation) -> dict[str, Any]:
    data: dict[str, Any] = {
        "profile": result.profile_id,
        "formula": result.formula,
        "pool": result.pool,
        "from": f"{result.months[0]:%Y-%m}",
        "to": f"{result.months[-1]:%Y-%m}",
        "total_points": points_repr(result.total_points),
        "staff": [
            {
                "id": row.staff.id,
                "nama": row.staff.nama,
                "points": points_repr(row.points),
                "share": row.share,
                "tax": row.tax,
                "net": row.net,
                "months": [
                    {"bulan": f"{month.bulan:%Y-%m}", "variables": month.variables, "points": points_repr(month.points)}
                    for month in row.months
                ],
            }
            for row in result.results
        ],
    }
    if result.revenue is not None:
        data["revenue"] = result.revenue
        data["split"] = [{"code": code, "name": name, "amount": amount} for code, name, amount in result.split]
    return data


def calculation_json(result: Calculation) -> dict[str, Any]:
    data: dict[str, Any] = {
        "profile": result.profile_id,
        "formula": result.formula,
        "pool": result.pool,
        "total_points": points_repr(result.total_points),
        "staff": [
            {
                "id": row.staff.id,
                "nama": row.staff.nama,
                "points": points_repr(row.points),
                "variables": row.variables,
                "explanations": row.explanations,
                "share": row.share,
                "tax": row.tax,
                "net": row.net,
            }
            for row in result.results
        ],
    }
    if result.revenue is not None:
        data["revenue"] = result.revenue
        data["split"] = [{"code": code, "name": name, "amount": amount} for code, name, amount in result.split]
    return data


class Command(BaseCommand):
    help = "Hitung jasa pelayanan dari roster CSV menurut profil regulasi (tanpa menyentuh basis data)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--profile", required=True, help="ID profil, mis. tanah-datar-29-2017")
        parser.add_argument("--roster", required=True, help="File CSV roster pegawai")
        money = parser.add_mutually_exclusive_group(required=True)
        money.add_argument("--pool", type=_rupiah, help="Dana jasa pelayanan (rupiah, bilangan bulat)")
        money.add_argument("--revenue", type=_rupiah, help="Pendapatan; dibagi dulu menurut profil")
        parser.add_argument("--period", help="Periode YYYY-MM (masa kerja dihitung per akhir bulan)")
        parser.add_argument("--attendance", help="File CSV kehadiran per orang per bulan (untuk --from/--to)")
        parser.add_argument("--from", dest="month_from", help="Bulan awal YYYY-MM (dihitung bulan per bulan)")
        parser.add_argument("--to", dest="month_to", help="Bulan akhir YYYY-MM")
        parser.add_argument("--formula", help="Rumus poin pengganti rumus profil")
        parser.add_argument("--json", action="store_true", help="Keluaran JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        ranged = any(options.get(key) for key in ("month_from", "month_to", "attendance"))
        if ranged and not all(options.get(key) for key in ("month_from", "month_to", "attendance")):
            raise CommandError("--from, --to dan --attendance harus diisi bersama.", returncode=2)
        if ranged and options.get("period"):
            raise CommandError("--period tidak dipakai bersama --from/--to.", returncode=2)
        try:
            profile = load_profile(options["profile"])
            staff = parse_roster(*self._read(options["roster"]))
            if ranged:
                self._range(profile, staff, options)
                return
            result = calculate(
                profile=profile,
                staff=staff,
                period_end=period_end(options.get("period")),
                pool=options.get("pool"),
                revenue=options.get("revenue"),
                formula=options.get("formula"),
            )
        except RosterError as exc:
            raise CommandError(f"{self._file}: {exc}", returncode=2) from exc
        except (ProfileError, FormulaError, CalculationError) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self._needs_check = profile.formula_needs_check and not options.get("formula")
        if options["json"]:
            self.stdout.write(json.dumps(calculation_json(result), ensure_ascii=False, indent=2))
            return
        self._table(result)

    def _read(self, path: str) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
        """Header and numbered rows through the guarded reader; errors name the file."""
        self._file = path
        try:
            table = open_table(path)
            return table.header, list(table.rows)
        except OSError as exc:
            raise CommandError(f"{path}: tidak dapat dibaca: {exc.strerror}", returncode=2) from exc
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from exc

    def _range(self, profile: Profile, staff: list[Any], options: dict[str, Any]) -> None:
        first = _first_day(options["month_from"], "--from")
        last = _first_day(options["month_to"], "--to")
        if last < first:
            raise CommandError("--to tidak boleh sebelum --from.", returncode=2)
        months = month_range(first, last)
        header, rows = self._read(options["attendance"])
        people = [PersonMonths(*item) for item in parse_attendance_months(header, rows, staff=staff, months=months)]
        result = calculate_range(
            profile=profile,
            people=people,
            months=months,
            pool=options.get("pool"),
            revenue=options.get("revenue"),
            formula=options.get("formula"),
        )
        self._needs_check = profile.formula_needs_check and not options.get("formula")
        if options["json"]:
            self.stdout.write(json.dumps(range_json(result), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Rentang {months[0]:%Y-%m} sampai {months[-1]:%Y-%m}: poin dihitung bulan per bulan.")
        self._table(result)

    def _table(self, result: Calculation | RangeCalculation) -> None:
        out = self.stdout.write
        out(f"Profil: {result.profile_id}   Rumus: {result.formula}")
        if self._needs_check:
            out("PERHATIAN: rumus profil ini harus dicek dengan peraturan yang ditandatangani.")
        for code, name, amount in result.split:
            out(f"  {name} ({code}): Rp {rp(amount)}")
        out(f"Dana jasa pelayanan: Rp {rp(result.pool)}")
        out(f"Jumlah poin: {points_repr(result.total_points)}")
        header = f"{'ID':<10} {'Nama':<28} {'Poin':>10} {'Bagian':>14} {'Pajak':>12} {'Bersih':>14}"
        out(header)
        out("-" * len(header))
        for row in result.results:
            out(
                f"{row.staff.id[:10]:<10} {row.staff.nama[:28]:<28} {points_repr(row.points)!s:>10} "
                f"{rp(row.share):>14} {rp(row.tax):>12} {rp(row.net):>14}"
            )
        total_tax = sum(row.tax for row in result.results)
        out("-" * len(header))
        out(f"{'Jumlah':<39} {'':>10} {rp(result.pool):>14} {rp(total_tax):>12} {rp(result.pool - total_tax):>14}")
