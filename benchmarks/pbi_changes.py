"""Benchmark of the monthly PBI JK change run (Instruksi Bupati Tegal 379/2022 KEDUA 6a).

Builds a regency in a fresh SQLite database — a population register of ``--people`` residents
in ``--households`` households, a DTSEN register of those households (deciles 1–10), a BPJS
membership list (PBI JK, PBPU/BP Pemda, PPU, PBPU; some moved out, died, registered twice,
decile risen) plus people in care — then runs one month's proposal run in a child process,
exactly as the background task does (``pbi_change_start`` + ``pbi_change_run``), and prints
its wall time and peak memory (the child's own VmHWM).

    .venv/bin/python benchmarks/pbi_changes.py                       # 1,000,000 people, 400,000 households
    .venv/bin/python benchmarks/pbi_changes.py --people 20000 --households 8000

Targets: under 60 s and under 1 GB peak memory for 1,000,000 people / 400,000 households.
Building the data set (and migrating the database) is not counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MONTH = dt.date(2026, 10, 1)
VILLAGES = [f"64.09.{d:02d}.20{v:02d}" for d in range(1, 5) for v in range(1, 31)]


def _setup_django(db_path: str | None) -> None:
    if db_path:
        os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ejamkesda.settings")
    os.environ.setdefault("EJAMKESDA_ENV", "test")
    import django

    django.setup()


def _memory_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        fields = dict(line.split(":", 1) for line in fh if ":" in line)
    return int(fields["VmHWM"].split()[0]) / 1024


def populate(*, people: int, households: int, seed: int = 7) -> dict[str, int]:
    """Fill the current database (Django set up) with one month of synthetic data."""
    from django.db import connection, transaction

    from ejamkesda.accounts.models import User
    from ejamkesda.coverage.models import CoveragePeriod, MembershipRecord, PopulationRecord, Snapshot, WelfareRecord
    from ejamkesda.participants.models import Person
    from ejamkesda.providers.models import Provider
    from ejamkesda.services.models import Sjp

    rng = np.random.default_rng(seed)
    household = np.sort(rng.integers(0, households, size=people))
    household[: min(households, people)] = np.arange(min(households, people))  # every household has someone
    household = np.sort(household)
    decile_of_household = rng.integers(1, 11, size=households)
    niks = [f"6409{(i % 4) + 1:02d}0703{60 + (i // 4) % 40:02d}{i // 160 + 1:04d}" for i in range(people)]
    kks = [f"6409010101{h:06d}" for h in household]
    villages = [VILLAGES[h % len(VILLAGES)] for h in household]
    deciles = decile_of_household[household]
    # Membership: deciles 1–4 mostly PBI JK (92 %); others PPU/PBPU/Pemda; 5 % without a card.
    draw = rng.random(people)
    segment = np.where(
        deciles <= 4,
        np.where(draw < 0.92, "pbi_apbn", np.where(draw < 0.96, "pbpu_bp_pemda", "none")),
        np.where(draw < 0.05, "pbi_apbn", np.where(draw < 0.10, "none", np.where(draw < 0.6, "ppu", "pbpu"))),
    )
    in_population = rng.random(people) > 0.01  # 1 % moved out (card and register stay)
    in_register = rng.random(people) > 0.02  # 2 % dropped from the register
    counts = {"people": people, "households": households}
    with transaction.atomic():
        population = Snapshot.objects.create(kind="population", as_of=MONTH, status="done")
        membership = Snapshot.objects.create(kind="membership", as_of=MONTH, status="done")
        welfare = Snapshot.objects.create(kind="welfare", as_of=MONTH, status="done")
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {PopulationRecord._meta.db_table} (snapshot_id, nik, kk_number, name, sex, birth_place, "  # noqa: S608 (table names from the models)
                "address, rt, rw, village_code, district_code) VALUES (%s, %s, %s, %s, 'L', '', 'Jl. Uji', '001', "
                "'002', %s, %s)",
                [
                    (population.pk, niks[i], kks[i], f"Warga {i}", villages[i], villages[i][:8])
                    for i in range(people)
                    if in_population[i]
                ],
            )
            cursor.executemany(
                f"INSERT INTO {WelfareRecord._meta.db_table} (snapshot_id, nik, kk_number, name, decile, status) "  # noqa: S608
                "VALUES (%s, %s, %s, '', %s, '')",
                [(welfare.pk, niks[i], kks[i], int(deciles[i])) for i in range(people) if in_register[i]],
            )
            cards = [
                (
                    membership.pk,
                    f"{i:013d}",
                    niks[i],
                    niks[i],
                    f"Warga {i}",
                    str(segment[i]),
                    "aktif",
                    niks[i] if in_population[i] else "",
                    villages[i] if in_population[i] else "",
                )
                for i in range(people)
                if segment[i] != "none"
            ]
            duplicates = [
                (membership.pk, f"9{i:012d}", niks[i], niks[i], f"Warga {i}", "pbi_apbn", "aktif", niks[i], villages[i])
                for i in range(0, people, 500)
                if segment[i] == "pbi_apbn" and in_population[i]
            ]
            cursor.executemany(
                f"INSERT INTO {MembershipRecord._meta.db_table} (snapshot_id, card_number, nik, reported_nik, name, "  # noqa: S608
                "segment, care_class, status, provider_code, resident_nik, village_code) "
                "VALUES (%s, %s, %s, %s, %s, %s, 3, %s, '', %s, %s)",
                cards + duplicates,
            )
        CoveragePeriod.objects.create(month=MONTH, population=population, membership=membership)
        # Deceased residents and people in care (SJP in the last 90 days).
        dead = list(range(3, people, 400))
        care = list(range(7, people, 600))
        dead_set = set(dead)
        Person.objects.bulk_create(
            [
                Person(
                    nik=niks[i],
                    name=f"Warga {i}",
                    name_key=f"WARGA {i}",
                    sex="L",
                    birth_date=dt.date(1985, 3, 7),
                    deceased=i in dead_set,
                )
                for i in sorted(set(dead) | set(care))
            ],
            batch_size=2000,
        )
        provider = Provider.objects.create(code="BENCH", name="Puskesmas Uji", kind="puskesmas", level="fktp")
        user = User.objects.create(username="bench-ppk", role="ppk_operator", provider=provider)
        ids = dict(Person.objects.filter(nik__in=[niks[i] for i in care]).values_list("nik", "id"))
        today = dt.date.today()
        Sjp.objects.bulk_create(
            [
                Sjp(
                    provider=provider,
                    person_id=ids[niks[i]],
                    service_kind="rawat_jalan",
                    diagnosis_code="A09",
                    service_from=today - dt.timedelta(days=10),
                    status="disetujui",
                    requested_by=user,
                    token=f"bench-{i}",
                )
                for i in care
            ],
            batch_size=2000,
        )
    counts.update({"cards": len(cards) + len(duplicates), "deceased": len(dead), "in_care": len(care)})
    return counts


def measure() -> dict[str, Any]:
    """One month's proposal run as the background task does it; figures of this process."""
    from ejamkesda.coverage.models import PbiChange
    from ejamkesda.coverage.services.pbi_change_runs import pbi_change_run, pbi_change_start

    started = time.perf_counter()
    run = pbi_change_start(month=MONTH)
    run = pbi_change_run(run_id=run.pk)
    seconds = time.perf_counter() - started
    return {
        "status": str(run.status),
        "message": run.message,
        "seconds": round(seconds, 2),
        "proposals": PbiChange.objects.filter(month=MONTH).count(),
        "summary": run.summary,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--households", type=int, default=400_000)
    parser.add_argument("--db", help="SQLite file (default: a new temporary file)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _setup_django(args.db)
        result = measure()
        result["peak_mb"] = round(_memory_mb(), 1)
        print(json.dumps(result))
        return
    db = args.db or str(Path(tempfile.mkdtemp(prefix="pbi-bench-")) / "bench.sqlite3")
    _setup_django(db)
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    counts = populate(people=args.people, households=args.households)
    print(f"data: {counts} in {time.perf_counter() - started:.1f} s (not counted)", file=sys.stderr)
    child = subprocess.run(
        [sys.executable, __file__, "--child", "--db", db], capture_output=True, text=True, check=True
    )
    result = json.loads(child.stdout.strip().splitlines()[-1])
    print(json.dumps(result, indent=2))
    ok = result["status"] == "done" and result["seconds"] < 60 and result["peak_mb"] < 1024
    print(f"{'OK' if ok else 'TARGET MISSED'}: {result['seconds']} s (target < 60), {result['peak_mb']} MB (< 1024)")


if __name__ == "__main__":
    main()
