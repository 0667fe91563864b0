"""Compute jasa pelayanan shares from a roster CSV without touching the database.

The command-line contract of docs/jasa-pelayanan.md, used by auditors and by tests::

    manage.py jaspel_calculate --profile ID --roster FILE.csv (--pool RUPIAH | --revenue RUPIAH)
        [--period YYYY-MM] [--formula EXPR] [--json]
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
from ejamkesda.rules.profile import ProfileError, load_profile
from ejamkesda.rules.roster import RosterError, parse_roster


def period_end(text: str | None) -> dt.date:
    """Last day of the month ``YYYY-MM`` (default: the current month)."""
    if text:
        try:
            year, month = (int(part) for part in text.split("-"))
            first = dt.date(year, month, 1)
        except ValueError:
            raise CommandError(f"--period '{text}' harus berbentuk YYYY-MM.", returncode=2) from None
    else:
        first = dt.date.today().replace(day=1)
    following = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def rp(value: int) -> str:
    """12345678 → '12.345.678' (Indonesian thousands separator)."""
    return f"{value:,}".replace(",", ".")


def _rupiah(value: str) -> int:
    if not value.isdigit():
        raise ValueError(value)
    return int(value)


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
        parser.add_argument("--formula", help="Rumus poin pengganti rumus profil")
        parser.add_argument("--json", action="store_true", help="Keluaran JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            profile = load_profile(options["profile"])
            table = open_table(options["roster"])
            staff = parse_roster(table.header, table.rows)
            result = calculate(
                profile=profile,
                staff=staff,
                period_end=period_end(options.get("period")),
                pool=options.get("pool"),
                revenue=options.get("revenue"),
                formula=options.get("formula"),
            )
        except OSError as exc:
            raise CommandError(f"Roster tidak dapat dibaca: {exc.strerror}", returncode=2) from exc
        except (ImportFileError, RosterError, ProfileError, FormulaError, CalculationError) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self._needs_check = profile.formula_needs_check and not options.get("formula")
        if options["json"]:
            self.stdout.write(json.dumps(calculation_json(result), ensure_ascii=False, indent=2))
            return
        self._table(result)

    def _table(self, result: Calculation) -> None:
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
