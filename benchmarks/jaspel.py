"""Benchmark for jasa pelayanan (docs/jasa-pelayanan.md): not a timed test, prints the figures.

    .venv/bin/python benchmarks/jaspel.py [--staff 5000] [--slips 1000] [--months 12]

Targets: a 5,000-staff computation under 1 s; 1,000 slip PDFs under 30 s; a 12-month run
for 5,000 staff, computed month by month (Perbup Kapuas Hulu 9/2015 Pasal 20), under 10 s
with peak memory under 500 MB.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ejamkesda.rules.jaspel import StaffInput, calculate
from ejamkesda.rules.jaspel_range import PersonMonths, calculate_range, month_range
from ejamkesda.rules.profile import JENIS_TENAGA, load_profile, shipped_profile_ids

ROOT = Path(__file__).resolve().parent.parent


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


def year_of(count: int, months: int, rng: random.Random) -> list[PersonMonths]:
    """Each person with a month's own attendance; some change status or role mid-year and
    one in twenty leaves before the end."""
    base = roster(count, rng, False)
    people = []
    for person in base:
        leaves = rng.randrange(months) if rng.random() < 0.05 else months
        promoted = rng.randrange(months)
        items: list[StaffInput | None] = []
        for month in range(months):
            if month > leaves:
                items.append(None)
                continue
            items.append(
                dataclasses.replace(
                    person,
                    status="pns" if month >= promoted and person.status == "cpns" else person.status,
                    hari_hadir=rng.randrange(15, 23),
                    menit_terlambat=rng.randrange(0, 900),
                )
            )
        people.append(PersonMonths(person.id, person.nama, tuple(items)))
    return people


def bench_range(count: int, months: int) -> None:
    profile = load_profile("kapuas-hulu-9-2015")
    span = month_range(dt.date(2025, 1, 1), dt.date(2025, months, 1))
    people = year_of(count, months, random.Random(2025))
    started = time.perf_counter()
    result = calculate_range(profile=profile, people=people, months=span, pool=987_654_321)
    elapsed = time.perf_counter() - started
    assert sum(row.share for row in result.results) == result.pool
    del result
    # Memory measured on a second run (tracing slows the computation several times).
    tracemalloc.start()
    calculate_range(profile=profile, people=people, months=span, pool=987_654_321)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"hitung {count} pegawai × {months} bulan (bulan per bulan, Pasal 20): {elapsed:.2f} s (target < 10 s); "
        f"puncak memori perhitungan {peak / 2**20:.0f} MiB, proses {rss:.0f} MiB (target < 500 MB)"
    )


def bench_db_run(count: int, months: int, url: str) -> None:
    """The same year through the database: staff with their history, a year of attendance,
    then ``run_services.run_create`` (history read, month-by-month computation, lines
    written) timed end to end, on a fresh database (``url``; migrated first)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ejamkesda.settings")
    os.environ.setdefault("EJAMKESDA_ENV", "test")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--noinput", verbosity=0)
    from ejamkesda.funds import run_services, services
    from ejamkesda.funds.models import Attendance, RegulationProfile, StaffMember, StaffState
    from ejamkesda.providers.models import Provider

    rng = random.Random(12)
    provider = Provider.objects.create(
        code=f"BENCH{rng.randrange(10**6)}", name="RS Uji", kind="rumah_sakit", level="FKRTL"
    )
    services.profiles_ensure_shipped()
    people = roster(count, rng, True)
    members = StaffMember.objects.bulk_create(
        StaffMember(
            provider=provider, employee_no=p.id, name=p.nama, jenis_tenaga=p.jenis_tenaga, started_on=p.mulai_kerja,
            status=p.status, golongan=p.golongan, roles=";".join(p.rangkap), program_jkn=p.program_jkn,
            ended_on=dt.date(2025, rng.randrange(1, 13), 15) if index % 20 == 0 else None,
        )
        for index, p in enumerate(people)
    )  # fmt: skip
    states = []
    for member in members:
        values = {"provider": provider, "jenis_tenaga": member.jenis_tenaga, "status": member.status,
                  "golongan": member.golongan, "roles": member.roles, "program_jkn": member.program_jkn}  # fmt: skip
        states.append(StaffState(staff=member, valid_from=member.started_on, **values))
        if member.status == "cpns":  # promoted during the year
            states.append(
                StaffState(
                    staff=member, valid_from=dt.date(2025, rng.randrange(2, 13), 1), **{**values, "status": "pns"}
                )
            )
    StaffState.objects.bulk_create(states, batch_size=2000)
    Attendance.objects.bulk_create(
        (
            Attendance(staff=member, period=dt.date(2025, month, 1), days_present=rng.randrange(15, 23),
                       minutes_late=rng.randrange(0, 900))
            for member in members
            for month in range(1, months + 1)
            if member.ended_on is None or member.ended_on >= dt.date(2025, month, 1)
        ),
        batch_size=5000,
    )  # fmt: skip
    profile = RegulationProfile.objects.get(code="kapuas-hulu-9-2015")
    started = time.perf_counter()
    run = run_services.run_create(
        provider=provider, period_from=dt.date(2025, 1, 1), period_to=dt.date(2025, months, 1), profile=profile,
        pool_amount=987_654_321, actor=None,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    # Memory of a run on its own: the same run by ``manage.py jaspel_run`` in a fresh process
    # (the seeding above would otherwise count in this process's peak).
    child_started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "jaspel_run", "--provider", provider.code, "--from", "2025-01",
         "--to", f"2025-{months:02d}", "--profile", "kapuas-hulu-9-2015", "--pool", "987654321"],
        check=True, env={**os.environ}, cwd=ROOT, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    child_elapsed = time.perf_counter() - child_started
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lines = run.lines.count()
    print(
        f"pembagian {lines} pegawai × {months} bulan lewat basis data ({django.db.connection.vendor}): "
        f"{elapsed:.2f} s (target < 10 s); proses tersendiri manage.py jaspel_run {child_elapsed:.2f} s "
        f"termasuk start Django, puncak memori {child_rss:.0f} MiB (target < 500 MB)"
    )


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
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument(
        "--db", metavar="URL", help="also time a run through a fresh database, e.g. sqlite:////tmp/jaspel.sqlite3"
    )
    args = parser.parse_args()
    bench_compute(args.staff)
    if args.months:
        bench_range(args.staff, args.months)
    if args.db:
        bench_db_run(args.staff, args.months or 12, args.db)
    if args.slips:
        bench_slips(args.slips)


if __name__ == "__main__":
    main()
