"""Compute one month's coverage: ``manage.py coverage_compute 2026-10``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ejamkesda.coverage.services.compute import coverage_period_compute


class Command(BaseCommand):
    help = "Hitung cakupan UHC satu bulan dari snapshot kependudukan dan BPJS terakhir di bulan itu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="TTTT-BB")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = dt.date.fromisoformat(options["month"] + "-01")
        except ValueError:
            raise CommandError("Bulan harus TTTT-BB") from None
        try:
            period = coverage_period_compute(month=month)
        except ValueError as error:
            raise CommandError(str(error)) from None
        stat = period.stats.filter(level=2).first()
        if stat:
            self.stdout.write(f"Penduduk {stat.population}, terdaftar {stat.registered}, aktif {stat.active}")
