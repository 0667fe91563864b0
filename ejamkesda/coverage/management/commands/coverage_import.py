"""Import one dated snapshot: ``manage.py coverage_import population 2026-10-01 FILE.csv``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ejamkesda.coverage.models import SectorList, SnapshotKind
from ejamkesda.coverage.services.snapshots import snapshot_import_file, snapshot_open


class Command(BaseCommand):
    help = "Impor data kependudukan, kepesertaan BPJS, DTKS/DTSEN atau daftar sektor per tanggal."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=SnapshotKind.values)
        parser.add_argument("as_of", help="tanggal data, TTTT-BB-HH")
        parser.add_argument("path")
        parser.add_argument("--sector-list", type=int, help="id daftar sektor (wajib untuk jenis sector)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = dt.date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError("Tanggal harus TTTT-BB-HH") from None
        sector_list = None
        if options["sector_list"]:
            sector_list = SectorList.objects.filter(pk=options["sector_list"]).first()
            if sector_list is None:
                raise CommandError("Daftar sektor tidak ditemukan")
        snapshot = snapshot_open(kind=options["kind"], as_of=as_of, sector_list=sector_list)
        result = snapshot_import_file(snapshot=snapshot, path=options["path"])
        self.stdout.write(
            f"{result.rows_read} baris dibaca, {result.rows_saved} disimpan, {result.error_count} galat "
            f"(snapshot {snapshot.pk})"
        )
        for error in result.errors[:20]:
            self.stdout.write(f"  baris {error['row']}, kolom {error['column']}: {error['message']}")
