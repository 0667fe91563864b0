from __future__ import annotations

import datetime as dt
import io
import pathlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.coverage.models import (
    InstructionTask,
    PbiProposal,
    PremiumBill,
    PremiumRate,
    SnapshotKind,
    TaskProgress,
)
from ejamkesda.coverage.services.pbi import pbi_proposal_decide, pbi_proposals_generate
from ejamkesda.coverage.services.premium import premium_bill_reconcile, premium_payment_record
from ejamkesda.coverage.services.tasks import parse_instruction
from tests.coverage.factories import (
    VILLAGE_A,
    SnapshotFactory,
    WelfareRecordFactory,
    build_month,
    nik,
    regions,
)
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

SEED = pathlib.Path(__file__).resolve().parents[2] / "ejamkesda" / "coverage" / "data"


def two_months():
    regions()
    september = build_month(
        dt.date(2026, 9, 1),
        residents=[(nik(1), VILLAGE_A), (nik(2), VILLAGE_A), (nik(3), VILLAGE_A)],
        members=[(nik(1), "pbi_apbn", "aktif"), (nik(2), "pbi_apbn", "aktif")],
    )
    october = build_month(
        dt.date(2026, 10, 1),
        residents=[(nik(1), VILLAGE_A), (nik(2), VILLAGE_A), (nik(3), VILLAGE_A)],
        members=[(nik(1), "pbi_apbn", "aktif"), (nik(3), "pbpu_bp_pemda", "aktif")],
    )
    return september, october


def test_pbi_village_list_with_changes_and_downloads(client, login):
    _september, october = two_months()
    login(Role.UPT_VERIFIER)
    url = reverse("coverage:pbi_village", args=[VILLAGE_A])
    response = client.get(url, {"periode": october.pk})
    assert response.status_code == 200
    # PBI JK only (Instruksi Bupati Tegal 379/2022 KEDUA 6d); PBPU/BP Pemda is a separate list.
    assert response.context["added"] == 0 and len(response.context["removed"]) == 1
    pemda = client.get(url, {"periode": october.pk, "daftar": "pemda"})
    assert pemda.context["added"] == 1 and [line[7] for line in pemda.context["lines"]] == ["Baru"]
    lines = response.context["lines"] + pemda.context["lines"]
    assert all(line[1] == "Jl. Mawar" for line in lines)  # full address (angka 6 huruf d)
    xlsx = client.get(url, {"periode": october.pk, "format": "xlsx"})
    import openpyxl

    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert [row[7] for row in rows[3:]].count("Keluar") == 1
    assert client.get(url, {"format": "pdf"}).content.startswith(b"%PDF")


def test_pbi_lists_closed_to_other_opd_but_open_to_dinas_sosial(client, login):
    two_months()
    login(Role.OPD_OPERATOR)
    assert client.get(reverse("coverage:pbi_index")).status_code == 404
    login(Role.OPD_OPERATOR, agency=AgencyFactory(code="DINSOS"))
    assert client.get(reverse("coverage:pbi_index")).status_code == 200
    login(Role.VIEWER)
    assert client.get(reverse("coverage:pbi_village", args=[VILLAGE_A])).status_code == 403


def test_pbi_proposals_from_lowest_deciles_without_active_jkn():
    _september, october = two_months()
    welfare = SnapshotFactory(kind=SnapshotKind.WELFARE, as_of=dt.date(2026, 10, 1))
    WelfareRecordFactory(snapshot=welfare, nik=nik(1), decile=1)  # active: not proposed
    WelfareRecordFactory(snapshot=welfare, nik=nik(2), decile=2)  # not active: proposed
    WelfareRecordFactory(snapshot=welfare, nik=nik(3), decile=7)  # decile too high
    WelfareRecordFactory(snapshot=welfare, nik=nik(8), decile=1)  # not a resident
    actor = UserFactory()
    run = pbi_proposals_generate(welfare=welfare, period=october, actor=actor)
    assert run.added == 1
    proposal = PbiProposal.objects.get()
    assert proposal.nik == nik(2) and proposal.village_code == VILLAGE_A and proposal.status == "proposed"
    again = pbi_proposals_generate(welfare=welfare, period=october, actor=actor)
    assert again.added == 0 and PbiProposal.objects.count() == 1
    with pytest.raises(ValidationError):
        pbi_proposal_decide(proposal=proposal, to_status="accepted", reason="langsung", actor=actor)
    with pytest.raises(ValidationError):
        pbi_proposal_decide(proposal=proposal, to_status="submitted", reason=" ", actor=actor)
    pbi_proposal_decide(proposal=proposal, to_status="submitted", reason="Dikirim ke Kemensos", actor=actor)
    pbi_proposal_decide(proposal=proposal, to_status="removed", reason="Pindah domisili", actor=actor)
    events = list(proposal.events.values_list("from_status", "to_status", "reason"))
    assert events == [
        ("", "proposed", "Desil 2, belum peserta JKN aktif"),
        ("proposed", "submitted", "Dikirim ke Kemensos"),
        ("submitted", "removed", "Pindah domisili"),
    ]
    assert AuditLog.objects.filter(object_type="coverage.PbiProposal").count() >= 3


def test_pbi_proposal_withdrawn_when_person_becomes_active():
    regions()
    september = build_month(dt.date(2026, 9, 1), residents=[(nik(2), VILLAGE_A)], members=[])
    welfare = SnapshotFactory(kind=SnapshotKind.WELFARE, as_of=dt.date(2026, 9, 1))
    WelfareRecordFactory(snapshot=welfare, nik=nik(2), decile=1)
    pbi_proposals_generate(welfare=welfare, period=september, actor=None)
    october = build_month(dt.date(2026, 10, 1), residents=[(nik(2), VILLAGE_A)], members=[(nik(2), "ppu", "aktif")])
    run = pbi_proposals_generate(welfare=welfare, period=october, actor=None)
    assert run.withdrawn == 1
    assert PbiProposal.objects.get().status == "removed"


def test_proposal_pages(client, login):
    two_months()
    welfare = SnapshotFactory(kind=SnapshotKind.WELFARE, as_of=dt.date(2026, 10, 1))
    WelfareRecordFactory(snapshot=welfare, nik=nik(2), decile=1)
    login(Role.UPT_ADMIN)
    client.post(reverse("coverage:proposals_generate"))
    proposal = PbiProposal.objects.get()
    assert client.get(reverse("coverage:proposal", args=[proposal.pk])).status_code == 200
    client.post(reverse("coverage:proposal_decide", args=[proposal.pk]), {"to_status": "submitted", "reason": "kirim"})
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    assert client.get(reverse("coverage:proposals"), {"format": "xlsx"}).status_code == 200


def test_bill_reconciliation_and_receivable():
    regions()
    period = build_month(
        residents=[(nik(1), VILLAGE_A), (nik(2), VILLAGE_A)],
        members=[(nik(1), "pbpu_bp_pemda", "aktif"), (nik(2), "pbpu_bp_pemda", "aktif"), (nik(3), "ppu", "aktif")],
    )
    cards = list(period.membership.memberships.filter(segment="pbpu_bp_pemda").values_list("card_number", flat=True))
    actor = UserFactory()
    bill = premium_bill_reconcile(
        month=dt.date(2026, 10, 1), billed_amount=3 * 42_000, card_numbers=[cards[0], "9999"], actor=actor
    )
    assert (bill.billed_count, bill.system_count, bill.expected_amount) == (2, 2, 84_000)
    assert bill.only_on_bill == ["9999"] and bill.only_in_system == [cards[1]]
    premium_payment_record(bill=bill, paid_on=dt.date(2026, 11, 10), amount=84_000, reference="SP2D-1", actor=actor)
    assert bill.paid == 84_000
    with pytest.raises(ValidationError):
        premium_bill_reconcile(month=dt.date(2026, 10, 1), billed_amount=1, card_numbers=[], actor=actor)
    with pytest.raises(ValidationError):
        premium_bill_reconcile(month=dt.date(2026, 3, 1), billed_amount=1, card_numbers=[], actor=actor)


def test_premium_pages(client, login, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    regions()
    build_month(residents=[(nik(1), VILLAGE_A)], members=[(nik(1), "pbpu_bp_pemda", "aktif")])
    login(Role.VIEWER)
    page = client.get(reverse("coverage:premium"))
    assert page.status_code == 200 and page.context["count"] == 1
    query = {"count_pemda": 100, "count_pbpu": 10, "count_bp": 5, "start": "2026-01", "months": 12}
    budget = client.get(reverse("coverage:premium"), query)
    # angka 1a: full premium of PBPU/BP Pemda + the regency's share (Rp2.800) of the bantuan iuran
    assert budget.context["budget"].total == 100 * 42_000 * 12 + 15 * 2_800 * 12
    assert budget.context["budget"].by_category() == {
        "pbi_jk_kontribusi": 0,
        "pbpu_bp_pemda": 100 * 42_000 * 12,
        "pbpu_kelas3": 10 * 2_800 * 12,
        "bp_kelas3": 5 * 2_800 * 12,
    }
    assert "Rp2800" in budget.content.decode().replace(".", "")
    download = client.get(reverse("coverage:premium"), {**query, "format": "xlsx"})
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[-1][-1] == 100 * 42_000 * 12 + 15 * 2_800 * 12
    assert sum(row[-1] for row in values if isinstance(row[2], int)) == values[-1][-1]
    # The page's own link on first load ("?&format=xlsx", no budget fields) downloads the default budget.
    first = client.get(reverse("coverage:premium") + "?&format=xlsx")
    assert first["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.post(reverse("coverage:rate_add"), {}).status_code == 403
    login(Role.UPT_ADMIN)
    client.post(
        reverse("coverage:rate_add"), {"effective_from": "2027-01-01", "monthly_rupiah": 50000, "source": "uji"}
    )
    assert PremiumRate.objects.get().monthly_rupiah == 50000
    upload = SimpleUploadedFile("tagihan.csv", b"no_kartu\n0000000000001\n")
    response = client.post(
        reverse("coverage:bill_add"), {"month": "2026-10", "billed_amount": 42000, "file": upload, "note": ""}
    )
    bill = PremiumBill.objects.get()
    assert response.status_code == 302 and bill.billed_count == 1
    broken = SimpleUploadedFile("tagihan.csv", b"")
    response = client.post(
        reverse("coverage:bill_add"), {"month": "2026-11", "billed_amount": 1, "file": broken, "note": ""}
    )
    assert response.status_code == 200 and PremiumBill.objects.count() == 1
    client.post(reverse("coverage:payment_add", args=[bill.pk]), {"paid_on": "2026-11-01", "amount": 40000})
    detail = client.get(reverse("coverage:bill", args=[bill.pk]))
    assert detail.context["receivable"] == 2000


def test_instruction_parser_reads_all_points_of_the_tegal_instruction():
    addressees, tasks = parse_instruction((SEED / "instruksi_bupati_tegal_379_2022.txt").read_text(encoding="utf-8"))
    assert len(addressees) == 24
    assert addressees[6].startswith("Kepala Dinas Sosial")
    keys = {(task.point, task.letter) for task in tasks}
    assert {(1, "a"), (2, "b"), (3, ""), (6, "d"), (20, "a"), (22, "a"), (23, "i"), (23, "l"), (24, "")} <= keys
    assert len(tasks) == 55
    six_d = next(task for task in tasks if (task.point, task.letter) == (6, "d"))
    assert "setiap bulan dengan mencantumkan nama dan alamat secara lengkap" in six_d.text
    one_a = next(task for task in tasks if (task.point, task.letter) == (1, "a"))
    assert one_a.text.endswith("dengan manfaat pelayanan di ruang perawatan Kelas 3;")


def test_seed_command_is_idempotent_and_maps_agencies(capsys):
    social = AgencyFactory(name="Dinas Sosial")
    call_command("seed_instruction_tasks")
    call_command("seed_instruction_tasks")
    assert InstructionTask.objects.count() == 55
    assert InstructionTask.objects.get(point=6, letter="d").agency == social


def test_task_progress_by_own_agency_only(client, login, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    social = AgencyFactory(name="Dinas Sosial")
    other = AgencyFactory(name="Dinas Perikanan")
    call_command("seed_instruction_tasks")
    task = InstructionTask.objects.get(point=6, letter="d")
    login(Role.OPD_OPERATOR, agency=other)
    assert client.get(reverse("coverage:task", args=[task.pk])).status_code == 404
    login(Role.OPD_OPERATOR, agency=social)
    listing = client.get(reverse("coverage:tasks"))
    assert {t.agency for t in listing.context["tasks"]} == {social}
    evidence = SimpleUploadedFile("bukti.pdf", b"%PDF-1.4 bukti")
    response = client.post(
        reverse("coverage:task", args=[task.pk]),
        {"action": "progress", "percent": 40, "note": "Daftar PBI dikirim ke 10 desa", "evidence": evidence},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.progress_percent == 40 and TaskProgress.objects.get().note.startswith("Daftar PBI")
    evidence_url = reverse("coverage:evidence", args=[TaskProgress.objects.get().pk])
    assert client.get(evidence_url).status_code == 200
    login(Role.OPD_OPERATOR, agency=other)
    assert client.get(evidence_url).status_code == 404
    login(Role.OPD_OPERATOR, agency=social)
    # editing the task itself is for the UPT admin
    assert client.post(reverse("coverage:task", args=[task.pk]), {"action": "edit", "text": "x"}).status_code == 404
    login(Role.VIEWER)
    dashboard = client.get(reverse("coverage:tasks"))
    assert dashboard.status_code == 200 and dashboard.context["summary"]["total"] == 55
