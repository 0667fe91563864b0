"""Compute one month's coverage: ``manage.py coverage_compute 2026-10``.

The same service as the web's background task (``services.compute_runs``): one run per
month at a time, progress printed, figures written in one transaction.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ejamkesda.coverage.models import ComputeRun
from ejamkesda.coverage.services.compute_runs import ComputeBusy, coverage_compute_run, coverage_compute_start


class Command(BaseCommand):
    help = "Hitung cakupan UHC satu bulan dari snapshot kependudukan dan BPJS terakhir di bulan itu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="TTTT-BB")
        parser.add_argument("--quiet-progress", action="store_true", help="tanpa baris kemajuan")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = dt.date.fromisoformat(options["month"] + "-01")
        except ValueError:
            raise CommandError("Bulan harus TTTT-BB") from None
        try:
            run = coverage_compute_start(month=month)
        except (ComputeBusy, ValueError) as error:
            raise CommandError(str(error)) from None

        def on_progress(percent: int, step: str) -> None:
            if not options["quiet_progress"]:
                sys.stderr.write(f"{percent:3d}%  {step}\n")

        run = coverage_compute_run(run_id=run.pk, on_progress=on_progress)
        if run.status != ComputeRun.Status.DONE:
            raise CommandError(f"Perhitungan #{run.pk} gagal: {run.message}")
        if run.summary:
            self.stdout.write(
                f"Penduduk {run.summary['population']}, terdaftar {run.summary['registered']}, "
                f"aktif {run.summary['active']}"
            )
