"""Upload, job page, progress partial, error report download, scoping, re-run, command."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.jobs.models import Job
from ejamkesda.jobs.services import job_create, job_run
from ejamkesda.participants.models import Person
from tests.factories import ensure_region_tree, user_with_role
from tests.imports.factories import person_row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(tmp_path, monkeypatch, settings):
    settings.IMPORT_DIR = str(tmp_path / "impor")
    ensure_region_tree("64.09.01.2001")


def upload(client, tmp_path, rows, **data):
    path = write_csv(tmp_path / "peserta.csv", rows)
    payload = {"source": "BPJS Jan", "programme": "jkn", **data}
    payload["file"] = SimpleUploadedFile("peserta.csv", path.read_bytes(), content_type="text/csv")
    return client.post(reverse("jobs:participants_upload"), payload)


def test_upt_admin_uploads_and_the_job_runs(client, login, tmp_path):
    admin = login(Role.UPT_ADMIN)
    response = upload(client, tmp_path, [person_row(1), person_row(2, NAMA="=1+1")])
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.SUCCEEDED
    assert (job.rows_read, job.rows_created, job.rows_rejected, job.error_count) == (2, 1, 1, 1)
    assert job.created_by == admin and job.source == "BPJS Jan"
    assert Person.objects.get().memberships.get().source == "BPJS Jan"
    page = client.get(reverse("jobs:detail", args=[job.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Selesai" in body and 'value="100"' in body
    assert reverse("jobs:error_report", args=[job.pk, "xlsx"]) in body
    assert "hx-trigger" not in body  # finished: no more polling
    assert AuditLog.objects.filter(object_type="jobs.Job", object_id=str(job.pk)).exists()


def test_running_job_polls_its_progress(client, login):
    login(Role.UPT_ADMIN)
    job = Job.objects.create(kind="participants", status=Job.Status.RUNNING, progress=0.42, rows_read=420)
    body = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("jobs:progress", args=[job.pk])}"' in body and "every 2s" in body
    partial = client.get(reverse("jobs:progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and 'value="42"' in partial.content.decode()
    assert partial["Cache-Control"] == "no-store"


def test_error_report_downloads_are_escaped(client, login, tmp_path):
    login(Role.UPT_ADMIN)
    upload(client, tmp_path, [person_row(1, NAMA='=HYPERLINK("x")')])
    job = Job.objects.get()
    csv_response = client.get(reverse("jobs:error_report", args=[job.pk, "csv"]))
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    xlsx_response = client.get(reverse("jobs:error_report", args=[job.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx_response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("baris", "kolom", "nilai", "alasan")
    assert rows[1][:3] == (2, "NAMA", '\'=HYPERLINK("x")')
    assert AuditLog.objects.filter(action="export", object_id=str(job.pk)).count() == 2


def test_bad_file_gives_a_clear_message_not_a_traceback(client, login, tmp_path):
    login(Role.UPT_ADMIN)
    path = tmp_path / "x.csv"
    path.write_text("nama,alamat\r\nBudi,Jl\r\n", encoding="utf-8")
    client.post(
        reverse("jobs:participants_upload"),
        {"programme": "jkn", "file": SimpleUploadedFile("x.csv", path.read_bytes())},
    )
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "Kolom wajib tidak ditemukan: NIK" in job.message
    assert "Kolom wajib tidak ditemukan: NIK" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()


def test_pdf_upload_is_refused_in_the_form(client, login):
    login(Role.UPT_ADMIN)
    response = client.post(
        reverse("jobs:participants_upload"),
        {"programme": "jkn", "file": SimpleUploadedFile("data.csv", b"%PDF-1.4 xxx")},
    )
    assert response.status_code == 200 and "PDF" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize("role", [Role.UPT_VERIFIER, Role.PPK_OPERATOR, Role.OPD_OPERATOR, Role.VIEWER])
def test_only_upt_admins_may_upload(client, login, role):
    login(role)
    assert client.get(reverse("jobs:participants_upload")).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("jobs:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_jobs_are_scoped_to_agency_and_provider(client, login):
    opd = login(Role.OPD_OPERATOR)
    own = Job.objects.create(kind="participants", agency=opd.agency, original_name="milik-sendiri.csv")
    other_agency = user_with_role(Role.OPD_OPERATOR)
    foreign = Job.objects.create(kind="participants", agency=other_agency.agency, original_name="milik-lain.csv")
    upt_job = Job.objects.create(kind="participants", original_name="upt.csv")
    listing = client.get(reverse("jobs:list")).content.decode()
    assert "milik-sendiri.csv" in listing and "milik-lain.csv" not in listing and "upt.csv" not in listing
    assert client.get(reverse("jobs:detail", args=[own.pk])).status_code == 200
    for job in (foreign, upt_job):
        assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("jobs:progress", args=[job.pk])).status_code == 404
        assert client.get(reverse("jobs:error_report", args=[job.pk, "csv"])).status_code == 404


def test_ppk_operator_sees_only_their_provider_jobs(client, login):
    ppk = login(Role.PPK_OPERATOR)
    other = user_with_role(Role.PPK_OPERATOR)
    mine = Job.objects.create(kind="participants", provider=ppk.provider)
    theirs = Job.objects.create(kind="participants", provider=other.provider)
    assert client.get(reverse("jobs:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("jobs:detail", args=[theirs.pk])).status_code == 404


def test_upt_sees_every_job(client, login):
    login(Role.UPT_VERIFIER)
    opd = user_with_role(Role.OPD_OPERATOR)
    job = Job.objects.create(kind="participants", agency=opd.agency, original_name="opd.csv")
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 200


def test_rerun_creates_a_new_job_that_changes_nothing(client, login, tmp_path):
    login(Role.UPT_ADMIN)
    upload(client, tmp_path, [person_row(1), person_row(2)])
    first = Job.objects.get()
    response = client.post(reverse("jobs:rerun", args=[first.pk]))
    second = Job.objects.exclude(pk=first.pk).get()
    assert response.url == reverse("jobs:detail", args=[second.pk])
    assert (second.status, second.rows_unchanged, second.rows_created) == (Job.Status.SUCCEEDED, 2, 0)
    assert Person.objects.count() == 2


def test_rerun_needs_post_and_admin(client, login, tmp_path):
    login(Role.UPT_VERIFIER)
    job = Job.objects.create(kind="participants", status=Job.Status.SUCCEEDED)
    assert client.post(reverse("jobs:rerun", args=[job.pk])).status_code == 403


def test_a_job_runs_once_even_if_started_twice(tmp_path):
    path = write_csv(tmp_path / "a.csv", [person_row(1)])
    job = job_create(kind="participants", upload=path, original_name="a.csv")
    assert job_run(job_id=job.pk).status == Job.Status.SUCCEEDED
    again = job_run(job_id=job.pk)  # already finished: not claimed again
    assert again.rows_created == 1 and Person.objects.count() == 1


def test_command_imports_prints_a_summary_and_the_report_path(tmp_path, capsys):
    path = write_csv(tmp_path / "a.csv", [person_row(1), person_row(2, NIK="1")])
    call_command("import_participants", str(path), "--source", "Dukcapil", "--quiet-progress")
    out = capsys.readouterr().out
    assert "baru 1" in out and "ditolak 1" in out
    assert "laporan kesalahan" in out and ".csv" in out
    assert Person.objects.get().memberships.get().source == "Dukcapil"


def test_command_dry_run_saves_nothing(tmp_path, capsys):
    path = write_csv(tmp_path / "a.csv", [person_row(1)])
    call_command("import_participants", str(path), "--dry-run", "--quiet-progress")
    assert "UJI COBA" in capsys.readouterr().out
    assert not Person.objects.exists()


def test_command_reports_a_bad_file(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="kosong"):
        call_command("import_participants", str(path), "--quiet-progress")


def test_demo_seed_leaves_a_finished_import_with_an_error_report():
    import random

    from faker import Faker

    from ejamkesda.core.demo import DemoContext
    from ejamkesda.jobs.demo import seed
    from tests.factories import PersonFactory

    people = PersonFactory.create_batch(25)
    admin = user_with_role(Role.UPT_ADMIN)
    context = DemoContext(
        rng=random.Random(1), faker=Faker("id_ID"), regency_code="64.09", users={"demo_admin": admin},
        person_ids=[person.pk for person in people], log=lambda line: None,
    )  # fmt: skip
    seed(context)
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED and job.created_by == admin
    assert job.rows_unchanged + job.rows_updated == 25
    assert job.rows_rejected == 3 and job.has_error_report


def test_a_stale_running_job_says_so_and_can_be_rerun(client, login, tmp_path):
    import datetime as dt

    from django.utils import timezone

    login(Role.UPT_ADMIN)
    path = write_csv(tmp_path / "a.csv", [person_row(1)])
    job = job_create(kind="participants", upload=path, original_name="a.csv")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    body = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "mungkin terhenti" in body and reverse("jobs:rerun", args=[job.pk]) in body
    client.post(reverse("jobs:rerun", args=[job.pk]))
    assert Job.objects.exclude(pk=job.pk).get().rows_created == 1


def test_unknown_options_fail_the_job_cleanly(tmp_path):
    path = write_csv(tmp_path / "a.csv", [person_row(1)])
    job = job_create(kind="participants", upload=path, original_name="a.csv", options={"tidak_ada": 1})
    job = job_run(job_id=job.pk)
    assert job.status == Job.Status.FAILED and "kesalahan sistem" in job.message


def test_job_list_links_upload_pages_by_role(client, login):
    login(Role.UPT_ADMIN)
    assert reverse("jobs:participants_upload") in client.get(reverse("jobs:list")).content.decode()
    client.logout()
    login(Role.OPD_OPERATOR)
    assert reverse("jobs:participants_upload") not in client.get(reverse("jobs:list")).content.decode()
