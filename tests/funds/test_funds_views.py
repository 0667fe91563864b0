"""Funds pages: rendering, role gates, and provider scoping of every object view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.funds import run_services, services
from ejamkesda.funds.models import Attendance, DistributionRun, FundReceipt, RegulationProfile, RunStatus, StaffMember
from tests.factories import ProviderFactory, user_with_role
from tests.funds.factories import AttendanceFactory, StaffMemberFactory, stored_profile

pytestmark = pytest.mark.django_db
JAN = dt.date(2025, 1, 1)


@pytest.fixture
def world():
    own, other = ProviderFactory(), ProviderFactory()
    profile = stored_profile("tanah-datar-29-2017")
    objects = {}
    for key, provider in (("own", own), ("other", other)):
        staff = StaffMemberFactory(provider=provider)
        AttendanceFactory(staff=staff, period=JAN)
        receipt = services.receipt_record(
            provider=provider, period=JAN, source="kapitasi", amount=1_000_000, profile=profile, received_on=JAN,
            actor=None,
        )  # fmt: skip
        run = run_services.run_create(provider=provider, period_from=JAN, period_to=JAN, profile=profile, actor=None)
        objects[key] = {"provider": provider, "staff": staff, "receipt": receipt, "run": run}
    return objects


def object_urls(o):
    run = o["run"]
    line = run.lines.first()
    return [
        reverse("funds:staff_detail", args=[o["staff"].pk]),
        reverse("funds:staff_edit", args=[o["staff"].pk]),
        reverse("funds:receipt_detail", args=[o["receipt"].pk]),
        reverse("funds:run_detail", args=[run.pk]),
        reverse("funds:run_slips", args=[run.pk]),
        reverse("funds:run_slip", args=[run.pk, line.pk]),
        reverse("funds:run_recap_pdf", args=[run.pk]),
        reverse("funds:run_recap_xlsx", args=[run.pk]),
        reverse("funds:run_bank_csv", args=[run.pk]),
    ]


def test_treasurer_sees_own_provider_objects_and_404_for_others(client, login, world):
    login(Role.TREASURER, provider=world["own"]["provider"])
    for url in object_urls(world["own"]):
        response = client.get(url)
        assert response.status_code in (200, 302), url
    for url in object_urls(world["other"]):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("funds:run_action", args=[world["other"]["run"].pk]), {"action": "verify"})
    assert response.status_code == 404
    assert DistributionRun.objects.get(pk=world["other"]["run"].pk).status == RunStatus.DRAFT


def test_lists_are_scoped(client, login, world):
    login(Role.TREASURER, provider=world["own"]["provider"])
    own_name, other_name = world["own"]["staff"].name, world["other"]["staff"].name
    page = client.get(reverse("funds:staff_list")).content.decode()
    assert own_name in page and other_name not in page
    runs = client.get(reverse("funds:index")).content.decode()
    assert world["own"]["provider"].name in runs and world["other"]["provider"].name not in runs
    receipts = client.get(reverse("funds:receipt_list")).content.decode()
    assert world["other"]["provider"].name not in receipts


@pytest.mark.parametrize("role", [Role.UPT_ADMIN, Role.VIEWER, Role.UPT_VERIFIER])
def test_dinkes_roles_see_all(client, login, world, role):
    login(role)
    for key in ("own", "other"):
        assert client.get(reverse("funds:run_detail", args=[world[key]["run"].pk])).status_code == 200
        assert client.get(reverse("funds:staff_detail", args=[world[key]["staff"].pk])).status_code == 200


def test_other_roles_are_refused(client, login, world):
    login(Role.PPK_OPERATOR, provider=world["own"]["provider"])
    assert client.get(reverse("funds:index")).status_code == 403
    assert client.get(reverse("funds:run_detail", args=[world["own"]["run"].pk])).status_code == 403


def test_viewer_is_read_only(client, login, world):
    login(Role.VIEWER)
    assert client.get(reverse("funds:run_create")).status_code == 403
    assert client.get(reverse("funds:staff_create")).status_code == 403
    response = client.post(reverse("funds:run_action", args=[world["own"]["run"].pk]), {"action": "verify"})
    assert response.status_code == 403


def test_run_detail_shows_explanations_and_audits_the_view(client, login, world):
    user = login(Role.TREASURER, provider=world["own"]["provider"])
    run = world["own"]["run"]
    page = client.get(reverse("funds:run_detail", args=[run.pk])).content.decode()
    assert "harus dicek" in page and "kehadiran" in page and "hadir 20" in page
    assert AuditLog.objects.filter(
        action="view", actor=user, object_type="funds.DistributionRun", object_id=str(run.pk)
    ).exists()


def test_full_workflow_through_the_web(client, login, world):
    provider = world["own"]["provider"]
    treasurer = login(Role.TREASURER, provider=provider)
    profile = RegulationProfile.objects.get(code="tanah-datar-29-2017")
    response = client.post(
        reverse("funds:run_create"),
        {"provider": provider.pk, "period_from": "2025-01", "period_to": "2025-01", "profile": profile.pk,
         "source": "kapitasi", "pool_amount": "", "formula": ""},
    )  # fmt: skip
    assert response.status_code == 302
    run = DistributionRun.objects.filter(provider=provider).latest("id")
    assert run.pool_amount == 600_000
    client.post(reverse("funds:run_action", args=[run.pk]), {"action": "verify"})
    assert DistributionRun.objects.get(pk=run.pk).status == RunStatus.VERIFIED
    client.post(reverse("funds:run_action", args=[run.pk]), {"action": "approve"})
    assert DistributionRun.objects.get(pk=run.pk).status == RunStatus.VERIFIED  # treasurer cannot approve
    client.force_login(user_with_role(Role.UPT_ADMIN))
    client.post(reverse("funds:run_action", args=[run.pk]), {"action": "approve"})
    assert DistributionRun.objects.get(pk=run.pk).status == RunStatus.APPROVED
    client.force_login(treasurer)
    response = client.get(reverse("funds:run_bank_csv", args=[run.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    slip = client.get(reverse("funds:run_slips", args=[run.pk]))
    assert slip.status_code == 200 and slip.content[:4] == b"%PDF"
    response = client.post(reverse("funds:run_action", args=[run.pk]), {"action": "rerun"})
    new = DistributionRun.objects.filter(previous=run).get()
    assert response.status_code == 302 and new.version == 2


def test_staff_create_attendance_upload_and_grid(client, login):
    provider = ProviderFactory()
    login(Role.TREASURER, provider=provider)
    response = client.post(
        reverse("funds:staff_create"),
        {"provider": provider.pk, "employee_no": "N1", "name": "Nina", "jenis_tenaga": "apoteker_ners",
         "education": "Ners", "started_on": "2019-03-01", "roles": "", "status": "pppk", "golongan": "IX",
         "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    staff = StaffMember.objects.get(employee_no="N1", provider=provider)
    template = client.get(reverse("funds:attendance_template") + f"?ppk={provider.pk}")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("absen.csv", b"id,hari_hadir,hari_izin,menit_terlambat,skp\nN1,19,2,60,88\n")
    response = client.post(
        reverse("funds:attendance_upload"), {"provider": provider.pk, "period": "2025-01", "file": upload}
    )
    assert response.status_code == 302
    assert Attendance.objects.get(staff=staff, period=JAN).days_present == 19
    grid_url = reverse("funds:attendance_grid") + f"?provider={provider.pk}&period=2025-02"
    assert client.get(grid_url).status_code == 200
    response = client.post(grid_url, {f"hadir_{staff.pk}": "21", f"izin_{staff.pk}": "", f"skp_{staff.pk}": "91"})
    assert response.status_code == 302
    assert Attendance.objects.get(staff=staff, period=dt.date(2025, 2, 1)).days_present == 21
    bad = client.post(grid_url, {f"hadir_{staff.pk}": "abc"})
    assert bad.status_code == 200 and "hari_hadir" in bad.content.decode()


def test_treasurer_cannot_create_for_another_provider(client, login):
    own, other = ProviderFactory(), ProviderFactory()
    login(Role.TREASURER, provider=own)
    client.post(
        reverse("funds:staff_create"),
        {"provider": other.pk, "employee_no": "Z", "name": "Z", "jenis_tenaga": "nakes_d3",
         "started_on": "2019-03-01", "status": "pns", "active": "on"},
    )  # fmt: skip
    assert not StaffMember.objects.filter(provider=other).exists()
    client.post(
        reverse("funds:receipt_create"),
        {"provider": other.pk, "period": "2025-01", "source": "kapitasi", "amount": "100",
         "received_on": "2025-01-05", "profile": stored_profile().pk},
    )  # fmt: skip
    assert not FundReceipt.objects.filter(provider=other).exists()


def test_profiles_pages_and_admin_edit(client, login):
    login(Role.UPT_ADMIN)
    assert client.get(reverse("funds:profile_list")).status_code == 200
    profile = RegulationProfile.objects.get(code="kapuas-hulu-9-2015")
    page = client.get(reverse("funds:profile_detail", args=[profile.pk])).content.decode()
    assert "Empat puluh enam" in page and "harus dicek" in page
    bad = client.post(
        reverse("funds:profile_edit", args=[profile.pk]),
        {"text": profile.text.replace('persen = "30"', 'persen = "31"')},
    )
    assert bad.status_code == 200 and "101%" in bad.content.decode()
    good = client.post(reverse("funds:profile_edit", args=[profile.pk]), {"text": profile.text, "note": "uji"})
    assert good.status_code == 302
    assert RegulationProfile.objects.filter(code="kapuas-hulu-9-2015", version=2).exists()


def test_treasurer_cannot_edit_profiles(client, login):
    services.profiles_ensure_shipped()
    login(Role.TREASURER)
    profile = RegulationProfile.objects.first()
    assert client.get(reverse("funds:profile_edit", args=[profile.pk])).status_code == 403


def test_cases_grid_saves_counts(client, login):
    from ejamkesda.funds.models import ServiceCaseCount

    provider = ProviderFactory()
    staff = StaffMemberFactory(provider=provider)
    StaffMemberFactory(provider=ProviderFactory())
    login(Role.TREASURER, provider=provider)
    url = reverse("funds:cases_grid") + f"?provider={provider.pk}&period=2025-01&service_kind=iva"
    page = client.get(url)
    assert page.status_code == 200 and staff.name in page.content.decode()
    assert client.post(url, {f"kasus_{staff.pk}": "4"}).status_code == 302
    assert ServiceCaseCount.objects.get(staff=staff, service_kind="iva").cases == 4


def test_roster_csv_import_upserts_and_rejects_bad_rows(client, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ejamkesda.rules.roster import COLUMNS

    provider = ProviderFactory()
    login(Role.TREASURER, provider=provider)
    header = ",".join(COLUMNS) + "\n"
    good = header + "K1,dr. K,tenaga_medis,S1,2015-01-01,kepala,pns,III/c,20,1,0,92,0\n"
    url = reverse("funds:staff_import")
    response = client.post(
        url, {"provider": provider.pk, "period": "2025-01", "file": SimpleUploadedFile("r.csv", good.encode())}
    )
    assert response.status_code == 302
    member = StaffMember.objects.get(provider=provider, employee_no="K1")
    assert member.roles == "kepala" and Attendance.objects.get(staff=member).days_present == 20
    changed = good.replace(",pns,III/c,", ",pns,IV/a,")
    client.post(url, {"provider": provider.pk, "file": SimpleUploadedFile("r.csv", changed.encode())})
    member.refresh_from_db()
    assert member.golongan == "IV/a" and StaffMember.objects.filter(provider=provider).count() == 1
    bad = header + "K2,X,tenaga_medis,S1,2015-01-01,,pns,,1,0,0,,0\nK3,Y,dukun,S1,2015-01-01,,pns,,1,0,0,,0\n"
    page = client.post(url, {"provider": provider.pk, "file": SimpleUploadedFile("r.csv", bad.encode())})
    assert "Baris 3, kolom" in page.content.decode()
    assert not StaffMember.objects.filter(employee_no="K2").exists()


def test_slip_pdf_has_breakdown_and_amount_in_words(client, login, world):
    from ejamkesda.funds.slips import words

    login(Role.TREASURER, provider=world["own"]["provider"])
    run = world["own"]["run"]
    line = run.lines.get()
    pdf = client.get(reverse("funds:run_slip", args=[run.pk, line.pk])).content
    assert pdf.startswith(b"%PDF")
    assert b"SLIP JASA PELAYANAN" in pdf and b"Kehadiran" in pdf
    assert words(line.net).encode() in pdf
    assert AuditLog.objects.filter(action="export", object_type="funds.DistributionRun").exists()


@pytest.mark.parametrize("code", ["kapuas-hulu-9-2015", "tanah-datar-29-2017", "permenkes-21-2016"])
def test_profile_page_shows_point_tables(client, login, code):
    login(Role.VIEWER)
    services.profiles_ensure_shipped()
    profile = RegulationProfile.objects.get(code=code)
    page = client.get(reverse("funds:profile_detail", args=[profile.pk])).content.decode()
    assert "tenaga_medis: 150" in page and "Tabel poin" in page
    assert ("dokter_spesialis: 200" in page) == (code == "kapuas-hulu-9-2015")
