"""Coverage imports registered in the shared job registry: they appear on the import page
and run end to end (upload → background job → progress → error report), scoped by agency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ejamkesda.core.roles import Role
from ejamkesda.coverage.importing import SectorImporter
from ejamkesda.coverage.models import PopulationRecord, SectorEntry, Snapshot, SnapshotKind
from ejamkesda.jobs.importing import ImportFileError
from ejamkesda.jobs.models import Job
from ejamkesda.jobs.registry import get_import_kind
from tests.coverage.factories import SectorListFactory, nik, regions
from tests.factories import AgencyFactory, user_with_role

pytestmark = pytest.mark.django_db
KINDS = ("coverage_population", "coverage_membership", "coverage_welfare", "coverage_sector")


def test_every_snapshot_kind_is_a_registered_import_kind():
    assert {get_import_kind(key).key for key in KINDS} == set(KINDS)
    assert Role.OPD_OPERATOR in get_import_kind("coverage_sector").roles
    assert Role.OPD_OPERATOR not in get_import_kind("coverage_population").roles


def test_kinds_appear_on_the_import_page_by_role(client, login):
    login(Role.UPT_ADMIN)
    labels = {str(kind["label"]): kind["url"] for kind in client.get(reverse("jobs:list")).context["kinds"]}
    assert labels[str(SnapshotKind.POPULATION.label)] == reverse("coverage:imports")
    assert labels[str(SnapshotKind.SECTOR.label)] == reverse("coverage:sector_upload")
    assert str(SnapshotKind.WELFARE.label) in labels and str(SnapshotKind.MEMBERSHIP.label) in labels
    login(Role.OPD_OPERATOR)
    labels = {str(kind["label"]) for kind in client.get(reverse("jobs:list")).context["kinds"]}
    assert labels == {str(SnapshotKind.SECTOR.label)}


def test_population_upload_runs_as_a_job_with_an_error_report(client, login):
    regions()
    login(Role.UPT_ADMIN)
    body = (
        "NIK,Nama,Jenis Kelamin,Tgl Lahir,Kode Desa\n"
        f"{nik(1)},Ani,P,1985-03-07,6409012001\n"
        f"{nik(2)},Budi,L,1985-03-07,3201012001\n"
    )
    upload = SimpleUploadedFile("penduduk.csv", body.encode())
    response = client.post(reverse("coverage:imports"), {"kind": "population", "as_of": "2026-10-01", "file": upload})
    job = Job.objects.get(kind="coverage_population")
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.status, job.rows_read, job.rows_created, job.rows_rejected) == ("selesai", 2, 1, 1)
    snapshot = Snapshot.objects.get(kind=SnapshotKind.POPULATION, as_of=dt.date(2026, 10, 1))
    assert snapshot.status == "done" and PopulationRecord.objects.filter(snapshot=snapshot).count() == 1
    report = client.get(reverse("jobs:error_report", args=[job.pk, "csv"]))
    text = b"".join(report.streaming_content).decode("utf-8-sig")
    assert "kode_desa" in text and "3" in text and nik(2) not in text
    progress = client.get(reverse("jobs:progress", args=[job.pk]))
    assert progress.status_code == 200 and "100%" in progress.content.decode()


def test_dry_run_writes_nothing(client, login):
    regions()
    login(Role.UPT_ADMIN)
    upload = SimpleUploadedFile("dtks.csv", f"nik,desil\n{nik(1)},2\n".encode())
    client.post(
        reverse("coverage:imports"), {"kind": "welfare", "as_of": "2026-10-01", "file": upload, "dry_run": "on"}
    )
    job = Job.objects.get(kind="coverage_welfare")
    assert job.dry_run and job.status == "selesai" and job.rows_created == 1
    assert not Snapshot.objects.filter(kind=SnapshotKind.WELFARE).exists()


def test_agency_uploads_only_to_its_own_lists(client, login):
    own = login(Role.OPD_OPERATOR)
    mine = SectorListFactory(agency=own.agency)
    theirs = SectorListFactory(agency=AgencyFactory())
    page = client.get(reverse("coverage:sector_upload"))
    assert list(page.context["form"].fields["sector_list"].queryset) == [mine]
    upload = SimpleUploadedFile("guru.csv", f"nik,nama\n{nik(1)},Ani\n".encode())
    refused = client.post(
        reverse("coverage:sector_upload"), {"sector_list": theirs.pk, "as_of": "2026-10-01", "file": upload}
    )
    assert refused.status_code == 200 and "sector_list" in refused.context["form"].errors
    assert not Job.objects.exists()
    with pytest.raises(ImportFileError):
        SectorImporter(as_of="2026-10-01", sector_list_id=theirs.pk, actor=own)
    upload = SimpleUploadedFile("guru.csv", f"nik,nama\n{nik(1)},Ani\n".encode())
    client.post(reverse("coverage:sector_upload"), {"sector_list": mine.pk, "as_of": "2026-10-01", "file": upload})
    job = Job.objects.get()
    assert job.status == "selesai" and job.agency_id == own.agency_id
    assert SectorEntry.objects.get(snapshot__sector_list=mine).nik == nik(1)
    other = user_with_role(Role.OPD_OPERATOR)
    client.force_login(other)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("coverage:snapshot", args=[mine.snapshot_set.get().pk])).status_code == 404


def test_command_runs_the_same_job(tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "dtks.csv"
    path.write_text(f"nik,desil\n{nik(1)},2\n{nik(2)},99\n")
    call_command("coverage_import", "welfare", "2026-10-01", str(path))
    out = capsys.readouterr().out
    assert "2 baris dibaca, 1 valid, 1 ditolak" in out and "laporan kesalahan" in out
    assert Job.objects.get().kind == "coverage_welfare"
