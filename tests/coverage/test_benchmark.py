"""Scale check, skipped unless COVERAGE_BENCH=<rows> is set, e.g.
COVERAGE_BENCH=200000 EJAMKESDA_ENV=test pytest tests/coverage/test_benchmark.py -s -p no:randomly
(the computation runs as a ComputeRun, as from the web; wall and CPU seconds are printed)."""

from __future__ import annotations

import datetime as dt
import os
import random
import resource
import time

import pytest

from ejamkesda.coverage.importing import import_rows
from ejamkesda.coverage.models import SectorEntry, SnapshotKind
from ejamkesda.coverage.selectors import residents_without_active_jkn
from ejamkesda.coverage.services.compute_runs import coverage_compute_run, coverage_compute_start
from tests.factories import ensure_region_tree

ROWS = int(os.environ.get("COVERAGE_BENCH", "0"))
pytestmark = [pytest.mark.django_db, pytest.mark.skipif(not ROWS, reason="COVERAGE_BENCH not set")]


def test_import_and_compute_at_scale():
    rng = random.Random(7)
    villages = [f"64.09.{d:02d}.20{v:02d}" for d in range(1, 11) for v in range(1, 21)]
    for code in villages:
        ensure_region_tree(code)

    # Valid NIKs: district 01–10, born 07-03-19YY, serial unique per stem.
    people = []
    for i in range(ROWS):
        district = i % 10 + 1
        year = 60 + (i // 10) % 40
        serial = i // 400 + 1
        people.append(
            (f"6409{district:02d}0703{year:02d}{serial:04d}", f"64.09.{district:02d}.20{(i // 10) % 20 + 1:02d}")
        )

    def population_rows():
        for n, (nik, village) in enumerate(people, start=2):
            yield (
                n,
                {
                    "nik": nik,
                    "nama": f"Warga {n}",
                    "jenis_kelamin": "L",
                    "tgl_lahir": "1985-03-07",
                    "kode_desa": village,
                },
            )

    def membership_rows():
        for n, (nik, _village) in enumerate(people, start=2):
            if rng.random() < 0.9:
                yield (
                    n,
                    {
                        "no_kartu": f"{n:013d}",
                        "nik": nik,
                        "nama": f"Warga {n}",
                        "segmen": "PBI",
                        "status": rng.choice(["AKTIF"] * 9 + ["MENUNGGAK"]),
                    },
                )

    month = dt.date(2026, 10, 1)
    started = time.perf_counter()
    result = import_rows(kind=SnapshotKind.POPULATION, as_of=month, rows=population_rows())
    population_seconds = time.perf_counter() - started
    assert result.error_count == 0, result.errors[:3]
    started = time.perf_counter()
    import_rows(kind=SnapshotKind.MEMBERSHIP, as_of=month, rows=membership_rows())
    membership_seconds = time.perf_counter() - started
    # one agency list of ROWS/10 people, every tenth without NIK (linked by pemadanan)
    from tests.coverage.factories import SectorListFactory

    def sector_rows():
        for i in range(ROWS // 10):
            index = i * 7 % ROWS
            nik, _village = people[index]
            yield i + 2, {"nik": "" if i % 10 == 0 else nik, "nama": f"Warga {index + 2}", "tgl_lahir": "1985-03-07"}

    import_rows(kind=SnapshotKind.SECTOR, as_of=month, rows=sector_rows(), sector_list=SectorListFactory())
    started, cpu = time.perf_counter(), time.process_time()

    def step(percent: int, text: str) -> None:
        print(
            f"  {time.perf_counter() - started:6.1f}s wall {time.process_time() - cpu:6.1f}s cpu  {percent:3d}% {text}"
        )

    run = coverage_compute_run(run_id=coverage_compute_start(month=month).pk, on_progress=step)
    assert run.status == "done", run.message
    period = run.period
    compute_seconds, compute_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    first_page = list(residents_without_active_jkn(period, "64.09.01.2001")[:50])
    list_seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nrows={ROWS} population_import={population_seconds:.1f}s membership_import={membership_seconds:.1f}s "
        f"compute={compute_seconds:.1f}s (cpu {compute_cpu:.1f}s) village_list_page={list_seconds * 1000:.0f}ms "
        f"peak_rss={peak_mb:.0f}MB uncovered_in_village={len(first_page)} "
        f"sector_linked={SectorEntry.objects.exclude(resident_nik='').count()}/{SectorEntry.objects.count()}"
    )
