from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.coverage.models import FollowUp, SnapshotKind
from ejamkesda.coverage.services.compute import coverage_period_compute
from tests.coverage.factories import (
    VILLAGE_A,
    VILLAGE_B,
    VILLAGE_C,
    SectorEntryFactory,
    SectorListFactory,
    SnapshotFactory,
    build_month,
    nik,
    regions,
)
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def month():
    regions()
    return build_month(
        residents=[(nik(1), VILLAGE_A), (nik(2), VILLAGE_A), (nik(3), VILLAGE_B), (nik(4, "640902"), VILLAGE_C)],
        members=[(nik(1), "pbi_apbn", "aktif"), (nik(2), "pbpu", "menunggak")],
    )


def test_dashboard_shows_regency_and_districts(client, login, month):
    login(Role.VIEWER)
    response = client.get(reverse("coverage:dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Wilayah 64.09.01" in body and "<svg" in body
    assert response.context["figures"].population == 4
    assert response.context["figures"].active == 1
    assert "style=" not in body.split("<main", 1)[1]  # CSP: no inline styles


def test_drill_down_district_then_village(client, login, month):
    login(Role.UPT_VERIFIER)
    district = client.get(reverse("coverage:area", args=["64.09.01"]))
    assert district.status_code == 200
    assert {row.code for row in district.context["rows"]} == {VILLAGE_A, VILLAGE_B}
    village = client.get(reverse("coverage:area", args=[VILLAGE_A]))
    assert village.context["figures"].registered == 2
    assert reverse("coverage:village_residents", args=[VILLAGE_A]) in village.content.decode()


def test_area_outside_regency_is_404(client, login, month):
    login(Role.VIEWER)
    assert client.get(reverse("coverage:area", args=["32.01.01"])).status_code == 404


def test_village_residents_only_for_upt_and_lists_uncovered(client, login, month):
    login(Role.VIEWER)
    assert client.get(reverse("coverage:village_residents", args=[VILLAGE_A])).status_code == 403
    login(Role.OPD_OPERATOR)
    assert client.get(reverse("coverage:village_residents", args=[VILLAGE_A])).status_code == 403
    login(Role.UPT_VERIFIER)
    response = client.get(reverse("coverage:village_residents", args=[VILLAGE_A]))
    assert response.status_code == 200
    people = [row["obj"].nik for row in response.context["rows"]]
    assert people == [nik(2)]  # nik 1 is active
    assert AuditLog.objects.filter(action="view", object_type="coverage.village_list", object_id=VILLAGE_A).exists()
    assert nik(2) not in response.content.decode()  # masked on screen


def test_village_list_downloads_xlsx_and_pdf(client, login, month):
    login(Role.UPT_ADMIN)
    url = reverse("coverage:village_residents", args=[VILLAGE_A])
    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert any(nik(2) in row for row in values)
    pdf = client.get(url, {"format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditLog.objects.filter(action="export", object_id=VILLAGE_A).count() == 2


def test_filter_by_jkn_status(client, login, month):
    login(Role.UPT_ADMIN)
    url = reverse("coverage:village_residents", args=[VILLAGE_B])
    assert len(client.get(url, {"status": "none"}).context["rows"]) == 1
    assert len(client.get(url, {"status": "menunggak"}).context["rows"]) == 0


def test_follow_up_recorded_and_audited(client, login, month):
    user = login(Role.UPT_VERIFIER)
    response = client.get(reverse("coverage:village_residents", args=[VILLAGE_A]))
    record_id = response.context["rows"][0]["id"]
    url = reverse("coverage:follow_up", args=["desa", record_id])
    response = client.post(url, {"status": "contacted", "note": "Sudah dikunjungi kader", "next": "/app/cakupan/"})
    assert response.status_code == 302
    item = FollowUp.objects.get(scope="desa", nik=nik(2))
    assert item.status == "contacted" and item.updated_by == user
    assert AuditLog.objects.filter(object_type="coverage.FollowUp", action="update").exists()
    listed = client.get(reverse("coverage:village_residents", args=[VILLAGE_A]), {"follow": "contacted"})
    assert len(listed.context["rows"]) == 1
    still_open = client.get(reverse("coverage:village_residents", args=[VILLAGE_B]), {"follow": "open"})
    assert len(still_open.context["rows"]) == 1
    assert (
        len(client.get(reverse("coverage:village_residents", args=[VILLAGE_A]), {"follow": "open"}).context["rows"])
        == 0
    )
    assert nik(2) not in response.url


def test_opd_operator_sees_only_own_agency_lists(client, login, month):
    mine = SectorListFactory()
    theirs = SectorListFactory(agency=AgencyFactory())
    for item in (mine, theirs):
        snapshot = SnapshotFactory(kind=SnapshotKind.SECTOR, sector_list=item, as_of=dt.date(2026, 10, 2))
        SectorEntryFactory(snapshot=snapshot, nik=nik(1))
        SectorEntryFactory(snapshot=snapshot, nik=nik(7))
    coverage_period_compute(month=month.month, population=month.population, membership=month.membership)
    login(Role.OPD_OPERATOR, agency=mine.agency)
    listing = client.get(reverse("coverage:sector_lists"))
    assert [row["list"] for row in listing.context["rows"]] == [mine]
    assert client.get(reverse("coverage:sector_list", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("coverage:sector_people", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("coverage:sector_people", args=[theirs.pk]), {"format": "xlsx"}).status_code == 404
    own = client.get(reverse("coverage:sector_people", args=[mine.pk]))
    assert [row["obj"].nik for row in own.context["rows"]] == [nik(7)]
    other_entry = theirs.snapshot_set.get().entries.get(nik=nik(7))
    response = client.post(reverse("coverage:follow_up", args=["daftar", other_entry.pk]), {"status": "contacted"})
    assert response.status_code == 404
    mine_entry = mine.snapshot_set.get().entries.get(nik=nik(7))
    client.post(reverse("coverage:follow_up", args=["daftar", mine_entry.pk]), {"status": "registering"})
    assert FollowUp.objects.get(scope=f"opd-{mine.agency.pk}").status == "registering"
    # village lists stay closed to OPD operators
    assert client.post(reverse("coverage:follow_up", args=["desa", 1]), {"status": "contacted"}).status_code == 404


def test_opd_operator_creates_and_uploads_sector_list(client, login, month, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    user = login(Role.OPD_OPERATOR)
    response = client.post(
        reverse("coverage:sector_lists"), {"name": "Guru SD", "sector": "education", "instruction_point": "4"}
    )
    assert response.status_code == 302
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ejamkesda.coverage.models import SectorList

    item = SectorList.objects.get(agency=user.agency)
    upload = SimpleUploadedFile("guru.csv", f"nik,nama,unit\n{nik(1)},Guru Ani,SDN 1\n123,Salah,SDN 1\n".encode())
    response = client.post(reverse("coverage:sector_list", args=[item.pk]), {"as_of": "2026-10-03", "file": upload})
    from ejamkesda.jobs.models import Job

    job = Job.objects.get(kind="coverage_sector")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.status, job.rows_created, job.rows_rejected, job.agency_id) == ("selesai", 1, 1, user.agency_id)
    snapshot = item.snapshot_set.get()
    assert (snapshot.status, snapshot.rows_saved, snapshot.error_count) == ("done", 1, 1)
    page = client.get(reverse("coverage:snapshot", args=[snapshot.pk]))
    assert page.status_code == 200 and page.context["jobs"] == [job]
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 200


def test_public_page_has_aggregates_only(client, month):
    response = client.get(reverse("coverage:public"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Penduduk" in body and "Wilayah 64.09.01" in body
    assert "Penduduk 0" not in body and nik(2) not in body and "Warga belum aktif" not in body
    from ejamkesda.core.navigation import public_menu

    assert any(item["url"] == reverse("coverage:public") for item in public_menu())


def test_upt_admin_uploads_population_and_computes(client, login, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    regions()
    login(Role.UPT_ADMIN)
    from django.core.files.uploadedfile import SimpleUploadedFile

    population = SimpleUploadedFile(
        "penduduk.csv",
        f"nik,nama,jenis_kelamin,tgl_lahir,kode_desa\n{nik(1)},Ani,L,1985-03-07,6409012001\n".encode(),
    )
    client.post(reverse("coverage:imports"), {"kind": "population", "as_of": "2026-10-01", "file": population})
    members = SimpleUploadedFile("bpjs.csv", f"no_kartu,nik,nama,segmen,status\n0001,{nik(1)},Ani,PBI,AKTIF\n".encode())
    client.post(reverse("coverage:imports"), {"kind": "membership", "as_of": "2026-10-02", "file": members})
    response = client.post(reverse("coverage:compute"), {"month": "2026-10"})
    assert response.status_code == 302
    dashboard = client.get(reverse("coverage:dashboard"))
    assert dashboard.context["figures"].active == 1 and dashboard.context["figures"].uhc_reached


def test_compute_and_imports_are_admin_only(client, login, month):
    login(Role.UPT_VERIFIER)
    assert client.post(reverse("coverage:compute"), {"month": "2026-10"}).status_code == 403
    assert client.get(reverse("coverage:imports")).status_code == 403


def test_inactive_members_list(client, login, month):
    login(Role.UPT_ADMIN)
    response = client.get(reverse("coverage:inactive"))
    assert [row["obj"].nik for row in response.context["rows"]] == [nik(2)]
    assert client.get(reverse("coverage:inactive"), {"format": "pdf"}).content.startswith(b"%PDF")
