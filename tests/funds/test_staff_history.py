"""Effective-dated staff history and runs over several months computed from it (Perbup Kapuas
Hulu 9/2015 Pasal 20), with the worked example of docs/jasa-pelayanan.md."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from ejamkesda.core.roles import Role
from ejamkesda.funds import run_services, services
from ejamkesda.funds.models import StaffState
from ejamkesda.funds.staff_history import history_rows, state_on
from tests.factories import ProviderFactory, user_with_role
from tests.funds.factories import AttendanceFactory, StaffMemberFactory, stored_profile

pytestmark = pytest.mark.django_db
BASE = {"education": "", "golongan": "", "roles": "", "program_jkn": False, "bank_name": "", "bank_account": ""}


def _save(provider, actor, staff=None, **data):
    return services.staff_save(provider=provider, data={**BASE, "active": True, **data}, actor=actor, staff=staff)


def _states(staff):
    return list(StaffState.objects.filter(staff=staff).order_by("valid_from"))


def test_change_holds_from_its_date_and_the_past_reads_back():
    provider = ProviderFactory()
    actor = user_with_role(Role.TREASURER, provider=provider)
    ani = _save(provider, actor, employee_no="A", name="Ani", jenis_tenaga="apoteker_ners",
                started_on=dt.date(2024, 1, 1), status="cpns")  # fmt: skip
    ani = _save(provider, actor, ani, employee_no="A", name="Ani", jenis_tenaga="apoteker_ners",
                started_on=dt.date(2024, 1, 1), status="pns", effective_from=dt.date(2025, 6, 1))  # fmt: skip
    states = _states(ani)
    assert [(s.valid_from, s.status) for s in states] == [(dt.date(2024, 1, 1), "cpns"), (dt.date(2025, 6, 1), "pns")]
    assert state_on(states, dt.date(2025, 5, 31)).status == "cpns"
    assert state_on(states, dt.date(2025, 6, 1)).status == "pns"
    assert ani.status == "pns"
    rows = history_rows(ani)
    assert rows[1]["changes"] == ["status"]


def test_a_change_dated_back_reaches_later_states_until_their_own_change():
    provider = ProviderFactory()
    actor = user_with_role(Role.TREASURER, provider=provider)
    common = {"employee_no": "B", "name": "Budi", "jenis_tenaga": "nakes_d3", "started_on": dt.date(2010, 7, 1)}
    budi = _save(provider, actor, status="cpns", **common)
    budi = _save(provider, actor, budi, status="cpns", roles="ktu", effective_from=dt.date(2025, 3, 1), **common)
    budi = _save(provider, actor, budi, status="pppk", roles="ktu", effective_from=dt.date(2025, 9, 1), **common)
    # Recorded late: PNS from June (the September state had its own status change).
    _save(provider, actor, budi, status="pns", roles="ktu", effective_from=dt.date(2025, 6, 1), **common)
    got = [(s.valid_from.month, s.status, s.roles) for s in _states(budi)]
    assert got == [(7, "cpns", ""), (3, "cpns", "ktu"), (6, "pns", "ktu"), (9, "pppk", "ktu")]
    budi.refresh_from_db()
    assert budi.status == "pppk"  # the value holding today


def test_effective_date_before_the_start_is_refused():
    from django.core.exceptions import ValidationError

    provider = ProviderFactory()
    actor = user_with_role(Role.TREASURER, provider=provider)
    common = {"employee_no": "C", "name": "C", "jenis_tenaga": "nakes_d3", "started_on": dt.date(2020, 1, 1)}
    member = _save(provider, actor, status="pns", **common)
    with pytest.raises(ValidationError):
        _save(provider, actor, member, status="cpns", effective_from=dt.date(2019, 1, 1), **common)


def test_data_migration_gives_existing_records_a_state_since_their_start():
    member = StaffMemberFactory(status="pns", roles="kepala")
    StaffState.objects.filter(staff=member).delete()
    module = importlib.import_module("ejamkesda.funds.migrations.0008_staff_states_from_current_records")
    module.forwards(apps, None)
    (state,) = _states(member)
    assert (state.valid_from, state.status, state.roles, state.provider_id) == (
        member.started_on, "pns", "kepala", member.provider_id,
    )  # fmt: skip
    module.forwards(apps, None)  # idempotent
    assert len(_states(member)) == 1


def _pasal_20_year():
    """The worked example: a status change, a role change, a leaver in September, lateness."""
    provider = ProviderFactory()
    actor = user_with_role(Role.TREASURER, provider=provider)
    a = {"employee_no": "A", "name": "Ani", "jenis_tenaga": "apoteker_ners", "started_on": dt.date(2024, 1, 1),
         "golongan": "III/a"}  # fmt: skip
    ani = _save(provider, actor, status="cpns", **a)
    _save(provider, actor, ani, status="pns", effective_from=dt.date(2025, 6, 1), **a)
    b = {"employee_no": "B", "name": "Budi", "jenis_tenaga": "nakes_d3", "started_on": dt.date(2010, 7, 1),
         "golongan": "III/b", "status": "pns"}  # fmt: skip
    budi = _save(provider, actor, **b)
    _save(provider, actor, budi, **{**b, "roles": "ktu"}, effective_from=dt.date(2025, 3, 1))
    c = {"employee_no": "C", "name": "Citra", "jenis_tenaga": "non_nakes_d3", "started_on": dt.date(2023, 1, 1),
         "status": "kontrak"}  # fmt: skip
    citra = _save(provider, actor, **c)
    _save(provider, actor, citra, **c, ended_on=dt.date(2025, 9, 15))
    _save(provider, actor, citra, **{**c, "active": False}, ended_on=dt.date(2025, 9, 15),
          effective_from=dt.date(2025, 9, 16))  # fmt: skip
    dedi = _save(provider, actor, employee_no="D", name="Dedi", jenis_tenaga="tenaga_medis",
                 started_on=dt.date(2018, 1, 1), status="pns", golongan="IV/a", program_jkn=True)  # fmt: skip
    for month in range(1, 13):
        period = dt.date(2025, month, 1)
        AttendanceFactory(staff=ani, period=period, days_present=20)
        AttendanceFactory(staff=budi, period=period, days_present=21, minutes_late=300)
        if month <= 9:
            AttendanceFactory(staff=citra, period=period, days_present=20 if month < 9 else 10)
        AttendanceFactory(staff=dedi, period=period, days_present=22)
    return provider


def test_pasal_20_year_from_the_staff_history_exact_to_the_rupiah():
    provider = _pasal_20_year()
    run = run_services.run_create(
        provider=provider, period_from=dt.date(2025, 1, 1), period_to=dt.date(2025, 12, 1),
        profile=stored_profile("kapuas-hulu-9-2015"), pool_amount=100_000_000, actor=None,
    )  # fmt: skip
    lines = {line.employee_no: line for line in run.lines.all()}
    assert run.total_points == "100602"
    assert {k: (line.points, line.share, line.tax, line.net) for k, line in lines.items()} == {
        "A": ("26440", 26281784, 1314089, 24967695),
        "B": ("20916", 20790839, 1039541, 19751298),
        "C": ("7310", 7266257, 363312, 6902945),
        "D": ("45936", 45661120, 6849168, 38811952),
    }
    assert [m["variables"].get("status") for m in lines["A"].months] == [8] * 5 + [10] * 7
    assert [m["variables"].get("rangkap") for m in lines["B"].months] == [0, 0] + [30] * 10
    assert [m["bekerja"] for m in lines["C"].months] == [True] * 9 + [False] * 3


def test_a_single_month_run_uses_that_months_values():
    provider = _pasal_20_year()
    run = run_services.run_create(
        provider=provider, period_from=dt.date(2025, 10, 1), period_to=dt.date(2025, 10, 1),
        profile=stored_profile("kapuas-hulu-9-2015"), pool_amount=1_000_000, actor=None,
    )  # fmt: skip
    lines = {line.employee_no: line for line in run.lines.all()}
    assert set(lines) == {"A", "B", "D"}  # Citra left in September
    assert lines["A"].variables["status"] == 10 and lines["B"].variables["rangkap"] == 30
    assert lines["A"].months == []


def test_roster_xlsx_import_with_berlaku_mulai_and_roster_page_history(client, login):
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from ejamkesda.funds.models import StaffMember

    provider = ProviderFactory()
    login(Role.TREASURER, provider=provider)

    def xlsx(status: str, since: str) -> SimpleUploadedFile:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["id", "nama", "jenis_tenaga", "mulai_kerja", "status", "golongan", "Berlaku mulai"])
        sheet.append(["K1", "Kiki", "nakes_d3", dt.date(2020, 1, 1), status, "III/a", since])
        buffer = io.BytesIO()
        book.save(buffer)
        return SimpleUploadedFile("roster.xlsx", buffer.getvalue())

    url = reverse("funds:staff_import")
    assert client.post(url, {"provider": provider.pk, "file": xlsx("cpns", "")}).status_code == 302
    assert client.post(url, {"provider": provider.pk, "file": xlsx("pns", "2025-06-01")}).status_code == 302
    member = StaffMember.objects.get(provider=provider, employee_no="K1")
    assert [(s.valid_from, s.status) for s in _states(member)] == [
        (dt.date(2020, 1, 1), "cpns"), (dt.date(2025, 6, 1), "pns"),
    ]  # fmt: skip
    page = client.get(reverse("funds:staff_detail", args=[member.pk])).content.decode()
    assert "Riwayat nilai yang menentukan poin" in page and "01-06-2025" in page and "CPNS" in page


def test_staff_form_records_berlaku_mulai(client, login):
    from django.urls import reverse

    provider = ProviderFactory()
    actor = login(Role.TREASURER, provider=provider)
    common = {"employee_no": "F1", "name": "Fajar", "jenis_tenaga": "nakes_d3", "started_on": dt.date(2019, 3, 1)}
    member = _save(provider, actor, status="cpns", **common)
    form = {**common, "started_on": "2019-03-01", "status": "pns", "golongan": "III/a", "active": "on"}
    response = client.post(reverse("funds:staff_edit", args=[member.pk]), {**form, "effective_from": "2025-06-01"})
    assert response.status_code == 302
    assert [(s.valid_from, s.status) for s in _states(member)] == [
        (dt.date(2019, 3, 1), "cpns"), (dt.date(2025, 6, 1), "pns"),
    ]  # fmt: skip
    page = client.get(reverse("funds:staff_edit", args=[member.pk])).content.decode()
    assert 'name="effective_from"' in page and 'name="ended_on"' in page


def test_attendance_grid_lists_a_leaver_for_the_months_worked(client, login):
    from django.urls import reverse

    provider = ProviderFactory()
    actor = login(Role.TREASURER, provider=provider)
    common = {"employee_no": "L1", "name": "Lina", "jenis_tenaga": "nakes_d3", "started_on": dt.date(2020, 1, 1)}
    _save(provider, actor, status="kontrak", ended_on=dt.date(2025, 9, 15), **{**common, "active": False})
    url = reverse("funds:attendance_grid")
    assert "Lina" in client.get(url, {"provider": provider.pk, "period": "2025-09"}).content.decode()
    assert "Lina" not in client.get(url, {"provider": provider.pk, "period": "2025-10"}).content.decode()
