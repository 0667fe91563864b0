"""Benchmark for jasa pelayanan (docs/jasa-pelayanan.md): not a timed test, prints the figures.

    .venv/bin/python benchmarks/jaspel.py [--staff 5000] [--slips 1000]

Targets: a 5,000-staff computation under 1 s; 1,000 slip PDFs under 30 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ejamkesda.rules.jaspel import StaffInput, calculate
from ejamkesda.rules.profile import JENIS_TENAGA, load_profile, shipped_profile_ids


def roster(count: int, rng: random.Random, specialists: bool) -> list[StaffInput]:
    kinds = [kind for kind in JENIS_TENAGA if specialists or kind != "dokter_spesialis"]
    return [
        StaffInput(
            id=str(index),
            nama=f"Pegawai {index}",
            jenis_tenaga=rng.choice(kinds),
            mulai_kerja=dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(12_000)),
            status=rng.choice(["pns", "cpns", "pppk", "kontrak"]),
            rangkap=("kepala",) if index == 0 else (),
            golongan=rng.choice(["II/a", "III/b", "IV/a", ""]),
            hari_hadir=rng.randrange(15, 23),
            hari_izin=rng.randrange(0, 3),
            menit_terlambat=rng.randrange(0, 900),
            skp=Decimal(rng.randrange(50, 101)),
            program_jkn=index % 50 == 0,
        )
        for index in range(count)
    ]


def bench_compute(count: int) -> None:
    rng = random.Random(20250101)
    for profile_id in shipped_profile_ids():
        profile = load_profile(profile_id)
        staff = roster(count, rng, "dokter_spesialis" in profile.jenis)
        started = time.perf_counter()
        result = calculate(profile=profile, staff=staff, period_end=dt.date(2025, 1, 31), revenue=987_654_321)
        elapsed = time.perf_counter() - started
        assert sum(row.share for row in result.results) == result.pool
        print(f"hitung {count} pegawai, profil {profile_id}: {elapsed:.3f} s (target < 1 s)")


def bench_slips(count: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ejamkesda.settings")
    os.environ.setdefault("EJAMKESDA_ENV", "test")
    import django

    django.setup()
    from ejamkesda.funds.slips import SlipData, render_slips

    profile = load_profile("tanah-datar-29-2017")
    staff = roster(count, random.Random(7), False)
    result = calculate(profile=profile, staff=staff, period_end=dt.date(2025, 1, 31), pool=750_000_000)
    slips = [
        SlipData.from_result(row, provider="Puskesmas Uji", period="Januari 2025", profile=profile)
        for row in result.results
    ]
    started = time.perf_counter()
    pdf = render_slips(slips)
    elapsed = time.perf_counter() - started
    print(f"render {count} slip PDF (satu berkas, {len(pdf) // 1024} KiB): {elapsed:.2f} s (target < 30 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--slips", type=int, default=1000)
    args = parser.parse_args()
    bench_compute(args.staff)
    if args.slips:
        bench_slips(args.slips)


if __name__ == "__main__":
    main()
