"""The set-based participant import: exact results (the same on SQLite and PostgreSQL, since
every test runs on both), one history row per changed person, whole batches only when the
reading thread or the writer fails, and the runner's validation thread."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from ejamkesda.jobs.importing.base import BatchResult, Column, ImportFileError, RowInvalid
from ejamkesda.jobs.importing.bulk import prepare_connection, restore_connection
from ejamkesda.jobs.importing.report import read_report
from ejamkesda.jobs.importing.runner import run_import
from ejamkesda.participants.importing import ParticipantImporter
from ejamkesda.participants.models import Membership, ParticipantHistory, Person
from tests.factories import ensure_region_tree
from tests.imports.factories import person_row, write_csv

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


def register():
    """Everything the import wrote, without ids and timestamps, in a stable order."""
    people = list(
        Person.objects.order_by("nik").values_list(
            "nik", "kk_number", "name", "name_key", "sex", "birth_place", "birth_date", "address", "rt", "rw",
            "village_id", "phone", "deceased",
        )
    )  # fmt: skip
    memberships = list(
        Membership.objects.order_by("person__nik", "programme", "card_number").values_list(
            "person__nik", "programme", "card_number", "segment", "care_class", "status", "valid_from", "valid_to",
            "first_level_provider_code", "source", "source_date",
        )
    )  # fmt: skip
    history = sorted(
        (entry.person.nik, entry.source, entry.membership_id is not None, sorted(entry.changes.items()))
        for entry in ParticipantHistory.objects.select_related("person")
    )
    return people, memberships, history


def test_results_are_exact_on_every_database(tmp_path):
    rows = [person_row(n) for n in range(6)]
    rows[2].update(JK="", TGL_LAHIR="", NO_KARTU="", SEGMEN="", KELAS="", STATUS="")  # no membership
    rows[3].update(KELAS="", SEGMEN="", PROGRAM="Jamkesda", NO_KARTU="3003")
    header = [*rows[0].keys(), "PROGRAM", "NO_HP", "TMT"]
    rows[4].update(NO_HP="0812 3456 789", TMT="01-02-2025")
    run(write_csv(tmp_path / "a.csv", rows, header=header), tmp_path, batch_size=4)
    people, memberships, history = register()
    born = dt.date(1980, 1, 1)
    assert people[0] == (
        rows[0]["NIK"], "6409010101200000", "Warga Impor 0", "WARGA IMPOR 0", "L", "", born, "Jl. Uji 0", "001",
        "002", "64.09.01.2001", "", False,
    )  # fmt: skip
    by_nik = {person[0]: person for person in people}
    assert by_nik[rows[2]["NIK"]][4] == "L" and by_nik[rows[2]["NIK"]][6] == born + dt.timedelta(days=74)
    assert by_nik[rows[4]["NIK"]][11] == "08123456789"
    assert len(memberships) == 5
    members = {membership[0]: membership for membership in memberships}
    assert members[rows[3]["NIK"]][1:6] == ("jamkesda", "3003", "", None, "aktif")
    assert members[rows[4]["NIK"]][1:] == (
        "jkn", "0000000000004", "pbpu_bp_pemda", 3, "aktif", dt.date(2025, 2, 1), None, "", "uji",
        dt.date(2026, 1, 1),
    )  # fmt: skip
    assert rows[2]["NIK"] not in members
    assert history == sorted((row["NIK"], "uji", False, [("dibuat", [None, "uji"])]) for row in rows)


def test_a_changed_row_writes_exactly_one_history_row(tmp_path):
    rows = [person_row(n) for n in range(5)]
    run(write_csv(tmp_path / "a.csv", rows), tmp_path)
    before = ParticipantHistory.objects.count()
    rows[1] = person_row(1, ALAMAT="Jl. Pindah 2", STATUS="MENUNGGAK", KELAS="2")
    state, errors = run(write_csv(tmp_path / "b.csv", rows), tmp_path, source="BPJS Januari", batch_size=2)
    assert errors == []
    assert (state.created, state.updated, state.unchanged) == (0, 1, 4)
    assert ParticipantHistory.objects.count() == before + 1
    entry = ParticipantHistory.objects.latest("id")
    assert entry.person.nik == rows[1]["NIK"] and entry.source == "BPJS Januari"
    assert entry.changes == {
        "address": ["Jl. Uji 1", "Jl. Pindah 2"],
        "jkn.status": ["aktif", "menunggak"],
        "jkn.care_class": [3, 2],
    }
    assert entry.membership_id == Membership.objects.get(person=entry.person).pk
    person = entry.person
    assert (person.address, person.name_key) == ("Jl. Pindah 2", "WARGA IMPOR 1")


def test_a_rerun_spanning_many_batches_changes_nothing(tmp_path):
    rows = [person_row(n) for n in range(40)]
    rows[7]["NIK"] = "123"  # rejected both times
    path = write_csv(tmp_path / "a.csv", rows)
    first, _ = run(path, tmp_path, batch_size=6)
    snapshot = register()
    stamps = list(Membership.objects.order_by("id").values_list("updated_at", flat=True))
    again, errors = run(path, tmp_path, batch_size=9)
    assert (first.created, first.rows_rejected) == (39, 1)
    assert (again.created, again.updated, again.unchanged, again.rows_rejected) == (0, 0, 39, 1)
    assert len(errors) == 1 and errors[0][:2] == ["9", "NIK"]
    assert register() == snapshot
    assert list(Membership.objects.order_by("id").values_list("updated_at", flat=True)) == stamps


@pytest.mark.django_db(transaction=True)
def test_a_broken_line_mid_file_keeps_whole_batches_only(tmp_path):
    ensure_region_tree("64.09.01.2001")
    path = write_csv(tmp_path / "a.csv", [person_row(n) for n in range(10)])
    with open(path, "a", encoding="utf-8") as handle:  # row 12: a field over the CSV reader's limit
        handle.write(f"{person_row(10)['NIK']},{'x' * (1 << 20 + 1)}\r\n")
    with pytest.raises(ImportFileError, match="Baris 12"):
        run(path, tmp_path, batch_size=4)
    # batches of rows 1-4 and 5-8 were committed whole; rows 9-10 were never half-written
    assert (Person.objects.count(), Membership.objects.count(), ParticipantHistory.objects.count()) == (8, 8, 8)


class _Rows:
    """A minimal importer for the runner: records are the row numbers."""

    columns = (Column("A", required=True),)
    clean_in_thread = True

    def __init__(self, fail_at: int | None = None) -> None:
        self.fail_at = fail_at
        self.written: list[list[int]] = []

    def start(self, header_map):
        pass

    def clean_row(self, row_number, values):
        if row_number == self.fail_at:
            raise RuntimeError("validasi rusak")
        if values["A"] == "x":
            raise RowInvalid([])
        return row_number

    def write_batch(self, records):
        self.written.append(list(records))
        return BatchResult(created=len(records))


def _file(tmp_path, values):
    path = tmp_path / "r.csv"
    path.write_text("A\n" + "".join(f"{value}\n" for value in values), encoding="utf-8")
    return path


@pytest.mark.parametrize("threaded", [True, False])
def test_runner_batches_are_the_same_with_or_without_the_validation_thread(tmp_path, threaded):
    importer = _Rows()
    importer.clean_in_thread = threaded
    values = ["1", "x", "2", "3", "x", "x", "x", "4", "5"]
    state = run_import(_file(tmp_path, values), importer, error_report_path=tmp_path / "e.csv", batch_size=2)
    # batches of 2 accepted rows; two rejected rows in a row also close a chunk (memory bound)
    assert importer.written == [[2, 4], [5], [9, 10]]
    assert (state.rows_read, state.rows_valid, state.rows_rejected, state.created) == (9, 5, 4, 5)


def test_an_error_in_the_validation_thread_reaches_the_caller(tmp_path):
    importer = _Rows(fail_at=6)
    with pytest.raises(RuntimeError, match="validasi rusak"):
        run_import(_file(tmp_path, range(10)), importer, error_report_path=tmp_path / "e.csv", batch_size=2)
    assert importer.written == [[2, 3], [4, 5]]


def test_a_failing_write_stops_the_validation_thread(tmp_path):
    importer = _Rows()

    def failing(records):
        raise RuntimeError("disk penuh")

    importer.write_batch = failing
    with pytest.raises(RuntimeError, match="disk penuh"):
        run_import(_file(tmp_path, range(50)), importer, error_report_path=tmp_path / "e.csv", batch_size=2)
    assert not [thread for thread in threading.enumerate() if thread.name == "import-validate"]


def test_sqlite_tuning_is_put_back_after_the_import():
    if connection.vendor != "sqlite":
        assert prepare_connection() == {}
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        saved = prepare_connection()
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -65536
        restore_connection(saved)
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before
