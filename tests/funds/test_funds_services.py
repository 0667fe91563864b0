"""Funds services: profiles, roster history, attendance import, receipts, runs and versions."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.funds import run_services, services
from ejamkesda.funds.exports import attendance_records, bank_transfer_csv, recap_xlsx
from ejamkesda.funds.models import Attendance, DistributionRun, RegulationProfile, RunStatus
from ejamkesda.jobs.importing.files import table_rows
from ejamkesda.rules.profile import profile_text
from tests.factories import ProviderFactory, user_with_role
from tests.funds.factories import AttendanceFactory, StaffMemberFactory, stored_profile

pytestmark = pytest.mark.django_db
JAN = dt.date(2025, 1, 1)


def test_profiles_ensure_shipped_and_versioned_save():
    services.profiles_ensure_shipped()
    assert set(RegulationProfile.objects.values_list("code", flat=True)) == {
        "kapuas-hulu-9-2015",
        "permenkes-21-2016",
        "tanah-datar-29-2017",
    }
    admin = user_with_role(Role.UPT_ADMIN)
    text = profile_text("kapuas-hulu-9-2015").replace('nilai = "angka"', 'nilai = "huruf"')
    saved = services.profile_save(text=text, actor=admin, note="pakai huruf")
    assert saved.version == 2 and saved.code == "kapuas-hulu-9-2015"
    with pytest.raises(ValidationError):
        services.profile_save(text=text.replace("(jenis + rangkap", "(open(1) + rangkap"), actor=admin)
    assert RegulationProfile.objects.filter(code="kapuas-hulu-9-2015").count() == 2


def test_staff_history_records_changes():
    provider = ProviderFactory()
    actor = user_with_role(Role.TREASURER, provider=provider)
    data = {
        "employee_no": "001", "name": "Ani", "jenis_tenaga": "nakes_d3", "education": "D3",
        "started_on": dt.date(2020, 1, 1), "roles": "Bendahara", "status": "kontrak", "golongan": "",
        "program_jkn": False, "bank_name": "", "bank_account": "", "active": True,
    }  # fmt: skip
    staff = services.staff_save(provider=provider, data=data, actor=actor)
    assert staff.roles == "bendahara"
    services.staff_save(
        provider=provider, data={**data, "status": "pns", "golongan": "III/a"}, actor=actor, staff=staff
    )
    latest = staff.history.first()
    assert latest.changes["status"] == ["kontrak", "pns"]
    assert staff.history.count() == 2
    with pytest.raises(ValidationError):
        services.staff_save(provider=provider, data={**data, "roles": "lurah"}, actor=actor, staff=staff)


def test_attendance_import_atomic_and_idempotent():
    provider = ProviderFactory()
    a = StaffMemberFactory(provider=provider, employee_no="A1")
    StaffMemberFactory(provider=provider, employee_no="B2")
    actor = user_with_role(Role.TREASURER, provider=provider)
    content = b"id;nama;hari_hadir;hari_izin;menit_terlambat;skp\nA1;A;20;1;30;91,5\nB2;B;18;0;0;\n"
    rows = attendance_records(table_rows(io.BytesIO(content)))
    assert services.attendance_save(provider=provider, period=JAN, rows=rows, actor=actor) == 2
    assert services.attendance_save(provider=provider, period=JAN, rows=rows, actor=actor) == 2
    assert Attendance.objects.count() == 2
    assert Attendance.objects.get(staff=a).skp == Decimal("91.50")
    bad = attendance_records(table_rows(io.BytesIO(b"id,hari_hadir\nA1,25\nZZ,3\nB2,x\n")))
    with pytest.raises(ValidationError) as info:
        services.attendance_save(provider=provider, period=dt.date(2025, 2, 1), rows=bad, actor=actor)
    text = " ".join(info.value.messages)
    assert "Baris 3, kolom 'id'" in text and "Baris 4, kolom 'hari_hadir'" in text
    assert not Attendance.objects.filter(period=dt.date(2025, 2, 1)).exists()


def test_attendance_xlsx_template_roundtrip():
    from ejamkesda.funds.exports import attendance_template_xlsx

    provider = ProviderFactory()
    staff = [StaffMemberFactory(provider=provider, employee_no="X9")]
    rows = attendance_records(table_rows(io.BytesIO(attendance_template_xlsx(staff))))
    assert rows[0]["employee_no"] == "X9" and rows[0]["row"] == 2


def test_receipt_split_into_pools_exactly():
    provider = ProviderFactory()
    receipt = services.receipt_record(
        provider=provider, period=JAN, source="kapitasi", amount=10_000_001,
        profile=stored_profile("kapuas-hulu-9-2015"), received_on=JAN, actor=None,
    )  # fmt: skip
    amounts = {p.code: p.amount for p in receipt.pools.all()}
    assert amounts == {"jasa_pelayanan": 4_500_001, "obat_alkes_bmhp": 3_000_000, "operasional": 2_500_000}


def make_run_fixture():
    provider = ProviderFactory()
    doctor = StaffMemberFactory(provider=provider, name="A dokter", jenis_tenaga="tenaga_medis", roles="kepala")
    nurse = StaffMemberFactory(provider=provider, name="B bidan", status="kontrak", golongan="")
    for staff, days in ((doctor, 22), (nurse, 20)):
        AttendanceFactory(staff=staff, period=JAN, days_present=days, skp=Decimal(95))
        AttendanceFactory(staff=staff, period=dt.date(2025, 2, 1), days_present=days, skp=Decimal(75))
    profile = stored_profile("tanah-datar-29-2017")
    for month in (JAN, dt.date(2025, 2, 1)):
        services.receipt_record(
            provider=provider, period=month, source="kapitasi", amount=5_000_000, profile=profile,
            received_on=month, actor=None,
        )  # fmt: skip
    return provider, doctor, nurse, profile


def test_run_over_a_range_of_months_is_computed_month_by_month_and_sums_pools():
    provider, _doctor, _nurse, profile = make_run_fixture()
    actor = user_with_role(Role.TREASURER, provider=provider)
    run = run_services.run_create(
        provider=provider, period_from=JAN, period_to=dt.date(2025, 2, 1), profile=profile, actor=actor,
        source="kapitasi",
    )  # fmt: skip
    assert run.pool_amount == 6_000_000  # 60% of 2 × 5,000,000
    lines = list(run.lines.order_by("position"))
    assert [line.name for line in lines] == ["A dokter", "B bidan"]
    # Each month on its own (Perbup Kapuas Hulu 9/2015 Pasal 20): SKP 95% then 75%.
    assert [m["bulan"] for m in lines[0].months] == ["2025-01", "2025-02"]
    assert [m["variables"]["kehadiran"] for m in lines[0].months] == [22, 22]
    assert [m["variables"]["kinerja"] for m in lines[0].months] == [10, 5]
    assert lines[0].points == str(sum(int(m["points"]) for m in lines[0].months))
    assert sum(line.share for line in lines) == 6_000_000
    assert lines[1].tax_rate == "5"
    assert AuditLog.objects.filter(action="create", object_type="funds.DistributionRun", object_id=str(run.pk)).exists()


def test_run_state_machine_roles_and_lock_and_rerun_diff():
    provider, _doctor, nurse, profile = make_run_fixture()
    treasurer = user_with_role(Role.TREASURER, provider=provider)
    admin = user_with_role(Role.UPT_ADMIN)
    run = run_services.run_create(provider=provider, period_from=JAN, period_to=JAN, profile=profile, actor=treasurer)
    with pytest.raises(ValidationError):
        run_services.run_approve(run=run, actor=admin)  # not verified yet
    run_services.run_verify(run=run, actor=treasurer)
    with pytest.raises(PermissionDenied):
        run_services.run_approve(run=run, actor=treasurer)
    run_services.run_approve(run=run, actor=admin)
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED and run.approved_by == admin
    with pytest.raises(ValidationError):
        run_services.run_recalculate(run=run, actor=treasurer)
    before = {line.staff_id: line.share for line in run.lines.all()}
    # A correction after approval: the nurse was late 7 hours.
    Attendance.objects.filter(staff=nurse, period=JAN).update(minutes_late=420)
    new = run_services.run_rerun(run=run, actor=treasurer)
    assert new.version == 2 and new.previous_id == run.pk and new.status == RunStatus.DRAFT
    assert {line.staff_id: line.share for line in run.lines.all()} == before  # approved run untouched
    diff = run_services.run_diff(new)
    nurse_row = next(row for row in diff if row.name == "B bidan")
    assert nurse_row.delta < 0 and "kehadiran: 20 → 19" in nurse_row.reasons
    run_services.run_mark_paid(run=run, actor=treasurer)
    assert DistributionRun.objects.get(pk=run.pk).status == RunStatus.PAID
    with pytest.raises(ValidationError):
        run_services.run_mark_paid(run=run, actor=treasurer)


def test_run_errors_are_clear():
    provider = ProviderFactory()
    profile = stored_profile("tanah-datar-29-2017")
    with pytest.raises(ValidationError, match="nol"):
        run_services.run_create(provider=provider, period_from=JAN, period_to=JAN, profile=profile, actor=None)
    StaffMemberFactory(provider=provider)
    with pytest.raises(ValidationError, match="poin nol"):
        run_services.run_create(
            provider=provider, period_from=JAN, period_to=JAN, profile=profile, actor=None, pool_amount=1000
        )
    with pytest.raises(ValidationError, match="berlaku mulai"):
        run_services.run_create(
            provider=provider, period_from=dt.date(2016, 1, 1), period_to=dt.date(2016, 1, 1), profile=profile,
            actor=None, pool_amount=1000,
        )  # fmt: skip


def test_outputs_recap_and_bank_csv():
    provider, doctor, _nurse, profile = make_run_fixture()
    doctor.name = "=HYPERLINK(1)"
    doctor.save()
    run = run_services.run_create(provider=provider, period_from=JAN, period_to=JAN, profile=profile, actor=None)
    csv_text = bank_transfer_csv(run)
    assert "'=HYPERLINK(1)" in csv_text
    net_total = sum(line.net for line in run.lines.all())
    assert sum(int(row.split(",")[5]) for row in csv_text.strip().splitlines()[1:]) == net_total
    assert recap_xlsx(run)[:2] == b"PK"
    workbook = openpyxl.load_workbook(io.BytesIO(recap_xlsx(run)))
    names = [cell.value for row in workbook.active.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "'=HYPERLINK(1)" in names and "=HYPERLINK(1)" not in names


def test_concurrent_style_double_approve_only_one_wins():
    provider, *_rest, profile = make_run_fixture()
    admin = user_with_role(Role.UPT_ADMIN)
    preparer = user_with_role(Role.UPT_ADMIN)  # separation of duties: not the approver
    run = run_services.run_create(provider=provider, period_from=JAN, period_to=JAN, profile=profile, actor=preparer)
    run_services.run_verify(run=run, actor=preparer)
    stale = DistributionRun.objects.get(pk=run.pk)
    run_services.run_approve(run=run, actor=admin)
    with pytest.raises(ValidationError):
        run_services.run_approve(run=stale, actor=admin)  # re-read under lock sees it is approved


def test_noncapitation_run_only_pays_those_who_served():
    provider = ProviderFactory()
    midwife = StaffMemberFactory(provider=provider, name="A bidan")
    other_midwife = StaffMemberFactory(provider=provider, name="B bidan")
    clerk = StaffMemberFactory(provider=provider, name="C admin", jenis_tenaga="non_nakes_d3")
    for member in (midwife, other_midwife, clerk):
        AttendanceFactory(staff=member, period=JAN)
    profile = stored_profile("tanah-datar-29-2017")
    services.receipt_record(
        provider=provider, period=JAN, source="nonkap_persalinan", service_kind="persalinan_normal",
        amount=1_000_000, profile=profile, received_on=JAN, actor=None,
    )  # fmt: skip
    services.receipt_record(
        provider=provider, period=JAN, source="nonkap_persalinan", service_kind="anc", amount=500_000,
        profile=profile, received_on=JAN, actor=None,
    )  # fmt: skip
    services.service_cases_save(
        provider=provider, period=JAN, service_kind="persalinan_normal",
        counts={midwife.pk: "3", other_midwife.pk: "1", clerk.pk: ""}, actor=None,
    )  # fmt: skip
    run = run_services.run_create(
        provider=provider, period_from=JAN, period_to=JAN, profile=profile, actor=None,
        service_kind="persalinan_normal", method="per_kasus",
    )  # fmt: skip
    assert run.pool_amount == 600_000  # 60% of the normal-delivery receipt only
    shares = {line.name: line.share for line in run.lines.all()}
    assert shares == {"A bidan": 450_000, "B bidan": 150_000, "C admin": 0}
    with pytest.raises(ValidationError, match="kasus"):
        services.service_cases_save(
            provider=provider, period=JAN, service_kind="anc", counts={midwife.pk: "x"}, actor=None
        )
    by_points = run_services.run_create(
        provider=provider, period_from=JAN, period_to=JAN, profile=profile, actor=None,
        service_kind="persalinan_normal",
    )  # fmt: skip
    assert by_points.method == "poin"
    assert {line.name: line.share for line in by_points.lines.all()} == {
        "A bidan": 300_000,
        "B bidan": 300_000,
        "C admin": 0,
    }


def test_jaspel_run_command_creates_a_draft():
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    provider, *_rest = make_run_fixture()
    out = StringIO()
    call_command(
        "jaspel_run", "--provider", provider.code, "--from", "2025-01", "--to", "2025-02",
        "--profile", "tanah-datar-29-2017", "--source", "kapitasi", stdout=out,
    )  # fmt: skip
    run = DistributionRun.objects.get(provider=provider)
    assert run.status == RunStatus.DRAFT and run.pool_amount == 6_000_000
    assert "6.000.000" in out.getvalue()
    with pytest.raises(CommandError) as info:
        call_command("jaspel_run", "--provider", "TIDAK-ADA", "--from", "2025-01", "--profile", "x")
    assert info.value.returncode == 2


def test_correction_of_a_paid_run_pays_only_the_difference_and_old_version_is_superseded():
    provider, _doctor, nurse, profile = make_run_fixture()
    treasurer = user_with_role(Role.TREASURER, provider=provider)
    admin = user_with_role(Role.UPT_ADMIN)
    first = run_services.run_create(provider=provider, period_from=JAN, period_to=JAN, profile=profile, actor=treasurer)
    run_services.run_verify(run=first, actor=treasurer)
    run_services.run_approve(run=first, actor=admin)
    run_services.run_mark_paid(run=first, actor=treasurer)
    Attendance.objects.filter(staff=nurse, period=JAN).update(days_present=22)  # under-counted before
    second = run_services.run_rerun(run=first, actor=treasurer)
    run_services.run_verify(run=second, actor=treasurer)
    run_services.run_approve(run=second, actor=admin)
    old = {line.staff_id: line.net for line in first.lines.all()}
    new = {line.staff_id: line.net for line in second.lines.all()}
    rows = [row.split(",") for row in bank_transfer_csv(second).strip().splitlines()[1:]]
    assert len(rows) == 1 and int(rows[0][5]) == new[nurse.pk] - old[nurse.pk] > 0
    assert "koreksi v2" in rows[0][6]
    assert run_services.superseded(first)


def test_superseded_approved_version_cannot_be_paid():
    provider, *_rest, profile = make_run_fixture()
    admin = user_with_role(Role.UPT_ADMIN)
    preparer, payer = user_with_role(Role.UPT_ADMIN), user_with_role(Role.UPT_ADMIN)
    first = run_services.run_create(provider=provider, period_from=JAN, period_to=JAN, profile=profile, actor=preparer)
    run_services.run_verify(run=first, actor=preparer)
    run_services.run_approve(run=first, actor=admin)
    second = run_services.run_rerun(run=first, actor=preparer)
    run_services.run_verify(run=second, actor=preparer)
    run_services.run_approve(run=second, actor=admin)
    with pytest.raises(ValidationError, match="digantikan"):
        run_services.run_mark_paid(run=first, actor=payer)
    run_services.run_mark_paid(run=second, actor=payer)


def test_separation_of_duties_on_each_step_and_the_relaxation_path():
    from ejamkesda.core.duties import SeparationOfDutiesError, duties_relax

    provider, *_rest, profile = make_run_fixture()
    treasurer = user_with_role(Role.TREASURER, provider=provider)
    admin, other_admin = user_with_role(Role.UPT_ADMIN), user_with_role(Role.UPT_ADMIN)
    run = run_services.run_create(provider=provider, period_from=JAN, period_to=JAN, profile=profile, actor=admin)
    run_services.run_verify(run=run, actor=other_admin)
    for clash in (admin, other_admin):  # the creator and the verifier may not approve
        with pytest.raises(SeparationOfDutiesError, match="Pemisahan tugas"):
            run_services.run_approve(run=run, actor=clash)
    third = user_with_role(Role.UPT_ADMIN)
    run_services.run_approve(run=run, actor=third)
    with pytest.raises(SeparationOfDutiesError, match="menyetujuinya"):  # the approver may not pay
        run_services.run_mark_paid(run=run, actor=third)
    run_services.run_mark_paid(run=run, actor=treasurer)
    assert DistributionRun.objects.get(pk=run.pk).duty_relaxations == {}

    # A one-person puskesmas: a UPT admin records why; each relaxed step is marked and audited.
    with pytest.raises(PermissionDenied):
        duties_relax(provider=provider, reason="satu orang", actor=treasurer)
    duties_relax(provider=provider, reason="Puskesmas pembantu dengan satu pegawai", actor=admin)
    assert AuditLog.objects.filter(object_type="providers.Provider", summary__contains="dilonggarkan").exists()
    solo = run_services.run_create(
        provider=provider, period_from=JAN, period_to=JAN, profile=profile, actor=admin, pool_amount=1000
    )
    run_services.run_verify(run=solo, actor=admin)
    run_services.run_approve(run=solo, actor=admin)
    run_services.run_mark_paid(run=solo, actor=admin)
    solo.refresh_from_db()
    assert set(solo.duty_relaxations) == {"approved", "paid"}
    assert AuditLog.objects.filter(object_id=str(solo.pk), summary__contains="dilonggarkan").count() == 2
