"""Crash safety, proven: an import of 200,000 rows killed with SIGKILL in mid-flight leaves no
partial batch and no duplicate, and the same file run again completes the register exactly.

The import runs in a real ``manage.py import_participants`` process (with its validation child
process) against a database of its own, on the same database engine the suite runs on.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
ROWS = 200_000
BATCH = 2_000
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _generator():
    spec = importlib.util.spec_from_file_location("bench_import", ROOT / "benchmarks" / "import_participants.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def _fresh_database(tmp_path: Path):
    """A database URL of the suite's engine, empty, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'kill.sqlite3'}"
        return
    import psycopg

    source = connection.settings_dict
    name = f"{source['NAME']}_kill"
    auth = source.get("USER") or "postgres"
    if source.get("PASSWORD"):
        auth += f":{source['PASSWORD']}"
    base = f"postgres://{auth}@{source.get('HOST') or '127.0.0.1'}:{source.get('PORT') or 5432}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _query(url: str, sql: str) -> list[tuple]:
    if url.startswith("sqlite"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30)) as conn:
            return conn.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def _manage(env: dict[str, str], *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def _finish(process: subprocess.Popen, timeout: float = 400) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, f"{out}\n{err}"
    return out


REGIONS = """
from ejamkesda.regions.models import Region
parent = None
for code, level in (("64", 1), ("64.09", 2)):
    parent, _ = Region.objects.get_or_create(code=code, defaults={"name": code, "level": level, "parent": parent})
for district in ("640901", "640902", "640903", "640904"):
    code = f"{district[:2]}.{district[2:4]}.{district[4:]}"
    region, _ = Region.objects.get_or_create(code=code, defaults={"name": code, "level": 3, "parent": parent})
    for v in range(1, 11):
        Region.objects.get_or_create(code=f"{code}.{2000 + v}", defaults={"name": "desa", "level": 4, "parent": region})
"""


def _invariants(url: str) -> int:
    """Every person stored came with its membership and its history row, in whole batches."""
    people = _query(url, "SELECT COUNT(*) FROM participants_person")[0][0]
    duplicates = _query(url, "SELECT nik FROM participants_person GROUP BY nik HAVING COUNT(*) > 1")
    orphans = _query(
        url,
        "SELECT COUNT(*) FROM participants_person p WHERE NOT EXISTS "
        "(SELECT 1 FROM participants_membership m WHERE m.person_id = p.id)",
    )[0][0]
    memberships = _query(url, "SELECT COUNT(*) FROM participants_membership")[0][0]
    assert duplicates == []
    assert orphans == 0
    assert memberships == people
    assert people % BATCH == 0, f"{people} persons: a batch was written in part"
    return people


def test_sigkill_mid_import_leaves_whole_batches_and_a_rerun_completes(tmp_path):
    csv_path = tmp_path / "peserta.csv"
    _generator().generate(csv_path, ROWS)
    with _fresh_database(tmp_path) as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "EJAMKESDA_ENV": "test",
            "EJAMKESDA_VAR_DIR": str(tmp_path / "var"),
            "IMPORT_BATCH_SIZE": str(BATCH),
        }
        _finish(_manage(env, "migrate", "--noinput", "-v", "0"))
        _finish(_manage(env, "shell", "-c", REGIONS))

        victim = _manage(env, "import_participants", str(csv_path), "--quiet-progress", start_new_session=True)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if victim.poll() is not None:
                pytest.fail(f"the import ended before it could be killed: {victim.communicate()[1][-3000:]}")
            done = _query(url, "SELECT COUNT(*) FROM participants_person")[0][0]
            if done >= 5 * BATCH:
                break
            time.sleep(0.05)
        os.killpg(victim.pid, signal.SIGKILL)  # the import and its validation child
        victim.wait()
        time.sleep(0.5)

        written = _invariants(url)
        assert 0 < written < ROWS
        status = _query(url, "SELECT status FROM jobs_job ORDER BY id DESC LIMIT 1")[0][0]
        assert status == "berjalan"  # shown as stuck ("macet") once its heartbeat is old

        out = _finish(_manage(env, "import_participants", str(csv_path), "--quiet-progress"))
        assert f"baru {ROWS - written}," in out
        assert f"tidak berubah {written}" in out
        assert _invariants(url) == ROWS
