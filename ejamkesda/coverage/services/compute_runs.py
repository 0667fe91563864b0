"""Coverage computation as a run: started from the web (background task) or the command
``coverage_compute``, both through ``coverage_compute_start`` then ``coverage_compute_run``.

* One run per month at a time: the partial unique constraint on ``ComputeRun`` decides, so
  of two simultaneous starts exactly one gets a run and the other ``ComputeBusy`` naming it.
* A run is claimed with ``select_for_update`` (waiting → running), so two workers never
  run it twice.
* Progress (percent, step) is written outside the figures' transaction, so the progress
  page sees it while the run works; the figures are written in one transaction
  (``coverage_period_compute``): a failed run changes nothing.
* A run with no sign of life for ``STALE_AFTER`` (a killed worker) no longer blocks a new
  one: it is closed as failed when the next run starts.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.audit.services import audit_record
from ejamkesda.core.logging import redact_nik
from ejamkesda.coverage.models import ComputeRun, CoverageStat, Snapshot
from ejamkesda.coverage.services.compute import Progress, coverage_period_compute, resolve_snapshots
from ejamkesda.rules.premium import month_start

logger = logging.getLogger(__name__)


class ComputeBusy(Exception):
    """Another run of the same month is waiting or running."""

    def __init__(self, run: ComputeRun | None) -> None:
        self.run = run
        who = run.created_by.username if run is not None and run.created_by else _("sistem")
        if run is not None:
            message = _(
                "Cakupan bulan %(month)s sedang dihitung (perhitungan #%(id)s oleh %(who)s); tunggu sampai selesai."
            ) % {"month": f"{run.month:%m-%Y}", "id": run.pk, "who": who}
        else:
            message = _("Cakupan bulan ini sedang dihitung; tunggu sampai selesai.")
        super().__init__(message)


class _Superseded(Exception):
    """This run was declared stale by a later start while it was still working."""


def _active(month: dt.date) -> ComputeRun | None:
    return ComputeRun.objects.select_related("created_by").filter(month=month, status__in=ComputeRun.ACTIVE).first()


def coverage_compute_start(
    *,
    month: dt.date,
    actor: Any = None,
    population: Snapshot | None = None,
    membership: Snapshot | None = None,
) -> ComputeRun:
    """Create a waiting run for ``month`` (``ValueError`` without data, ``ComputeBusy``
    when another run of the month is under way)."""
    month = month_start(month)
    population, membership = resolve_snapshots(month, population, membership)
    user = actor if getattr(actor, "is_authenticated", False) else None
    existing = _active(month)
    if existing is not None and existing.is_stale:
        ComputeRun.objects.filter(pk=existing.pk, status__in=ComputeRun.ACTIVE).update(
            status=ComputeRun.Status.FAILED,
            message=_("Terhenti tanpa kabar (proses pekerja mungkin mati); tidak ada angka yang berubah."),
            finished_at=timezone.now(),
        )
    try:
        with transaction.atomic():
            run = ComputeRun.objects.create(
                month=month, population=population, membership=membership, created_by=user, step=_("Menunggu giliran")
            )
            audit_record(action="create", obj=run, summary=f"Mulai hitung cakupan {month:%m-%Y}", actor=user)
    except IntegrityError:
        raise ComputeBusy(_active(month)) from None
    return run


def coverage_compute_enqueue(*, run: ComputeRun) -> None:
    """Run it in the background worker (immediately in tests)."""
    from ejamkesda.coverage.tasks import compute_coverage_task

    compute_coverage_task.enqueue(run.pk)


def _claim(run_id: int) -> ComputeRun | None:
    with transaction.atomic():
        run = ComputeRun.objects.select_for_update().get(pk=run_id)
        if run.status != ComputeRun.Status.PENDING:
            return None
        run.status = ComputeRun.Status.RUNNING
        run.started_at = run.heartbeat_at = timezone.now()
        run.percent = 5
        run.step = _("Membaca data")
        run.save(update_fields=["status", "started_at", "heartbeat_at", "percent", "step"])
        return run


def coverage_compute_run(*, run_id: int, on_progress: Progress | None = None) -> ComputeRun:
    """Run a waiting run to the end; returns it (``FAILED`` with a message on a problem)."""
    run = _claim(run_id)
    if run is None:
        return ComputeRun.objects.get(pk=run_id)
    claimed: ComputeRun = run

    def progress(percent: int, step: str) -> None:
        still_running = ComputeRun.objects.filter(pk=claimed.pk, status=ComputeRun.Status.RUNNING).update(
            percent=min(max(percent, 0), 99), step=step[:200], heartbeat_at=timezone.now()
        )
        if not still_running:  # marked stale by a later start: stop before writing anything more
            raise _Superseded
        if on_progress is not None:
            on_progress(percent, step)

    status, message, period, summary = ComputeRun.Status.DONE, "", None, {}
    try:
        period = coverage_period_compute(
            month=run.month,
            population=run.population,
            membership=run.membership,
            actor=run.created_by,
            progress=progress,
        )
        stat = CoverageStat.objects.filter(period=period, level=2).first()
        if stat is not None:
            summary = {"population": stat.population, "registered": stat.registered, "active": stat.active}
    except _Superseded:
        logger.warning("hitung cakupan #%s dihentikan: sudah dinyatakan terhenti oleh perhitungan berikutnya", run.pk)
    except ValueError as error:
        status, message = ComputeRun.Status.FAILED, str(error)
    except Exception:
        logger.error("hitung cakupan #%s gagal:\n%s", run.pk, redact_nik(traceback.format_exc()))
        status = ComputeRun.Status.FAILED
        message = _("Terjadi kesalahan sistem saat menghitung; angka cakupan sebelumnya tetap utuh. Hubungi admin.")
    with transaction.atomic():
        run = ComputeRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ComputeRun.Status.RUNNING:
            # Declared stale meanwhile (and perhaps replaced): its recorded end stays as it is.
            return run
        run.status, run.message, run.period, run.summary = status, message[:500], period, summary
        run.percent = 100 if status == ComputeRun.Status.DONE else run.percent
        run.step = _("Selesai") if status == ComputeRun.Status.DONE else _("Gagal")
        run.finished_at = timezone.now()
        run.save()
    audit_record(action="update", obj=run, actor=run.created_by, summary=f"Hitung cakupan {run.get_status_display()}")
    return run
