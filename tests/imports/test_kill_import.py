"""Crash safety, proven: an import of 200,000 rows killed with SIGKILL in mid-flight leaves no
partial batch and no duplicate, and the same file run again completes the register exactly.

The import runs in a real ``manage.py import_participants`` process (with its validation child
process) against a database of its own, on the same database engine the suite runs on.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import time

import pytest

from tests.crash import ROOT, finish, fresh_database, manage, process_env, query

ROWS = 200_000
BATCH = 2_000
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _generator():
    spec = importlib.util.spec_from_file_location("bench_import", ROOT / "benchmarks" / "import_participants.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    people = query(url, "SELECT COUNT(*) FROM participants_person")[0][0]
    duplicates = query(url, "SELECT nik FROM participants_person GROUP BY nik HAVING COUNT(*) > 1")
    orphans = query(
        url,
        "SELECT COUNT(*) FROM participants_person p WHERE NOT EXISTS "
        "(SELECT 1 FROM participants_membership m WHERE m.person_id = p.id)",
    )[0][0]
    memberships = query(url, "SELECT COUNT(*) FROM participants_membership")[0][0]
    assert duplicates == []
    assert orphans == 0
    assert memberships == people
    assert people % BATCH == 0, f"{people} persons: a batch was written in part"
    return people


def test_sigkill_mid_import_leaves_whole_batches_and_a_rerun_completes(tmp_path):
    csv_path = tmp_path / "peserta.csv"
    _generator().generate(csv_path, ROWS)
    with fresh_database(tmp_path) as url:
        env = process_env(url, tmp_path, IMPORT_BATCH_SIZE=str(BATCH))
        finish(manage(env, "migrate", "--noinput", "-v", "0"))
        finish(manage(env, "shell", "-c", REGIONS))

        victim = manage(env, "import_participants", str(csv_path), "--quiet-progress", start_new_session=True)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if victim.poll() is not None:
                pytest.fail(f"the import ended before it could be killed: {victim.communicate()[1][-3000:]}")
            done = query(url, "SELECT COUNT(*) FROM participants_person")[0][0]
            if done >= 5 * BATCH:
                break
            time.sleep(0.05)
        os.killpg(victim.pid, signal.SIGKILL)  # the import and its validation child
        victim.wait()
        time.sleep(0.5)

        written = _invariants(url)
        assert 0 < written < ROWS
        status = query(url, "SELECT status FROM jobs_job ORDER BY id DESC LIMIT 1")[0][0]
        assert status == "berjalan"  # shown as stuck ("macet") once its heartbeat is old

        out = finish(manage(env, "import_participants", str(csv_path), "--quiet-progress"))
        assert f"baru {ROWS - written}," in out
        assert f"tidak berubah {written}" in out
        assert _invariants(url) == ROWS
