"""Writes for jobs: create (store the upload), run (the command and the task both call
``job_run``), progress. Every state change is atomic; a job is claimed with
``select_for_update`` so two workers never run the same job.
"""

from __future__ import annotations

import logging
import shutil
import traceback
import uuid
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from ejamkesda.audit.services import audit_record
from ejamkesda.core.logging import redact_nik
from ejamkesda.jobs import conf
from ejamkesda.jobs.importing.base import ImportFileError
from ejamkesda.jobs.importing.runner import ImportProgress, run_import
from ejamkesda.jobs.models import Job
from ejamkesda.jobs.registry import get_import_kind

logger = logging.getLogger(__name__)
SAFE_SUFFIXES = {".csv", ".txt", ".xlsx", ".tsv"}


def _store(source: IO[bytes] | Path, original_name: str) -> tuple[Path, int]:
    suffix = Path(original_name).suffix.lower()
    suffix = suffix if suffix in SAFE_SUFFIXES else ".dat"
    target = conf.import_dir() / "unggahan" / f"{uuid.uuid4().hex}{suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(source, Path):
        shutil.copyfile(source, target)
    else:
        with open(target, "wb") as out:
            chunks = source.chunks() if hasattr(source, "chunks") else iter(lambda: source.read(1 << 20), b"")
            for chunk in chunks:
                out.write(chunk)
    return target, target.stat().st_size


def job_create(
    *,
    kind: str,
    upload: IO[bytes] | Path,
    original_name: str,
    actor: Any = None,
    source: str = "",
    dry_run: bool = False,
    options: dict[str, Any] | None = None,
    in_place: bool = False,
) -> Job:
    """Store the file privately and create a pending job. ``in_place`` (command line): read the
    given path directly instead of copying it."""
    get_import_kind(kind)  # unknown kinds fail early
    if in_place and isinstance(upload, Path):
        path, size = upload.resolve(), upload.stat().st_size
    else:
        path, size = _store(upload, original_name)
    user = actor if getattr(actor, "is_authenticated", False) else None
    job = Job.objects.create(
        kind=kind,
        dry_run=dry_run,
        source=(source or Path(original_name).stem)[:100],
        original_name=Path(original_name).name[:255],
        file_path=str(path),
        file_size=size,
        options=options or {},
        created_by=user,
        agency_id=getattr(user, "agency_id", None),
        provider_id=getattr(user, "provider_id", None),
    )
    audit_record(action="create", obj=job, summary=f"impor {kind}: {job.original_name}", actor=user)
    return job


def job_enqueue(*, job: Job) -> None:
    """Run the job in the background worker (immediately in tests)."""
    from ejamkesda.jobs.tasks import run_job_task

    run_job_task.enqueue(job_id=job.pk)


def _claim(job_id: int) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status != Job.Status.PENDING:
            return None
        job.status = Job.Status.RUNNING
        job.started_at = job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "started_at", "heartbeat_at"])
        return job


def _save_progress(job: Job, state: ImportProgress) -> None:
    Job.objects.filter(pk=job.pk).update(
        progress=state.fraction,
        rows_read=state.rows_read,
        rows_valid=state.rows_valid,
        rows_rejected=state.rows_rejected,
        rows_created=state.created,
        rows_updated=state.updated,
        rows_unchanged=state.unchanged,
        error_count=state.errors,
        heartbeat_at=timezone.now(),
    )


def _tell_importer_failed(importer: Any, *, job_id: int, message: str) -> None:
    """Call the importer's optional ``abort(message=...)`` so that what it opened (a coverage
    snapshot marked "being imported", say) says the job failed instead of staying open."""
    abort = getattr(importer, "abort", None)
    if not callable(abort):
        return
    try:
        abort(message=message)
    except Exception:
        logger.error("impor #%s: abort() gagal:\n%s", job_id, redact_nik(traceback.format_exc()))


def job_run(*, job_id: int, on_progress: Any = None) -> Job:
    """Run a pending job to the end. Returns the job (``FAILED`` with a message on a bad file)."""
    job = _claim(job_id)
    if job is None:
        return Job.objects.get(pk=job_id)
    claimed: Job = job
    kind = get_import_kind(job.kind)
    report_path = conf.import_dir() / "laporan" / f"kesalahan-{job.pk}.csv"

    def progress(state: ImportProgress) -> None:
        _save_progress(claimed, state)
        if on_progress is not None:
            on_progress(state)

    status, message, state, importer = Job.Status.SUCCEEDED, "", None, None
    try:
        importer = kind.make_importer(source=job.source, actor=job.created_by, **job.options)
        state = run_import(
            job.file_path, importer, error_report_path=report_path, dry_run=job.dry_run, progress=progress
        )
    except ImportFileError as error:
        status, message = Job.Status.FAILED, str(error)
    except Exception:
        # The traceback may quote row values (a NIK in a constraint message): redacted first.
        logger.error("impor #%s gagal:\n%s", job.pk, redact_nik(traceback.format_exc()))
        status, message = (
            Job.Status.FAILED,
            "Terjadi kesalahan sistem saat impor. Data yang sudah tersimpan per batch tetap utuh; hubungi admin.",
        )
    if status == Job.Status.FAILED and importer is not None:
        _tell_importer_failed(importer, job_id=claimed.pk, message=message)
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        job.status, job.message = status, message
        job.finished_at = timezone.now()
        if state is not None:
            job.progress = 1.0
            job.rows_read, job.rows_valid, job.rows_rejected = state.rows_read, state.rows_valid, state.rows_rejected
            job.rows_created, job.rows_updated, job.rows_unchanged = state.created, state.updated, state.unchanged
            job.error_count = state.errors
            job.details = {
                "file_kind": state.file_kind,
                "encoding": state.encoding,
                "delimiter": state.delimiter,
                "ignored_headers": state.ignored_headers[:50],
                "seconds": round(state.seconds, 2),
                "bulk_load": state.bulk_load,
            }
        job.error_report_path = str(report_path) if report_path.exists() else ""
        job.save()
    audit_record(
        action="update",
        obj=job,
        actor=job.created_by,
        summary=f"impor {job.kind} {job.get_status_display()}",
        changes={
            "baru": job.rows_created,
            "diperbarui": job.rows_updated,
            "tidak_berubah": job.rows_unchanged,
            "ditolak": job.rows_rejected,
            "uji_coba": job.dry_run,
        },
    )
    return job


def job_rerun(*, job: Job, actor: Any) -> Job:
    """A new pending job on the same stored file (safe: imports are idempotent)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    new = Job.objects.create(
        kind=job.kind,
        dry_run=False,
        source=job.source,
        original_name=job.original_name,
        file_path=job.file_path,
        file_size=job.file_size,
        options=job.options,
        created_by=user,
        agency_id=job.agency_id,
        provider_id=job.provider_id,
    )
    audit_record(action="create", obj=new, summary=f"impor ulang dari #{job.pk}", actor=user)
    return new
