"""Import a tariff table from CSV/XLSX: ``manage.py import_tariffs FILE --name ... --effective-from YYYY-MM-DD``.

The same service as the web page (``tariff_table_import``): all rows valid → a new version,
any error → nothing written and every error listed with its row and column.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ejamkesda.jobs.importing.base import ImportFileError
from ejamkesda.jobs.importing.files import job_limits, table_rows
from ejamkesda.services.tariffs import TariffImportError, tariff_table_import


class Command(BaseCommand):
    help = "Impor tabel tarif Jamkesda dari berkas CSV/XLSX (kolom: kode, uraian, tarif)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--name", required=True, help="nama/dasar hukum tabel tarif")
        parser.add_argument("--effective-from", required=True, help="tanggal berlaku, TTTT-BB-HH")
        parser.add_argument("--user", default="", help="nama pengguna pelaku (untuk log audit)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            effective_from = dt.date.fromisoformat(options["effective_from"])
        except ValueError:
            raise CommandError("--effective-from harus berformat TTTT-BB-HH") from None
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ada.")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"Pengguna {options['user']} tidak ada.")
        with path.open("rb") as handle:
            try:
                table = tariff_table_import(
                    actor=actor,
                    name=options["name"],
                    effective_from=effective_from,
                    rows=table_rows(handle, job_limits()),
                    source_name=path.name[:200],
                )
            except TariffImportError as exc:
                for error in exc.errors:
                    self.stderr.write(error)
                raise CommandError(f"{len(exc.errors)} kesalahan; tidak ada yang disimpan.") from None
            except ImportFileError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Tabel tarif versi {table.version} diimpor: {table.items.count()} kode."))
