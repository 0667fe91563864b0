"""Crash safety of a distribution run: a 12-month run killed with SIGKILL in mid-flight (its
lines already written inside the transaction) leaves no run and no line, and the same run
started again completes, exact to the rupiah.

The run happens in a real ``manage.py shell`` process against a database of its own, on the
same database engine the suite runs on (the pattern of tests/imports/test_kill_import.py).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.imports.test_kill_import import _finish, _fresh_database, _manage, _query

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
POOL = 123_456_789

SEED = """
import datetime as dt
from ejamkesda.funds import services
from ejamkesda.funds.models import Attendance, StaffMember
from ejamkesda.providers.models import Provider
provider = Provider.objects.create(code="RSB", name="RS Uji", kind="rumah_sakit", level="FKRTL")
services.profiles_ensure_shipped()
for n in range(300):
    member = services.staff_save(provider=provider, actor=None, data={
        "employee_no": f"E{n}", "name": f"Pegawai {n:03d}", "jenis_tenaga": "nakes_d3", "education": "D3",
        "started_on": dt.date(2015, 1, 1), "roles": "", "status": "pns", "golongan": "III/a",
        "program_jkn": False, "bank_name": "", "bank_account": "", "active": True})
    Attendance.objects.bulk_create(
        Attendance(staff=member, period=dt.date(2025, m, 1), days_present=20, minutes_late=(n * m) % 900)
        for m in range(1, 13))
"""

RUN = """
import datetime as dt, os, sys, time
from ejamkesda.funds import run_services
from ejamkesda.funds.models import RegulationProfile, RunLine
from ejamkesda.providers.models import Provider
if os.environ.get("KILL_MARKER"):
    original = RunLine.objects.bulk_create
    def stalled(*args, **kwargs):
        created = original(*args, **kwargs)
        open(os.environ["KILL_MARKER"], "w").write(str(len(created)))
        time.sleep(600)
        return created
    RunLine.objects.bulk_create = stalled
run = run_services.run_create(
    provider=Provider.objects.get(code="RSB"), period_from=dt.date(2025, 1, 1), period_to=dt.date(2025, 12, 1),
    profile=RegulationProfile.objects.get(code="kapuas-hulu-9-2015"), pool_amount=POOL_AMOUNT, actor=None)
print("run", run.pk, run.lines.count())
""".replace("POOL_AMOUNT", str(POOL))


def _counts(url: str) -> tuple[int, int]:
    runs = _query(url, "SELECT COUNT(*) FROM funds_distributionrun")[0][0]
    lines = _query(url, "SELECT COUNT(*) FROM funds_runline")[0][0]
    return runs, lines


def _audited(url: str) -> int:
    return _query(url, "SELECT COUNT(*) FROM audit_auditlog WHERE object_type = 'funds.DistributionRun'")[0][0]


def test_sigkill_mid_run_leaves_nothing_and_a_rerun_completes(tmp_path: Path):
    with _fresh_database(tmp_path) as url:
        env = {**os.environ, "DATABASE_URL": url, "EJAMKESDA_ENV": "test", "EJAMKESDA_VAR_DIR": str(tmp_path / "v")}
        _finish(_manage(env, "migrate", "--noinput", "-v", "0"))
        _finish(_manage(env, "shell", "-c", SEED))

        marker = tmp_path / "lines-written"
        victim = _manage({**env, "KILL_MARKER": str(marker)}, "shell", "-c", RUN, start_new_session=True)
        deadline = time.monotonic() + 300
        while not marker.exists() or not marker.read_text():
            if victim.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the run ended before it could be killed: {victim.communicate()[1][-3000:]}")
            time.sleep(0.05)
        assert marker.read_text() == "300"  # every line written, not yet committed
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()

        assert _counts(url) == (0, 0)
        assert _audited(url) == 0

        out = _finish(_manage(env, "shell", "-c", RUN))
        assert out.strip().endswith(" 300")
        assert _counts(url) == (1, 300)
        assert _query(url, "SELECT SUM(share) FROM funds_runline")[0][0] == POOL
        assert _audited(url) == 1
