"""The participant importer end to end: validation, upsert, history, idempotence, atomic batches."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ejamkesda.jobs.importing.base import ImportFileError
from ejamkesda.jobs.importing.report import read_report, report_to_xlsx
from ejamkesda.jobs.importing.runner import run_import
from ejamkesda.participants.importing import ParticipantImporter
from ejamkesda.participants.models import Membership, ParticipantHistory, Person
from tests.factories import MembershipFactory, PersonFactory, ensure_region_tree, make_nik
from tests.imports.factories import person_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _village():
    ensure_region_tree("64.09.01.2001")


def run(path, tmp_path, **kwargs):
    importer = ParticipantImporter(source=kwargs.pop("source", "uji"), today=dt.date(2026, 1, 1))
    report = tmp_path / "kesalahan.csv"
    state = run_import(path, importer, error_report_path=report, **kwargs)
    errors = list(read_report(report))[1:] if report.exists() else []
    return state, errors


def test_creates_people_and_memberships(tmp_path):
    path = write_csv(tmp_path / "a.csv", [person_row(n) for n in range(5)])
    state, errors = run(path, tmp_path)
    assert errors == []
    assert (state.rows_read, state.created, state.updated, state.unchanged) == (5, 5, 0, 0)
    person = Person.objects.get(nik=person_row(1)["NIK"])
    assert person.name == "Warga Impor 1"
    assert person.name_key == "WARGA IMPOR 1"
    assert person.sex == "P"
    assert person.rt == "001" and person.rw == "002"
    assert person.village_id == "64.09.01.2001"
    assert person.created_at is not None
    membership = person.memberships.get()
    assert (membership.programme, membership.segment, membership.care_class, membership.status) == (
        "jkn",
        "pbpu_bp_pemda",
        3,
        "aktif",
    )
    assert membership.source == "uji"
    assert ParticipantHistory.objects.filter(person=person).count() == 1


def test_rerun_of_the_same_file_changes_nothing(tmp_path):
    path = write_csv(tmp_path / "a.csv", [person_row(n) for n in range(30)])
    run(path, tmp_path, batch_size=7)
    counts = (Person.objects.count(), Membership.objects.count(), ParticipantHistory.objects.count())
    stamps = list(Person.objects.order_by("id").values_list("updated_at", flat=True))
    state, errors = run(path, tmp_path, batch_size=7)
    assert errors == []
    assert (state.created, state.updated, state.unchanged) == (0, 0, 30)
    assert (Person.objects.count(), Membership.objects.count(), ParticipantHistory.objects.count()) == counts
    assert list(Person.objects.order_by("id").values_list("updated_at", flat=True)) == stamps


def test_changes_are_written_with_history(tmp_path):
    run(write_csv(tmp_path / "a.csv", [person_row(1), person_row(2)]), tmp_path)
    changed = [person_row(1, ALAMAT="Jl. Baru 9", STATUS="NONAKTIF"), person_row(2)]
    state, _ = run(write_csv(tmp_path / "b.csv", changed), tmp_path, source="BPJS Desember")
    assert (state.created, state.updated, state.unchanged) == (0, 1, 1)
    person = Person.objects.get(nik=person_row(1)["NIK"])
    assert person.address == "Jl. Baru 9"
    assert person.memberships.get().status == "nonaktif"
    entry = ParticipantHistory.objects.filter(person=person).order_by("-id").first()
    changes = entry.changes if isinstance(entry.changes, dict) else json.loads(entry.changes)
    assert changes["address"] == ["Jl. Uji 1", "Jl. Baru 9"]
    assert changes["jkn.status"] == ["aktif", "nonaktif"]
    assert entry.source == "BPJS Desember"
    assert entry.membership_id == person.memberships.get().pk


def test_empty_cells_never_erase_stored_values(tmp_path):
    person = PersonFactory(nik=person_row(3)["NIK"], sex="P", birth_date=dt.date(1980, 1, 1), address="Jl. Lama")
    rows = [{"NIK": person.nik, "NAMA": person.name, "ALAMAT": ""}]
    state, errors = run(write_csv(tmp_path / "a.csv", rows), tmp_path)
    assert errors == []
    assert state.unchanged == 1
    person.refresh_from_db()
    assert person.address == "Jl. Lama"
    assert person.birth_date == dt.date(1980, 1, 1)  # not overwritten from the NIK either


def test_existing_person_gets_a_new_membership_with_history(tmp_path):
    existing = MembershipFactory(person__nik=person_row(4)["NIK"], programme="jamkesda", card_number="J1")
    person = existing.person
    person.sex, person.birth_date, person.name = "L", dt.date(1980, 1, 1), "Warga Impor 4"
    person.save()
    row = person_row(4, NIK=person.nik, JK="", TGL_LAHIR="", NO_KARTU="0000000000099", KODE_DESA="", NO_KK="")
    row.update(ALAMAT=person.address, RT="", RW="")
    state, errors = run(write_csv(tmp_path / "a.csv", [row]), tmp_path)
    assert errors == []
    assert state.updated == 1
    assert set(person.memberships.values_list("programme", "card_number")) == {
        ("jamkesda", "J1"),
        ("jkn", "0000000000099"),
    }
    entry = ParticipantHistory.objects.filter(person=person).latest("id")
    assert entry.changes["jkn.card_number"] == [None, "0000000000099"]


@pytest.mark.parametrize(
    ("overrides", "column", "reason"),
    [
        ({"NIK": "123"}, "NIK", "16 digit"),
        ({"NIK": "64090147038500AB"}, "NIK", "angka"),
        ({"JK": "P"}, "JK", "tidak sesuai NIK"),
        ({"TGL_LAHIR": "01-01-1970"}, "TGL_LAHIR", "tidak sesuai NIK"),
        ({"TGL_LAHIR": "31-02-1980"}, "TGL_LAHIR", "kalender"),
        ({"NAMA": ""}, "NAMA", "wajib"),
        ({"NAMA": "=CMD()"}, "NAMA", "rumus"),
        ({"ALAMAT": "@SUM(A1)"}, "ALAMAT", "rumus"),
        ({"KODE_DESA": "6409019999"}, "KODE_DESA", "tidak ada dalam data wilayah"),
        ({"KODE_DESA": "64090"}, "KODE_DESA", "10 digit"),
        ({"NO_KK": "12345"}, "NO_KK", "16 digit"),
        ({"SEGMEN": "VIP"}, "SEGMEN", "tidak dikenal"),
        ({"STATUS": ""}, "STATUS", "wajib"),
        ({"KELAS": "4"}, "KELAS", "tidak dikenal"),
        ({"RT": "12a"}, "RT", "angka"),
    ],
)
def test_rejected_rows_name_row_column_value_and_reason(tmp_path, overrides, column, reason):
    rows = [person_row(1), person_row(2, **overrides)]
    state, errors = run(write_csv(tmp_path / "a.csv", rows), tmp_path)
    assert state.rows_rejected == 1 and state.created == 1
    assert any(error[0] == "3" and error[1] == column and reason in error[3] for error in errors), errors
    assert not Person.objects.filter(nik=rows[1]["NIK"]).exists() or column == "NIK"


def test_sex_and_birth_date_come_from_the_nik_when_missing(tmp_path):
    nik = make_nik(birth_date=dt.date(1990, 5, 17), sex="P", serial=77)
    _state, _errors = run(write_csv(tmp_path / "a.csv", [{"NIK": nik, "NAMA": "Rina"}]), tmp_path)
    person = Person.objects.get(nik=nik)
    assert (person.sex, person.birth_date) == ("P", dt.date(1990, 5, 17))


def test_duplicate_nik_in_one_file_keeps_the_first_row(tmp_path):
    rows = [person_row(1), person_row(1, NAMA="Orang Lain")]
    _state, errors = run(write_csv(tmp_path / "a.csv", rows), tmp_path)
    assert Person.objects.get(nik=rows[0]["NIK"]).name == "Warga Impor 1"
    assert errors[0][:2] == ["3", "NIK"] and "ganda" in errors[0][3]
    # and a re-run still changes nothing (no flip-flop between the two rows)
    before = ParticipantHistory.objects.count()
    run(write_csv(tmp_path / "a.csv", rows), tmp_path)
    assert ParticipantHistory.objects.count() == before


def test_indonesian_headers_and_semicolons(tmp_path):
    path = tmp_path / "dukcapil.csv"
    nik = make_nik(birth_date=dt.date(1985, 3, 7), sex="P", serial=5)
    text = (
        "No. NIK;Nama Lengkap;Jenis Kelamin;Tempat Lahir;Tanggal Lahir;Kode Desa;Keterangan\r\n"
        f"{nik};Siti Aminah;Perempuan;Penajam;7 Maret 1985;64.09.01.2001;pindahan\r\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    state, errors = run(path, tmp_path)
    assert errors == []
    assert state.ignored_headers == ["Keterangan"]
    person = Person.objects.get(nik=nik)
    assert (person.name, person.birth_place, person.sex) == ("Siti Aminah", "Penajam", "P")
    assert not person.memberships.exists()


def test_missing_required_column_fails_the_whole_file(tmp_path):
    path = write_csv(tmp_path / "a.csv", [{"NIK": person_row(1)["NIK"], "ALAMAT": "x"}])
    with pytest.raises(ImportFileError, match="Kolom wajib tidak ditemukan: NAMA"):
        run(path, tmp_path)
    assert not Person.objects.exists()


def test_header_only(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("NIK,NAMA\r\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="tanpa baris data"):
        run(path, tmp_path)


def test_xlsx_with_dates_and_numeric_nik(tmp_path):
    good = person_row(1)
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [
            ["NIK", "NAMA", "TGL_LAHIR", "KELAS", "STATUS"],
            [good["NIK"], "Budi", dt.datetime.strptime(good["TGL_LAHIR"], "%d-%m-%Y"), 3, "aktif"],
            [int(person_row(2)["NIK"]), "Numerik", None, None, None],
        ],
    )
    state, errors = run(path, tmp_path)
    assert state.created == 1
    assert errors[0][:2] == ["3", "NIK"] and "Teks" in errors[0][3]
    assert Person.objects.get(nik=good["NIK"]).memberships.get().care_class == 3


def test_formula_cells_are_escaped_in_both_report_formats(tmp_path):
    import openpyxl

    rows = [person_row(1, NAMA='=HYPERLINK("http://jahat","klik")'), person_row(2, NO_HP="+62 812")]
    rows[1]["NO_HP"] = "-1+1"
    write_csv(tmp_path / "a.csv", rows, header=[*rows[0].keys(), "NO_HP"])
    _, errors = run(tmp_path / "a.csv", tmp_path)
    values = [error[2] for error in errors]
    assert '\'=HYPERLINK("http://jahat","klik")' in values
    assert "'-1+1" in values
    out = tmp_path / "r.xlsx"
    with open(out, "wb") as handle:
        report_to_xlsx(tmp_path / "kesalahan.csv", handle)
    sheet = openpyxl.load_workbook(out).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert all(not str(cell.value).startswith(("=", "+", "-", "@")) for cell in cells if cell.value is not None)


def test_dry_run_counts_but_writes_nothing(tmp_path):
    path = write_csv(tmp_path / "a.csv", [person_row(n) for n in range(4)])
    state, _ = run(path, tmp_path, dry_run=True, batch_size=3)
    assert state.created == 4
    assert not Person.objects.exists() and not ParticipantHistory.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_crash_mid_import_leaves_no_half_batch_and_a_rerun_completes(tmp_path, monkeypatch):
    ensure_region_tree("64.09.01.2001")
    rows = [person_row(n) for n in range(10)]
    path = write_csv(tmp_path / "a.csv", rows)
    original = ParticipantImporter.write_batch

    def crashing(self, records):
        result = original(self, records)  # the batch is written...
        if records[0][0] == rows[4]["NIK"]:  # (the second batch; PostgreSQL may write two at once)
            raise RuntimeError("listrik padam")  # ...then the process dies before commit
        return result

    monkeypatch.setattr(ParticipantImporter, "write_batch", crashing)
    with pytest.raises(RuntimeError):
        run(path, tmp_path, batch_size=4)
    assert Person.objects.count() == 4  # batch 1 committed, batch 2 rolled back entirely
    assert Membership.objects.count() == 4
    assert ParticipantHistory.objects.count() == 4
    monkeypatch.setattr(ParticipantImporter, "write_batch", original)
    state, _ = run(path, tmp_path, batch_size=4)
    assert (state.created, state.unchanged) == (6, 4)
    assert Person.objects.count() == 10 and Membership.objects.count() == 10


def test_a_concurrent_insert_of_the_same_nik_is_retried_not_duplicated(tmp_path, monkeypatch):
    from ejamkesda.participants.import_writer import STAGE, BatchWriter

    row = person_row(5)
    born = dt.datetime.strptime(row["TGL_LAHIR"], "%d-%m-%Y").date()
    # Another import committed this person, but after our batch looked the NIKs up:
    PersonFactory(nik=row["NIK"], name="Dari Impor Lain", sex="P", birth_date=born)
    original = BatchWriter.write
    state = {"raced": False}

    def racing_write(self, records):
        if state["raced"]:
            return original(self, records)
        state["raced"] = True
        real, self.sql_link = self.sql_link, f"UPDATE {STAGE} SET person_id = NULL"  # noqa: S608 - sees nobody
        try:
            return original(self, records)
        finally:
            self.sql_link = real

    monkeypatch.setattr(BatchWriter, "write", racing_write)
    result, errors = run(write_csv(tmp_path / "a.csv", [row]), tmp_path)
    assert errors == [] and state["raced"]
    assert Person.objects.filter(nik=row["NIK"]).count() == 1
    assert Person.objects.get(nik=row["NIK"]).name == "Warga Impor 5"  # the retry updated it
    assert (result.created, result.updated) == (0, 1)


@pytest.mark.django_db(transaction=True)
def test_statistics_are_refreshed_after_a_bulk_load_on_postgresql(tmp_path):
    from django.db import connection

    from ejamkesda.jobs.importing.bulk import refresh_statistics

    ensure_region_tree("64.09.01.2001")
    run(write_csv(tmp_path / "a.csv", [person_row(n) for n in range(5)]), tmp_path)
    refresh_statistics(Person)  # a no-op elsewhere, and never an error
    if connection.vendor != "postgresql":
        return
    refresh_statistics(Person, force=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Person._meta.db_table])
        assert cursor.fetchone()[0] == 5  # ANALYZE ran: the planner knows the table's size
