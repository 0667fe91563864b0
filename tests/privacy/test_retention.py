"""Uploads are deleted once their case has been closed longer than its retention period, never
while the case is open, and every removal is audited."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from ejamkesda.audit.models import AuditLog
from ejamkesda.complaints.models import Complaint, ComplaintStatus
from ejamkesda.enrolment.models import ApplicationDocument, ApplicationStatus, DocumentKind
from ejamkesda.jobs.conf import import_dir
from ejamkesda.jobs.models import Job
from ejamkesda.privacy.retention import purge_expired
from ejamkesda.rules.claims import ClaimState
from ejamkesda.services.models import ClaimAttachment
from tests.enrolment.factories import ApplicationFactory, ComplaintFactory
from tests.services.factories import submitted_claim

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RETENTION_DAYS = {
        "application_documents": 180,
        "complaint_attachments": 365,
        "import_files": 30,
        "claim_attachments": 3650,
    }


def _document(application, kind=DocumentKind.KTP):
    document = ApplicationDocument(
        application=application, kind=kind, original_name="ktp.pdf", content_type="application/pdf", size=4
    )
    document.file.save("ktp.pdf", ContentFile(b"%PDF"), save=True)
    return document


def _application(*, status, decided_days_ago):
    application = ApplicationFactory(status=status)
    if decided_days_ago is not None:
        application.decided_at = NOW - dt.timedelta(days=decided_days_ago)
        application.save(update_fields=["decided_at"])
    return application


def test_documents_of_a_decided_application_go_after_the_period_and_open_ones_stay(django_capture_on_commit_callbacks):
    old_closed = _document(_application(status=ApplicationStatus.REJECTED, decided_days_ago=181))
    recent_closed = _document(_application(status=ApplicationStatus.APPROVED, decided_days_ago=179))
    open_for_long = _document(_application(status=ApplicationStatus.SUBMITTED, decided_days_ago=None))
    ApplicationDocument.objects.filter(pk=open_for_long.pk).update(uploaded_at=NOW - dt.timedelta(days=900))
    old_path = old_closed.file.path

    with django_capture_on_commit_callbacks(execute=True):
        report = purge_expired(now=NOW)

    assert report.removed["application_documents"] == 1
    assert not ApplicationDocument.objects.filter(pk=old_closed.pk).exists()
    assert not os.path.exists(old_path)
    assert ApplicationDocument.objects.filter(pk__in=[recent_closed.pk, open_for_long.pk]).count() == 2
    entry = AuditLog.objects.get(action=AuditLog.Action.DELETE, object_type="enrolment.ApplicationDocument")
    assert entry.object_id == str(old_closed.pk)
    assert "masa simpan" in entry.summary


def test_dry_run_counts_and_removes_nothing():
    document = _document(_application(status=ApplicationStatus.REJECTED, decided_days_ago=400))
    report = purge_expired(now=NOW, dry_run=True)
    assert report.removed["application_documents"] == 1
    assert ApplicationDocument.objects.filter(pk=document.pk).exists()
    assert not AuditLog.objects.filter(action=AuditLog.Action.DELETE).exists()


def test_a_period_of_zero_keeps_everything(settings):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "application_documents": 0}
    _document(_application(status=ApplicationStatus.REJECTED, decided_days_ago=4000))
    assert "application_documents" not in purge_expired(now=NOW).removed
    assert ApplicationDocument.objects.count() == 1


def test_closed_complaint_loses_its_attachment_only_after_the_period():
    old = ComplaintFactory(status=ComplaintStatus.CLOSED, closed_at=NOW - dt.timedelta(days=366))
    old.attachment.save("foto.png", ContentFile(b"\x89PNG"), save=True)
    answered = ComplaintFactory(status=ComplaintStatus.ANSWERED, closed_at=None)
    answered.attachment.save("foto.png", ContentFile(b"\x89PNG"), save=True)

    assert purge_expired(now=NOW).removed["complaint_attachments"] == 1
    assert Complaint.objects.get(pk=old.pk).attachment.name == ""
    assert Complaint.objects.get(pk=answered.pk).attachment.name != ""


def _stored(name: str, content: str = "nik\n") -> Path:
    path = import_dir() / "unggahan" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    return path


def test_import_file_and_error_report_go_30_days_after_the_job(caplog):
    upload = _stored("impor.csv")
    report_file = import_dir() / "laporan" / "kesalahan-1.csv"
    report_file.parent.mkdir(parents=True, exist_ok=True)
    report_file.write_text("baris,kolom\n")
    old = Job.objects.create(
        kind="participants",
        status=Job.Status.SUCCEEDED,
        file_path=str(upload),
        error_report_path=str(report_file),
        finished_at=NOW - dt.timedelta(days=31),
    )
    running = Job.objects.create(
        kind="participants", status=Job.Status.RUNNING, file_path=str(_stored("x.csv")), heartbeat_at=NOW
    )

    with caplog.at_level(logging.INFO, logger="ejamkesda.privacy.retention"):
        assert purge_expired(now=NOW).removed["import_files"] == 1
    old.refresh_from_db()
    assert (old.file_path, old.error_report_path) == ("", "")
    assert not upload.exists() and not report_file.exists()
    running.refresh_from_db()
    assert running.file_path and Path(running.file_path).exists()
    assert f"impor #{old.pk} (participants): berkas dihapus; laporan dihapus" in caplog.text
    entry = AuditLog.objects.get(action=AuditLog.Action.DELETE, object_type="jobs.Job")
    assert entry.object_id == str(old.pk)


def test_an_abandoned_job_loses_its_file_but_a_rerun_still_using_it_keeps_it():
    shared = _stored("bersama.csv")
    original = Job.objects.create(
        kind="participants", status=Job.Status.FAILED, file_path=str(shared), finished_at=NOW - dt.timedelta(days=60)
    )
    rerun = Job.objects.create(kind="participants", status=Job.Status.PENDING, file_path=str(shared))
    abandoned = Job.objects.create(
        kind="participants",
        status=Job.Status.RUNNING,
        file_path=str(_stored("macet.csv")),
        heartbeat_at=NOW - dt.timedelta(days=45),
    )
    Job.objects.filter(pk=abandoned.pk).update(created_at=NOW - dt.timedelta(days=45))

    assert purge_expired(now=NOW).removed["import_files"] == 2
    original.refresh_from_db()
    assert original.file_path == "" and shared.exists()  # the queued re-run still reads it
    rerun.refresh_from_db()
    assert rerun.file_path == str(shared)
    abandoned.refresh_from_db()
    assert abandoned.file_path == "" and not (import_dir() / "unggahan" / "macet.csv").exists()


def test_a_file_read_in_place_outside_the_import_directory_is_not_deleted(tmp_path):
    outside = tmp_path / "server" / "peserta.csv"
    outside.parent.mkdir()
    outside.write_text("nik\n")
    job = Job.objects.create(
        kind="participants",
        status=Job.Status.SUCCEEDED,
        file_path=str(outside),
        finished_at=NOW - dt.timedelta(days=31),
    )
    assert purge_expired(now=NOW).removed["import_files"] == 1
    assert outside.exists()
    job.refresh_from_db()
    assert job.file_path == ""


def test_stored_upload_without_a_job_goes_after_the_period():
    orphan = _stored("yatim.csv")
    fresh = _stored("baru.csv")
    old = (NOW - dt.timedelta(days=31)).timestamp()
    os.utime(orphan, (old, old))
    assert purge_expired(now=NOW).removed["import_files"] == 1
    assert not orphan.exists() and fresh.exists()


def test_claim_attachments_are_kept_for_the_archive_period():
    claim = submitted_claim()
    assert claim.attachments.exists()
    claim.status = ClaimState.PAID.value
    claim.paid_at = NOW - dt.timedelta(days=3000)
    claim.save(update_fields=["status", "paid_at"])
    assert purge_expired(now=NOW).removed["claim_attachments"] == 0

    claim.paid_at = NOW - dt.timedelta(days=3651)
    claim.save(update_fields=["paid_at"])
    attached = claim.attachments.count()
    assert purge_expired(now=NOW).removed["claim_attachments"] == attached
    assert not ClaimAttachment.objects.filter(claim=claim).exists()


def test_command_reports_what_it_removed(capsys):
    _document(_application(status=ApplicationStatus.REJECTED, decided_days_ago=10_000))
    call_command("retention_purge")
    out = capsys.readouterr().out
    assert "application_documents: 1 berkas dihapus" in out
    assert ApplicationDocument.objects.count() == 0
