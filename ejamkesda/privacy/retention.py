"""Uploads are kept only as long as their case needs them (UU 27/2022 Pasal 16 ayat 2 huruf f and
Pasal 43: personal data is deleted when its purpose is fulfilled and its retention period ends).

Each kind of upload has a period in days (``settings.RETENTION_DAYS``) counted from the day its
case closed; an open case keeps its files whatever their age. The periods and their reasons are
in ``docs/pelindungan-data.md`` ("Masa simpan"). ``manage.py retention_purge`` runs this daily
(systemd timer or cron, ``docs/operasional.md``) and every removal is logged and audited without
the file's content or the person's NIK.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from ejamkesda.audit.models import AuditLog
from ejamkesda.audit.services import audit_record
from ejamkesda.complaints.models import Complaint, ComplaintStatus
from ejamkesda.enrolment.models import ApplicationDocument, ApplicationStatus
from ejamkesda.jobs import conf
from ejamkesda.jobs.models import Job
from ejamkesda.rules.claims import ClaimState
from ejamkesda.services.models import ClaimAttachment

logger = logging.getLogger(__name__)

CLOSED_CLAIM_STATES = (ClaimState.PAID.value, ClaimState.REJECTED.value)


@dataclasses.dataclass
class PurgeReport:
    """What one run removed (or would remove, on a dry run), per kind of upload."""

    removed: dict[str, int] = dataclasses.field(default_factory=dict)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.removed.values())


def _cutoff(kind: str, now: dt.datetime) -> dt.datetime | None:
    days = int(settings.RETENTION_DAYS.get(kind, 0))
    return None if days <= 0 else now - dt.timedelta(days=days)


def _expired_application_documents(cutoff: dt.datetime) -> QuerySet[ApplicationDocument]:
    # An application's documents stay while it waits for a decision, however old.
    return ApplicationDocument.objects.filter(application__decided_at__lt=cutoff).exclude(
        application__status=ApplicationStatus.SUBMITTED
    )


def _expired_claim_attachments(cutoff: dt.datetime) -> QuerySet[ClaimAttachment]:
    closed = Q(claim__status=ClaimState.PAID.value, claim__paid_at__lt=cutoff) | Q(
        claim__status=ClaimState.REJECTED.value, claim__decided_at__lt=cutoff
    )
    return ClaimAttachment.objects.filter(closed)


def _delete_file(file: FieldFile) -> None:
    file.delete(save=False)


def _delete_rows(kind: str, rows: Iterable[object], *, dry_run: bool, describe: Callable[[object], str]) -> int:
    count = 0
    for row in rows:
        count += 1
        if dry_run:
            continue
        with transaction.atomic():
            audit_record(  # before the delete, which clears the primary key
                action=AuditLog.Action.DELETE,
                obj=row,  # type: ignore[arg-type]
                summary=f"Berkas dihapus: masa simpan {kind} berakhir ({describe(row)})",
            )
            row.delete()  # type: ignore[attr-defined]
            logger.info("retensi: %s dihapus (%s)", kind, describe(row))
            # The file goes only once the row is gone for good: a rollback keeps both.
            transaction.on_commit(functools.partial(_delete_file, row.file))  # type: ignore[attr-defined]
    return count


def _purge_complaints(cutoff: dt.datetime, *, dry_run: bool) -> int:
    count = 0
    expired = Complaint.objects.filter(status=ComplaintStatus.CLOSED, closed_at__lt=cutoff).exclude(attachment="")
    for complaint in expired.iterator():
        count += 1
        if dry_run:
            continue
        with transaction.atomic():
            Complaint.objects.filter(pk=complaint.pk).update(attachment="")
            transaction.on_commit(functools.partial(_delete_file, complaint.attachment))
            audit_record(
                action=AuditLog.Action.DELETE,
                obj=complaint,
                summary="Lampiran pengaduan dihapus: masa simpan berakhir",
            )
        logger.info("retensi: lampiran pengaduan %s dihapus", complaint.pk)
    return count


def _closed_jobs(cutoff: dt.datetime) -> QuerySet[Job]:
    """Jobs whose file is no longer needed: finished before ``cutoff``, or abandoned (queued or
    running with no sign of life since before ``cutoff``: the worker died and nobody re-ran it)."""
    finished = Q(status__in=(Job.Status.SUCCEEDED, Job.Status.FAILED), finished_at__lt=cutoff)
    abandoned = Q(status__in=(Job.Status.PENDING, Job.Status.RUNNING), created_at__lt=cutoff) & (
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=cutoff)
    )
    return Job.objects.filter(finished | abandoned).exclude(file_path="", error_report_path="")


def _unlink_import_file(name: str, *, still_used: set[str], root: Path) -> str:
    """Delete one stored import file; says what happened, for the log."""
    path = Path(name)
    if name in still_used:
        return "dipakai pekerjaan lain, disimpan"
    if not path.resolve().is_relative_to(root):
        # A file read in place from the command line belongs to whoever put it there.
        return "di luar direktori impor, tidak dihapus"
    path.unlink(missing_ok=True)
    return "dihapus"


def _purge_import_files(cutoff: dt.datetime, *, dry_run: bool) -> int:
    count = 0
    root = conf.import_dir().resolve()
    for job in _closed_jobs(cutoff).iterator():
        count += 1
        if dry_run:
            continue
        # A re-run shares its original's stored upload: kept while any other job still holds it.
        others = Job.objects.exclude(pk=job.pk).exclude(pk__in=_closed_jobs(cutoff).values("pk"))
        still_used = set(others.filter(file_path=job.file_path).values_list("file_path", flat=True))
        outcomes = [
            f"{label} {_unlink_import_file(name, still_used=still_used, root=root)}"
            for label, name in (("berkas", job.file_path), ("laporan", job.error_report_path))
            if name
        ]
        with transaction.atomic():
            Job.objects.filter(pk=job.pk).update(file_path="", error_report_path="")
            audit_record(
                action=AuditLog.Action.DELETE,
                obj=job,
                summary="Berkas impor dan laporan kesalahannya dihapus: masa simpan berakhir",
            )
        logger.info("retensi: impor #%s (%s): %s", job.pk, job.kind, "; ".join(outcomes))
    return count + _purge_orphan_import_files(cutoff, root=root, dry_run=dry_run)


def _purge_orphan_import_files(cutoff: dt.datetime, *, root: Path, dry_run: bool) -> int:
    """Stored uploads and reports no job refers to (an upload whose job was never created)."""
    referenced = {
        str(Path(name).resolve())
        for pair in Job.objects.values_list("file_path", "error_report_path")
        for name in pair
        if name
    }
    count = 0
    for folder in ("unggahan", "laporan"):
        for path in sorted((root / folder).glob("*")) if (root / folder).is_dir() else ():
            if not path.is_file() or str(path.resolve()) in referenced:
                continue
            if dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC) >= cutoff:
                continue
            count += 1
            if not dry_run:
                path.unlink(missing_ok=True)
                logger.info("retensi: berkas impor tanpa pekerjaan dihapus: %s/%s", folder, path.name)
    return count


def purge_expired(*, now: dt.datetime | None = None, dry_run: bool = False) -> PurgeReport:
    """Delete every upload whose case closed longer ago than its retention period."""
    now = now or timezone.now()
    report = PurgeReport(dry_run=dry_run)
    if cutoff := _cutoff("application_documents", now):
        report.removed["application_documents"] = _delete_rows(
            "dokumen pengajuan",
            _expired_application_documents(cutoff).select_related("application").iterator(),
            dry_run=dry_run,
            describe=lambda row: f"pengajuan {row.application.tracking_code}, {row.get_kind_display()}",  # type: ignore[attr-defined]
        )
    if cutoff := _cutoff("claim_attachments", now):
        report.removed["claim_attachments"] = _delete_rows(
            "lampiran klaim",
            _expired_claim_attachments(cutoff).iterator(),
            dry_run=dry_run,
            describe=lambda row: f"klaim #{row.claim_id}, {row.kind}",  # type: ignore[attr-defined]
        )
    if cutoff := _cutoff("complaint_attachments", now):
        report.removed["complaint_attachments"] = _purge_complaints(cutoff, dry_run=dry_run)
    if cutoff := _cutoff("import_files", now):
        report.removed["import_files"] = _purge_import_files(cutoff, dry_run=dry_run)
    for kind, count in report.removed.items():
        if count:
            logger.info("retensi%s: %s berkas %s dihapus", " (uji coba)" if dry_run else "", count, kind)
    return report
