"""Import one dated snapshot: ``manage.py coverage_import population 2026-10-01 FILE.csv``.

The same job as a web upload (``ejamkesda.jobs`` with the coverage import kinds), run in
the foreground; prints a summary and the path of the error report.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ejamkesda.coverage.importing import KIND_KEYS
from ejamkesda.coverage.models import SectorList, SnapshotKind
from ejamkesda.jobs.models import Job
from ejamkesda.jobs.services import job_create, job_run


class Command(BaseCommand):
    help = "Impor data kependudukan, kepesertaan BPJS, DTKS/DTSEN atau daftar sektor per tanggal."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=SnapshotKind.values)
        parser.add_argument("as_of", help="tanggal data, TTTT-BB-HH")
        parser.add_argument("path")
        parser.add_argument("--sector-list", type=int, help="id daftar sektor (wajib untuk jenis sector)")
        parser.add_argument("--dry-run", action="store_true", help="periksa saja, tidak menyimpan apa pun")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = dt.date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError("Tanggal harus TTTT-BB-HH") from None
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Berkas tidak ditemukan: {path}")
        job_options: dict[str, Any] = {"as_of": as_of.isoformat()}
        if options["kind"] == SnapshotKind.SECTOR:
            if not options["sector_list"] or not SectorList.objects.filter(pk=options["sector_list"]).exists():
                raise CommandError("Daftar sektor tidak ditemukan (--sector-list)")
            job_options["sector_list_id"] = options["sector_list"]
        job = job_create(
            kind=KIND_KEYS[options["kind"]],
            upload=path,
            original_name=path.name,
            source=path.name,
            dry_run=options["dry_run"],
            options=job_options,
            in_place=True,
        )
        job = job_run(job_id=job.pk)
        if job.status == Job.Status.FAILED:
            raise CommandError(f"Impor #{job.pk} gagal: {job.message}")
        self.stdout.write(
            f"Impor #{job.pk}: {job.rows_read} baris dibaca, {job.rows_valid} valid, {job.rows_rejected} ditolak; "
            f"baru {job.rows_created}, diperbarui {job.rows_updated}, tidak berubah {job.rows_unchanged}"
        )
        if job.error_report_path:
            self.stdout.write(f"  laporan kesalahan ({job.error_count} kesalahan): {job.error_report_path}")
