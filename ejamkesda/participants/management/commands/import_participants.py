"""``manage.py import_participants FILE [--source NAME] [--dry-run]`` (docs/impor-data.md).

The same job as a web upload, run in the foreground: prints progress and a summary and
the path of the error report. Exit status 1 when the file as a whole is refused.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ejamkesda.jobs.importing.runner import ImportProgress
from ejamkesda.jobs.models import Job
from ejamkesda.jobs.services import job_create, job_run


class Command(BaseCommand):
    help = "Impor data peserta (penduduk dan kepesertaan) dari berkas CSV atau XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="berkas .csv atau .xlsx")
        parser.add_argument("--source", default="", help="nama sumber data (dicatat di riwayat)")
        parser.add_argument("--dry-run", action="store_true", help="periksa saja, tidak menyimpan apa pun")
        parser.add_argument(
            "--program",
            default="jkn",
            choices=["jkn", "jamkesda"],
            help="program bila kolom PROGRAM dan SEGMEN kosong (bawaan: jkn)",
        )
        parser.add_argument("--quiet-progress", action="store_true", help="tanpa baris kemajuan")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Berkas tidak ditemukan: {path}")
        job = job_create(
            kind="participants",
            upload=path,
            original_name=path.name,
            source=options["source"],
            dry_run=options["dry_run"],
            options={"default_programme": options["program"]},
            in_place=True,
        )
        quiet = options["quiet_progress"]

        def on_progress(state: ImportProgress) -> None:
            if quiet:
                return
            rate = state.rows_read / state.seconds if state.seconds else 0
            sys.stderr.write(
                f"\r{state.fraction * 100:5.1f}%  {state.rows_read:>10,} baris  "
                f"{state.rows_rejected:,} ditolak  {rate:,.0f} baris/detik"
            )
            sys.stderr.flush()

        job = job_run(job_id=job.pk, on_progress=on_progress)
        if not quiet:
            sys.stderr.write("\n")
        if job.status == Job.Status.FAILED:
            raise CommandError(f"Impor #{job.pk} gagal: {job.message}")
        mode = " (UJI COBA: tidak ada yang disimpan)" if job.dry_run else ""
        self.stdout.write(f"Impor #{job.pk} selesai{mode} dalam {job.details.get('seconds', 0)} detik.")
        self.stdout.write(
            f"  dibaca {job.rows_read}, valid {job.rows_valid}, ditolak {job.rows_rejected}; "
            f"baru {job.rows_created}, diperbarui {job.rows_updated}, tidak berubah {job.rows_unchanged}"
        )
        if job.details.get("ignored_headers"):
            self.stdout.write(f"  kolom diabaikan: {', '.join(job.details['ignored_headers'])}")
        if job.error_report_path:
            self.stdout.write(f"  laporan kesalahan ({job.error_count} kesalahan): {job.error_report_path}")
