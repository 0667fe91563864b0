"""The instruction checklist is a per-regency document file, checked on load."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ejamkesda.accounts.models import Agency
from ejamkesda.core.roles import Role
from ejamkesda.coverage.instructions import (
    InstructionFileError,
    bundled_documents,
    document_parse,
    document_path,
    document_read,
)
from ejamkesda.coverage.models import Instruction, InstructionTask
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def _minimal(**changes):
    document = {
        "format": 1,
        "name": "Instruksi Bupati Contoh 1/2026",
        "kind": "Instruksi Bupati",
        "number": "1 Tahun 2026",
        "title": "Optimalisasi JKN",
        "regency": "Kabupaten Contoh",
        "issued_on": "2026-01-02",
        "issued_at": "Kota Contoh",
        "official": "Bupati Contoh",
        "example": True,
        "agencies": [{"code": "DINSOS", "name": "Dinas Sosial", "addressee": "Kepala Dinas Sosial"}],
        "tasks": [{"point": 1, "letter": "a", "agency": "DINSOS", "text": "Memutakhirkan data PBI."}],
    }
    document.update(changes)
    return document


def test_bundled_documents_are_valid_and_complete():
    names = {path.stem for path in bundled_documents()}
    assert {"tegal_379_2022", "ppu_contoh_demo"} <= names
    for path in bundled_documents():
        document = document_read(path)
        assert len(document.tasks) == 55
        assert all(task.agency and task.addressee and task.text for task in document.tasks)


def test_tegal_template_keeps_the_issued_instruction():
    tegal = document_read(document_path("tegal_379_2022"))
    assert tegal.name == "Instruksi Bupati Tegal 379/2022" and not tegal.example
    assert tegal.issued_on == dt.date(2022, 8, 31) and tegal.official == "Bupati Tegal"
    six_d = next(task for task in tegal.tasks if (task.point, task.letter) == (6, "d"))
    assert "setiap bulan dengan mencantumkan nama dan alamat secara lengkap" in six_d.text


def test_ppu_demo_document_is_marked_as_example_and_names_no_other_regency():
    ppu = document_read(document_path("ppu_contoh_demo"))
    assert ppu.example and "BUKAN INSTRUKSI YANG DITETAPKAN" in ppu.note
    assert ppu.regency == "Kabupaten Penajam Paser Utara"
    for task in ppu.tasks:
        assert "Tegal" not in task.text + task.addressee
        assert "belum ditetapkan" not in task.addressee
    assert all("Tegal" not in agency.name + agency.addressee for agency in ppu.agencies)
    codes = {agency.code for agency in ppu.agencies}
    assert {"DINKES", "DINSOS", "DUKCAPIL", "BPKAD", "BAPPEDA", "CAMAT"} <= codes


def test_every_problem_is_reported_with_its_place():
    raw = _minimal(
        format=2,
        issued_on="31-08-2022",
        title="",
        tasks=[
            {"point": 1, "letter": "a", "agency": "DINSOSX", "text": "x"},
            {"point": 1, "letter": "a", "agency": "DINSOS", "text": ""},
            {"point": 0, "letter": "AB", "agency": "DINSOS", "text": "y"},
        ],
    )
    with pytest.raises(InstructionFileError) as caught:
        document_parse(raw, source="uji.json")
    problems = caught.value.problems
    assert "format: harus 1" in problems
    assert "issued_on: harus tanggal TTTT-BB-HH" in problems
    assert "title: wajib diisi" in problems
    assert "tasks[0].agency: kode OPD 'DINSOSX' tidak ada di agencies" in problems
    assert "tasks[1].: angka 1 huruf 'a' ganda" in problems
    assert "tasks[1].text: wajib diisi" in problems
    assert "tasks[2].point: harus bilangan 1–99" in problems
    assert any(problem.startswith("tasks[2].letter") for problem in problems)
    assert str(caught.value).startswith("uji.json: ")


def test_a_file_that_is_not_json_says_where(tmp_path):
    broken = tmp_path / "rusak.json"
    broken.write_text('{"format": 1,\n "name": }', encoding="utf-8")
    with pytest.raises(InstructionFileError, match="baris 2"):
        document_read(broken)


def test_command_loads_header_agencies_and_tasks_idempotently(tmp_path):
    social = AgencyFactory(code="DINSOS", name="Dinas Sosial")
    path = tmp_path / "contoh.json"
    path.write_text(json.dumps(_minimal()), encoding="utf-8")
    call_command("seed_instruction_tasks", file=str(path), verbosity=0)
    call_command("seed_instruction_tasks", file=str(path), verbosity=0)
    task = InstructionTask.objects.get()
    assert task.agency == social and task.addressee == "Kepala Dinas Sosial" and task.active
    header = Instruction.objects.get()
    assert header.number == "1 Tahun 2026" and header.example and header.source == "contoh.json"


def test_loading_another_document_switches_the_checklist(settings):
    settings.COVERAGE_INSTRUCTION_FILE = "tegal_379_2022"
    call_command("seed_instruction_tasks", verbosity=0)
    call_command("seed_instruction_tasks", file="ppu_contoh_demo", verbosity=0)
    active = InstructionTask.objects.filter(active=True)
    assert active.count() == 55
    assert set(active.values_list("instruction", flat=True)) == {"Instruksi Bupati Penajam Paser Utara (contoh demo)"}
    assert not active.filter(agency=None).exists()
    assert Agency.objects.get(code="DUKCAPIL").name == "Dinas Kependudukan dan Pencatatan Sipil"


def test_command_refuses_a_bad_file_and_a_missing_choice(tmp_path, settings):
    settings.COVERAGE_INSTRUCTION_FILE = ""
    with pytest.raises(CommandError, match="ppu_contoh_demo"):
        call_command("seed_instruction_tasks", verbosity=0)
    path = tmp_path / "salah.json"
    path.write_text(json.dumps(_minimal(tasks=[])), encoding="utf-8")
    with pytest.raises(CommandError, match="tasks: harus daftar tugas yang tidak kosong"):
        call_command("seed_instruction_tasks", file=str(path), verbosity=0)
    assert not InstructionTask.objects.exists()


def test_task_list_shows_the_document_and_the_example_warning(client, login):
    call_command("seed_instruction_tasks", file="ppu_contoh_demo", verbosity=0)
    login(Role.UPT_ADMIN)
    page = client.get(reverse("coverage:tasks")).content.decode()
    assert "Nomor CONTOH Tahun 2026" in page and "Bupati Kabupaten Penajam Paser Utara" in page
    assert "Contoh demo, bukan instruksi yang ditetapkan." in page
    assert "Tegal" not in page.replace("Instruksi Bupati Tegal 379/2022", "")
    assert "(belum ditetapkan)" not in page
