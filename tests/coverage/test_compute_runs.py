"""Coverage computation as a background run: progress page, one run per month at a time,
atomic (a failed run changes nothing), the command calls the same service."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ejamkesda.core.roles import Role
from ejamkesda.coverage.models import ComputeRun, CoverageStat, MembershipRecord, Snapshot, SnapshotKind
from ejamkesda.coverage.services import compute as compute_module
from ejamkesda.coverage.services.compute_runs import ComputeBusy, coverage_compute_run, coverage_compute_start
from tests.coverage.factories import (
    VILLAGE_A,
    MembershipRecordFactory,
    PopulationRecordFactory,
    SnapshotFactory,
    nik,
    regions,
)

pytestmark = pytest.mark.django_db
MONTH = dt.date(2026, 10, 1)


def month_data():
    regions()
    population = SnapshotFactory(kind=SnapshotKind.POPULATION, as_of=MONTH)
    membership = SnapshotFactory(kind=SnapshotKind.MEMBERSHIP, as_of=MONTH)
    for serial in (1, 2, 3):
        PopulationRecordFactory(snapshot=population, nik=nik(serial), village_code=VILLAGE_A)
    MembershipRecordFactory(snapshot=membership, nik=nik(1), status="aktif")
    return population, membership


def regency(period_id):
    return CoverageStat.objects.get(period_id=period_id, level=2)


def test_web_starts_a_background_run_and_shows_its_progress(client, login):
    month_data()
    login(Role.UPT_ADMIN)
    response = client.post(reverse("coverage:compute"), {"month": "2026-10"})
    run = ComputeRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("coverage:compute_run", args=[run.pk])
    assert (run.status, run.percent, run.summary) == ("done", 100, {"population": 3, "registered": 1, "active": 1})
    page = client.get(reverse("coverage:compute_run", args=[run.pk]))
    assert page.status_code == 200 and b"hx-get" not in page.content  # finished: no more polling
    partial = client.get(reverse("coverage:compute_progress", args=[run.pk]))
    assert partial.status_code == 200 and partial["Cache-Control"] == "no-store"
    assert regency(run.period_id).active == 1


def test_progress_page_polls_while_the_run_is_active(client, login):
    month_data()
    run = coverage_compute_start(month=MONTH)
    ComputeRun.objects.filter(pk=run.pk).update(
        status="running", percent=40, step="Pemadanan", heartbeat_at=timezone.now()
    )
    login(Role.UPT_VERIFIER)
    partial = client.get(reverse("coverage:compute_progress", args=[run.pk])).content.decode()
    assert "hx-get" in partial and "every 2s" in partial and "40%" in partial and "Pemadanan" in partial


def test_only_upt_sees_runs_and_only_the_admin_starts_them(client, login):
    month_data()
    run = coverage_compute_start(month=MONTH)
    for role in (Role.OPD_OPERATOR, Role.VIEWER):
        login(role)
        assert client.get(reverse("coverage:compute_run", args=[run.pk])).status_code == 403
    login(Role.UPT_VERIFIER)
    assert client.post(reverse("coverage:compute"), {"month": "2026-10"}).status_code == 403


def test_second_start_of_the_same_month_is_told_who_is_running(client, login):
    month_data()
    first = coverage_compute_start(month=MONTH)
    with pytest.raises(ComputeBusy, match=f"#{first.pk}"):
        coverage_compute_start(month=MONTH)
    login(Role.UPT_ADMIN)
    response = client.post(reverse("coverage:compute"), {"month": "2026-10"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("coverage:compute_run", args=[first.pk])
    assert "sedang dihitung" in response.content.decode()
    assert ComputeRun.objects.count() == 1
    with pytest.raises(CommandError, match="sedang dihitung"):
        call_command("coverage_compute", "2026-10", "--quiet-progress")
    # another month is not blocked
    SnapshotFactory(kind=SnapshotKind.POPULATION, as_of=dt.date(2026, 11, 1))
    SnapshotFactory(kind=SnapshotKind.MEMBERSHIP, as_of=dt.date(2026, 11, 1))
    assert coverage_compute_start(month=dt.date(2026, 11, 1)).month == dt.date(2026, 11, 1)


def test_a_stale_run_no_longer_blocks():
    month_data()
    old = coverage_compute_start(month=MONTH)
    ComputeRun.objects.filter(pk=old.pk).update(status="running", heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    new = coverage_compute_start(month=MONTH)
    old.refresh_from_db()
    assert old.status == "failed" and "Terhenti" in old.message and new.status == "pending"


def test_a_run_declared_stale_while_working_stops_and_keeps_its_failed_state():
    """A slow run declared stale by a later start writes no figures and does not come back as done."""
    month_data()
    slow = coverage_compute_start(month=MONTH)

    def declared_stale_meanwhile(percent, step):
        if percent == 10:
            ComputeRun.objects.filter(pk=slow.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
            assert coverage_compute_start(month=MONTH).status == "pending"  # marks the slow one failed

    finished = coverage_compute_run(run_id=slow.pk, on_progress=declared_stale_meanwhile)
    assert finished.status == "failed" and "Terhenti" in finished.message
    assert finished.period_id is None and not CoverageStat.objects.exists()


def test_a_run_is_claimed_once():
    month_data()
    run = coverage_compute_start(month=MONTH)
    assert coverage_compute_run(run_id=run.pk).status == "done"
    calls = []
    again = coverage_compute_run(run_id=run.pk, on_progress=lambda p, s: calls.append(p))
    assert again.status == "done" and calls == []


def test_failed_run_changes_nothing(monkeypatch):
    _population, membership = month_data()
    done = coverage_compute_run(run_id=coverage_compute_start(month=MONTH).pk)
    assert regency(done.period_id).active == 1
    late = MembershipRecordFactory(snapshot=membership, nik=nik(2), status="aktif")

    def broken(*args, **kwargs):
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(compute_module, "_sector_stats", broken)
    failed = coverage_compute_run(run_id=coverage_compute_start(month=MONTH).pk)
    assert failed.status == "failed" and "tetap utuh" in failed.message and "disk" not in failed.message
    assert regency(done.period_id).active == 1  # the old figures are still there
    late.refresh_from_db()
    assert late.resident_nik == ""  # the linking was rolled back too
    assert not ComputeRun.objects.filter(status__in=ComputeRun.ACTIVE).exists()


def test_snapshot_being_imported_is_refused():
    population, membership = month_data()
    Snapshot.objects.filter(pk=membership.pk).update(status=Snapshot.Status.RUNNING)
    run = coverage_compute_start(month=MONTH, population=population, membership=membership)
    run = coverage_compute_run(run_id=run.pk)
    assert run.status == "failed" and "sedang diimpor" in run.message
    assert MembershipRecord.objects.get(snapshot=membership).resident_nik == ""


def test_command_uses_the_same_service(capsys):
    month_data()
    call_command("coverage_compute", "2026-10")
    captured = capsys.readouterr()
    assert "Penduduk 3, terdaftar 1, aktif 1" in captured.out and "100%" in captured.err
    assert ComputeRun.objects.get().status == "done"
    with pytest.raises(CommandError, match="Belum ada data"):
        call_command("coverage_compute", "2025-01")


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_starts_exactly_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    month_data()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def start():
        barrier.wait()
        try:
            coverage_compute_start(month=MONTH)
            outcomes.append("run")
        except ComputeBusy:
            outcomes.append("busy")
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["busy", "run"]
    assert ComputeRun.objects.filter(status="pending").count() == 1
