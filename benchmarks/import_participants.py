"""Benchmark of the participant import (docs/impor-data.md).

Generates a synthetic CSV of N rows (default 1,000,000) with faker ``id_ID`` names —
NIKs consistent with district, sex and birth date, KK numbers, addresses, villages, JKN
memberships — into a fresh database, imports it with the same job code as
``manage.py import_participants``, then imports it again (the idempotent re-run), and
prints rows/s and peak memory (RSS) of the import process.

    .venv/bin/python benchmarks/import_participants.py                   # SQLite, 1M rows
    .venv/bin/python benchmarks/import_participants.py --rows 100000
    .venv/bin/python benchmarks/import_participants.py --database-url postgres://postgres@127.0.0.1:5432/ejk_bench

``IMPORT_PARALLEL_WRITES=0`` in the environment: one writer connection instead of two
(PostgreSQL), for comparison. The PostgreSQL database is created if missing and its participant tables are emptied.
Target on the 2-core reference machine: ≥ 20,000 rows/s SQLite, ≥ 30,000 rows/s
PostgreSQL, peak memory ≤ 500 MB.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DISTRICTS = ("640901", "640902", "640903", "640904")
SEGMENTS = ("PBI APBN", "PBPU/BP Pemda", "PPU", "PBPU", "BP")
STATUSES = ("AKTIF", "AKTIF", "AKTIF", "NONAKTIF", "MENUNGGAK")
HEADER = ("NIK", "NO_KK", "NAMA", "JK", "TEMPAT_LAHIR", "TGL_LAHIR", "ALAMAT", "RT", "RW", "KODE_DESA",
          "NO_KARTU", "SEGMEN", "KELAS", "STATUS", "TMT")  # fmt: skip


def villages() -> list[str]:
    return [f"{d[:2]}.{d[2:4]}.{d[4:]}.{2000 + v}" for d in DISTRICTS for v in range(1, 11)]


def generate(path: Path, rows: int, seed: int = 2026) -> None:
    """Write ``rows`` rows fast: faker only fills small pools, the rows combine them."""
    from faker import Faker

    faker = Faker("id_ID")
    faker.seed_instance(seed)
    rng = random.Random(seed)
    male = [faker.first_name_male() for _ in range(400)]
    female = [faker.first_name_female() for _ in range(400)]
    last = [faker.last_name() for _ in range(600)]
    streets = [faker.street_address() for _ in range(3000)]
    places = [faker.city_name() for _ in range(200)]
    village_codes = villages()
    epoch = dt.date(1940, 1, 1)
    dates = [epoch + dt.timedelta(days=i) for i in range(20000)]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        chunk = []
        for i in range(rows):
            date_index, rest = i % 20000, i // 20000
            district, serial = DISTRICTS[rest % 4], rest // 4 + 1
            born = dates[date_index]
            female_row = rng.random() < 0.5
            day = born.day + (40 if female_row else 0)
            nik = f"{district}{day:02d}{born:%m%y}{serial:04d}"
            name = f"{rng.choice(female if female_row else male)} {rng.choice(last)}"
            village = village_codes[(rest % 4) * 10 + rng.randrange(10)]
            chunk.append((
                nik,
                f"{district}{rng.randrange(10**10):010d}",
                name,
                "P" if female_row else "L",
                rng.choice(places),
                f"{born.day:02d}-{born.month:02d}-{born.year}",
                rng.choice(streets),
                f"{rng.randrange(1, 30):03d}",
                f"{rng.randrange(1, 10):03d}",
                village,
                f"{i:013d}",
                rng.choice(SEGMENTS),
                rng.choice("123"),
                rng.choice(STATUSES),
                f"2024-{rng.randrange(1, 13):02d}-01",
            ))  # fmt: skip
            if len(chunk) == 10000:
                writer.writerows(chunk)
                chunk.clear()
        writer.writerows(chunk)


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """CPU of this process, or (RUSAGE_CHILDREN) of its finished children: the validation
    process of a big file (``runner._in_process``), joined before the import returns."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _pss_kb(pid: int) -> int:
    """Proportional set size of one process: pages shared with another (a forked child's
    copy-on-write copy of its parent) count half in each, so the sum over processes is real memory."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class MemorySampler:
    """Peak of PSS(this process) + PSS(its children), sampled every 0.2 s in a thread."""

    def __init__(self) -> None:
        import threading

        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.2):
            total = _pss_kb(me) + sum(_pss_kb(child) for child in _children(me))
            self.peak_kb = max(self.peak_kb, total)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_kb / 1024


HELPER_SERVER_CPU = [0.0]  # CPU of the backends of the runner's helper writer connections, when they close


def server_cpu_seconds() -> float | None:
    """CPU time of this connection's PostgreSQL backend (server on this machine), plus that of
    the backends the import's helper writer threads have closed, else None."""
    own = _backend_cpu_seconds()
    return None if own is None else own + HELPER_SERVER_CPU[0]


def _backend_cpu_seconds() -> float | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def count_helper_backends() -> None:
    """Measure the helper writer connections too: their backend's CPU is read just before they close."""
    from ejamkesda.jobs.importing import runner

    close = runner._close_connection

    def measured_close() -> None:
        HELPER_SERVER_CPU[0] += _backend_cpu_seconds() or 0.0
        close()

    runner._close_connection = measured_close


def ensure_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def run_import(csv_path: Path) -> None:
    """In this process: set up Django on a fresh database, import twice, print figures."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    count_helper_backends()
    from ejamkesda.jobs.services import job_create, job_run
    from ejamkesda.participants.models import Membership, ParticipantHistory, Person
    from ejamkesda.regions.models import Region

    # Empty the participant tables with plain SQL: Django's delete() would load every row
    # into memory and spoil the peak-memory figure of the import.
    with connection.cursor() as cursor:
        tables = [model._meta.db_table for model in (ParticipantHistory, Membership, Person)]
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - names from _meta
    parent = None
    for code, level in (("64", 1), ("64.09", 2)):
        parent, _ = Region.objects.get_or_create(code=code, defaults={"name": code, "level": level, "parent": parent})
    for district in DISTRICTS:
        code = f"{district[:2]}.{district[2:4]}.{district[4:]}"
        region, _ = Region.objects.get_or_create(code=code, defaults={"name": code, "level": 3, "parent": parent})
        for village in villages():
            if village.startswith(code + "."):
                Region.objects.get_or_create(code=village, defaults={"name": village, "level": 4, "parent": region})
    with open(csv_path, encoding="utf-8") as handle:
        rows = sum(1 for _ in handle) - 1
    print(
        f"database: {connection.vendor}; rows: {rows:,}; file: {csv_path.stat().st_size / 1e6:.0f} MB; "
        f"CPUs: {os.cpu_count()}",
        flush=True,
    )
    sampler = MemorySampler()
    for label in ("first import", "re-run (same file)"):
        job = job_create(kind="participants", upload=csv_path, original_name=csv_path.name, source="bench",
                         in_place=True)  # fmt: skip
        load_before = os.getloadavg()[0]
        server_started = server_cpu_seconds()
        started, cpu_started = time.perf_counter(), cpu_seconds()
        child_started = cpu_seconds(resource.RUSAGE_CHILDREN)
        rows_done: list[float] = []  # when the last row was written (the rest: indexes rebuilt, statistics)

        def note(state: Any, rows: int = rows, rows_done: list[float] = rows_done) -> None:
            if state.rows_read >= rows and not rows_done:
                rows_done.append(time.perf_counter())

        job = job_run(job_id=job.pk, on_progress=note)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
        assert job.status == "selesai", job.message
        phases = f" (rows written in {rows_done[0] - started:.1f} s, then {started + seconds - rows_done[0]:.1f} s)"
        child = cpu_seconds(resource.RUSAGE_CHILDREN) - child_started
        server_ended = server_cpu_seconds()
        server = ""
        if server_started is not None and server_ended is not None:
            server_cpu = server_ended - server_started
            server = f" + PostgreSQL server {server_cpu:.1f} s ({server_cpu / rows * 1e6:.1f} µs/row, all connections)"
        print(
            f"{label}: wall {seconds:.1f} s = {rows / seconds:,.0f} rows/s{phases}; "
            f"CPU: import process {cpu:.1f} s ({cpu / rows * 1e6:.1f} µs/row, all threads) + validation process "
            f"{child:.1f} s ({child / rows * 1e6:.1f} µs/row){server}; "
            f"load average {load_before:.1f} → {os.getloadavg()[0]:.1f}; created {job.rows_created:,}, "
            f"updated {job.rows_updated:,}, unchanged {job.rows_unchanged:,}, rejected {job.rows_rejected:,}; "
            f"peak RSS so far {peak_rss_mb():.0f} MB "
            f"(validation process {peak_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB)",
            flush=True,
        )
    print(
        f"people {Person.objects.count():,}, memberships {Membership.objects.count():,}, "
        f"history rows {ParticipantHistory.objects.count():,}"
    )
    print(
        f"peak memory: RSS of the import process {peak_rss_mb():.0f} MB, of its validation process "
        f"{peak_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB (RSS counts the pages the two share twice); "
        f"both together (PSS, sampled every 0.2 s): {sampler.stop():.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL; SQLite in a temporary folder if empty")
    parser.add_argument("--file", default="", help="reuse/keep the generated CSV at this path")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--import-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:  # child processes always get --file
        generate(Path(args.file), args.rows)
        return
    if args.import_only:
        run_import(Path(args.file))
        return
    workdir = Path(tempfile.mkdtemp(prefix="ejk-bench-"))
    csv_path = Path(args.file) if args.file else workdir / f"peserta-{args.rows}.csv"
    if not csv_path.exists():
        started = time.perf_counter()
        # A separate process, so the generator's memory does not count in the import's peak.
        subprocess.run([sys.executable, __file__, "--generate-only", "--rows", str(args.rows), "--file", str(csv_path)],
                       check=True)  # fmt: skip
        print(f"generated {args.rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
    env = dict(
        os.environ, EJAMKESDA_ENV="test", EJAMKESDA_VAR_DIR=str(workdir), DJANGO_SETTINGS_MODULE="ejamkesda.settings"
    )
    if args.database_url:
        ensure_postgres_database(args.database_url)
        env["DATABASE_URL"] = args.database_url
    else:
        env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(ROOT)
    try:
        subprocess.run(
            [sys.executable, __file__, "--import-only", "--file", str(csv_path)], check=True, env=env, cwd=ROOT
        )
    finally:
        for path in sorted(workdir.rglob("*"), reverse=True):
            if path != csv_path or not args.file:
                path.unlink() if path.is_file() else path.rmdir()
        workdir.rmdir()


if __name__ == "__main__":
    main()
