"""``manage.py match_files --left A.csv --right B.csv --out OUT.csv [--threshold T]``.

Data matching (pemadanan, docs/pemadanan.md; Instruksi Bupati Tegal 379/2022): for each
row of B whose best match in A scores at least T, OUT gets ``right_id, left_id, score, method,
reasons``. Optional ``--review OUT_REVIEW.csv`` writes the review band (score between
``--review-threshold`` and T) and ``--duplicates DUP.csv`` the probable duplicates inside each
list. Progress and a summary are printed; no NIK is ever printed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ejamkesda.matching import (
    OUTPUT_COLUMNS,
    STATUS_ACCEPTED,
    STATUS_REVIEW,
    ContractError,
    find_duplicates,
    read_contract_csv,
    run_matching,
    write_matches_csv,
)


def _fraction(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Pemadanan data: mencocokkan setiap baris berkas kanan (B) dengan baris berkas kiri (A)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--left", required=True, type=Path, help="berkas CSV A (mis. data kependudukan)")
        parser.add_argument("--right", required=True, type=Path, help="berkas CSV B (mis. daftar peserta BPJS)")
        parser.add_argument("--out", required=True, type=Path, help="berkas CSV hasil")
        parser.add_argument(
            "--threshold",
            type=_fraction,
            default=settings.EJAMKESDA_MATCH_THRESHOLD,
            help=f"skor minimum 0–1 (bawaan EJAMKESDA_MATCH_THRESHOLD = {settings.EJAMKESDA_MATCH_THRESHOLD})",
        )
        parser.add_argument(
            "--review-threshold",
            type=_fraction,
            default=settings.EJAMKESDA_MATCH_REVIEW_THRESHOLD,
            help=f"skor minimum antrean tinjauan (bawaan {settings.EJAMKESDA_MATCH_REVIEW_THRESHOLD})",
        )
        parser.add_argument("--review", type=Path, help="berkas CSV untuk pasangan yang perlu ditinjau")
        parser.add_argument("--duplicates", type=Path, help="berkas CSV untuk dugaan data ganda di dalam A dan B")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        threshold: float = options["threshold"]
        for key in ("left", "right"):
            if not options[key].is_file():
                raise CommandError(f"Berkas --{key} tidak ditemukan: {options[key]}")
        try:
            left = read_contract_csv(options["left"])
            right = read_contract_csv(options["right"])
        except ContractError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Membaca: A {left.height:,} baris, B {right.height:,} baris")
        right_rows = right.height
        frames = [left, right]
        del left, right  # handed over: the engine frees the raw text while it normalises (memory)
        result = run_matching(
            frames.pop(0),
            frames.pop(0),
            threshold=threshold,
            review_threshold=options["review_threshold"],
            progress=lambda line: self.stdout.write(f"  {line}"),
        )
        accepted = result.matches.filter(pl.col("status") == STATUS_ACCEPTED)
        write_matches_csv(accepted, options["out"])
        if options["review"]:
            review = result.matches.filter(pl.col("status") == STATUS_REVIEW)
            review.select(OUTPUT_COLUMNS).write_csv(str(options["review"]))
        duplicates = None
        if options["duplicates"]:
            frames = []
            for label, key in (("A", "left"), ("B", "right")):
                self.stdout.write(f"Mencari data ganda di {label}…")
                found = find_duplicates(read_contract_csv(options[key]), threshold=threshold)
                frames.append(found.with_columns(pl.lit(label).alias("berkas")))
            duplicates = pl.concat(frames).select("berkas", "id_a", "id_b", "score", "reasons")
            duplicates.write_csv(str(options["duplicates"]))

        stats = result.stats
        methods = accepted.group_by("method").len().sort("method")
        self.stdout.write(self.style.SUCCESS("Ringkasan pemadanan"))
        self.stdout.write(f"  baris B: {right_rows:,}; cocok (skor ≥ {threshold}): {accepted.height:,}")
        for method, count in methods.iter_rows():
            self.stdout.write(f"    metode {method}: {count:,}")
        self.stdout.write(
            f"  perlu ditinjau (skor {options['review_threshold']}–{threshold}): {int(stats['review']):,}"
        )
        self.stdout.write(f"  tanpa pasangan: {right_rows - accepted.height - int(stats['review']):,}")
        self.stdout.write(f"  baris B yang berbagi pasangan A yang sama: {int(stats['right_sharing_left']):,}")
        if duplicates is not None:
            self.stdout.write(f"  dugaan data ganda: {duplicates.height:,} pasangan → {options['duplicates']}")
        self.stdout.write(f"  hasil: {options['out']} ({time.perf_counter() - started:.1f} dtk)")
