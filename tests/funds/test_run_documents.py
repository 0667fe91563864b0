"""Documents of a run: DRAF on every document of a run that is not approved, the points
explanation never cut, the month-by-month table on slips and in the recap XLSX."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from ejamkesda.core.roles import Role
from ejamkesda.funds import run_services
from ejamkesda.funds.slips import SlipData, render_slips
from tests.factories import user_with_role
from tests.funds.factories import stored_profile
from tests.funds.test_staff_history import _pasal_20_year

pytestmark = pytest.mark.django_db
DOCUMENTS = ("funds:run_slips", "funds:run_recap_pdf")


@pytest.fixture
def year_run():
    provider = _pasal_20_year()
    treasurer = user_with_role(Role.TREASURER, provider=provider)
    run = run_services.run_create(
        provider=provider, period_from=dt.date(2025, 1, 1), period_to=dt.date(2025, 12, 1),
        profile=stored_profile("kapuas-hulu-9-2015"), pool_amount=100_000_000, actor=treasurer,
    )  # fmt: skip
    return provider, treasurer, run


def _xlsx_cells(content: bytes, sheet: str | None = None) -> list[list[object]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for row in (book[sheet] if sheet else book.active).iter_rows(values_only=True)]


def test_draft_documents_carry_draf_and_approved_ones_do_not(client, login, year_run):
    provider, treasurer, run = year_run
    login(Role.TREASURER, provider=provider)
    for name in DOCUMENTS:
        assert b"DRAF" in client.get(reverse(name, args=[run.pk])).content, name
    recap = client.get(reverse("funds:run_recap_xlsx", args=[run.pk])).content
    assert "DRAF" in str(_xlsx_cells(recap)[0][0]) and "DRAF" in str(_xlsx_cells(recap, "per bulan")[0][0])

    run_services.run_verify(run=run, actor=treasurer)
    run_services.run_approve(run=run, actor=user_with_role(Role.UPT_ADMIN))
    for name in DOCUMENTS:
        assert b"DRAF" not in client.get(reverse(name, args=[run.pk])).content, name
    assert "DRAF" not in str(_xlsx_cells(client.get(reverse("funds:run_recap_xlsx", args=[run.pk])).content)[0][0])


def test_slip_has_the_month_by_month_table_and_the_total(client, login, year_run):
    provider, _treasurer, run = year_run
    login(Role.TREASURER, provider=provider)
    line = run.lines.get(employee_no="C")
    pdf = client.get(reverse("funds:run_slip", args=[run.pk, line.pk])).content
    assert b"Rincian poin bulan per bulan" in pdf
    for text in (b"2025-09", b"430", b"2025-12", b"tidak bekerja", b"7310"):
        assert text in pdf, text


def test_recap_xlsx_per_month_rows(year_run):
    from ejamkesda.funds.exports import recap_xlsx

    _provider, _treasurer, run = year_run
    rows = _xlsx_cells(recap_xlsx(run), "per bulan")
    header = rows[1]
    budi = [row for row in rows if row[2] == "B"]
    assert len(budi) == 12
    assert [row[header.index("rangkap")] for row in budi] == [0, 0] + [30] * 10
    assert [row[header.index("Poin")] for row in budi][:3] == ["1218", "1218", "1848"]
    assert any(row[1] == "Budi" and row[3] == "Jumlah" and row[-1] == "20916" for row in rows)


def test_points_explanation_is_never_cut():
    long = "Pasal 19 ayat (4): Direktur/Plt Direktur, Kepala/Plt Kepala Tata Usaha atau Bendahara; " * 3 + "AKHIR"
    slip = SlipData(
        provider="Puskesmas Uji", period="01/2025", profile_title="Uji", formula="jenis", name="X",
        employee_no="1", points="1", total_points="1", pool=1, share=1, tax=0, tax_rate="0", net=1,
        variables={"rangkap": 30}, explanations={"rangkap": long},
    )  # fmt: skip
    pdf = render_slips([slip])
    assert b"AKHIR" in pdf and b"kepala FKT" not in pdf


def test_run_page_shows_months_and_a_rerun_names_the_months_that_changed(client, login, year_run):
    from ejamkesda.funds import services
    from ejamkesda.funds.models import StaffMember

    provider, treasurer, run = year_run
    login(Role.TREASURER, provider=provider)
    page = client.get(reverse("funds:run_detail", args=[run.pk])).content.decode()
    assert "Bulan per bulan" in page and "tidak bekerja pada bulan ini" in page and "2025-12" in page

    run_services.run_verify(run=run, actor=treasurer)
    run_services.run_approve(run=run, actor=user_with_role(Role.UPT_ADMIN))
    ani = StaffMember.objects.get(provider=provider, employee_no="A")
    data = {field: getattr(ani, field) for field in services.STAFF_FIELDS}
    # The decree turns out to date from April, not June: recorded after the approval, on a
    # record that already says PNS.
    services.staff_save(
        provider=provider, staff=ani, actor=treasurer, data={**data, "effective_from": dt.date(2025, 4, 1)}
    )
    new = run_services.run_rerun(run=run, actor=treasurer)
    (row,) = [d for d in run_services.run_diff(new) if d.name == "Ani"]
    assert "2025-04 status: 8 → 10" in row.reasons and "2025-05 status: 8 → 10" in row.reasons
    assert row.delta > 0
