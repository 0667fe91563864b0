"""Validation in a child process (``runner._in_process``, ``clean_in_process``): the same
records, rejections and counts as in a thread, from another process; errors there reach the
caller with their message; the child never touches the database and never outlives the import."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal

import pytest
from django.db import connection

from ejamkesda.jobs.importing import runner
from ejamkesda.jobs.importing.base import BatchResult, Column, ImportFileError, RowError, RowInvalid
from ejamkesda.jobs.importing.report import read_report
from ejamkesda.participants.importing import ParticipantImporter
from ejamkesda.participants.models import Person
from tests.factories import ensure_region_tree
from tests.imports.factories import person_row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _every_file_qualifies(monkeypatch):
    monkeypatch.setattr(runner, "PROCESS_MIN_BYTES", 0)
    monkeypatch.delenv("IMPORT_VALIDATE_PROCESS", raising=False)


class Rows:
    """Records say which process validated them; ``fail`` decides what a row does instead."""

    columns = (Column("A", required=True),)
    clean_in_thread = True
    clean_in_process = True

    def __init__(self, fail=None) -> None:
        self.fail = fail or (lambda number: None)
        self.written: list[tuple[int, int]] = []

    def start(self, header_map):
        pass

    def clean_row(self, row_number, values):
        self.fail(row_number)
        if values["A"] == "x":
            raise RowInvalid([RowError(row_number, "A", "x", "bukan angka")])
        return (row_number, os.getpid())

    def write_batch(self, records):
        self.written.extend(records)
        return BatchResult(created=len(records))


def rows_file(tmp_path, count, bad=()):
    path = tmp_path / "r.csv"
    path.write_text("A\n" + "".join("x\n" if n in bad else f"{n}\n" for n in range(count)), encoding="utf-8")
    return path


def run(tmp_path, importer, count=25, bad=(), **kwargs):
    return runner.run_import(
        rows_file(tmp_path, count, bad), importer, error_report_path=tmp_path / "e.csv", batch_size=4, **kwargs
    )


def test_rows_are_validated_in_a_child_process_with_the_same_results(tmp_path):
    importer = Rows()
    state = run(tmp_path, importer, bad={3, 10})
    assert sorted(number for number, _pid in importer.written) == [n + 2 for n in range(25) if n not in (3, 10)]
    assert {pid for _number, pid in importer.written} - {os.getpid()}  # another process validated them
    assert (state.rows_read, state.rows_valid, state.rows_rejected, state.created) == (25, 23, 2, 23)
    assert [row[:2] for row in list(read_report(tmp_path / "e.csv"))[1:]] == [["5", "A"], ["12", "A"]]
    assert not multiprocessing.active_children()


@pytest.mark.parametrize(
    "setting", ["disabled", "small file", "importer without it"], ids=lambda setting: setting.replace(" ", "-")
)
def test_small_files_the_setting_off_and_other_importers_validate_in_this_process(
    tmp_path, monkeypatch, setting, settings
):
    importer = Rows()
    if setting == "disabled":
        settings.IMPORT_VALIDATE_PROCESS = False
    elif setting == "small file":
        monkeypatch.setattr(runner, "PROCESS_MIN_BYTES", 10**6)
    else:
        importer.clean_in_process = False
    run(tmp_path, importer)
    assert {pid for _number, pid in importer.written} == {os.getpid()}


def test_a_file_error_in_the_child_reaches_the_caller_with_its_message(tmp_path):
    def fail(number):
        if number == 9:
            raise ImportFileError("Berkas rusak di baris 9.")

    with pytest.raises(ImportFileError, match="Berkas rusak di baris 9"):
        run(tmp_path, Rows(fail))
    assert not multiprocessing.active_children()


def test_an_exception_that_does_not_pickle_arrives_as_its_text(tmp_path):
    class Odd(Exception):
        def __reduce__(self):
            raise TypeError("tidak bisa di-pickle")

    def fail(number):
        if number == 6:
            raise Odd("aneh")

    with pytest.raises(RuntimeError, match="Odd: aneh"):
        run(tmp_path, Rows(fail))


def test_a_child_that_dies_fails_the_import(tmp_path):
    def fail(number):
        if number == 14:
            os.kill(os.getpid(), signal.SIGKILL)

    importer = Rows(fail)
    with pytest.raises(RuntimeError, match="berhenti tak terduga"):
        run(tmp_path, importer)
    assert len(importer.written) <= 12  # the batches before the kill, whole
    assert not multiprocessing.active_children()


def test_the_child_cannot_use_the_database(tmp_path):
    def fail(number):
        Person.objects.exists()

    with pytest.raises(RuntimeError, match="tidak boleh memakai basis data"):
        run(tmp_path, Rows(fail))


def test_a_failing_write_stops_the_child(tmp_path):
    class Failing(Rows):
        def write_batch(self, records):
            raise ValueError("tulis gagal")

    with pytest.raises(ValueError, match="tulis gagal"):
        run(tmp_path, Failing(), count=2000)
    assert not multiprocessing.active_children()


def test_participant_import_gives_the_same_register_and_report_either_way(tmp_path, monkeypatch, settings):
    ensure_region_tree("64.09.01.2001")
    rows = [person_row(n) for n in range(12)]
    rows[4]["NIK"] = "12345"
    rows[7]["NAMA"] = "=HYPERLINK()"
    rows.append(dict(rows[2]))  # a second row for one NIK
    path = write_csv(tmp_path / "peserta.csv", rows)

    def once(report):
        importer = ParticipantImporter(source="uji", today=dt.date(2026, 1, 1))
        state = runner.run_import(path, importer, error_report_path=report, batch_size=5)
        return state.created, state.rows_rejected, list(read_report(report))

    forks = []
    real = runner._in_process
    monkeypatch.setattr(runner, "_in_process", lambda chunks: forks.append(1) or real(chunks))
    in_child = once(tmp_path / "a.csv")
    assert forks == [1]
    Person.objects.all().delete()
    settings.IMPORT_VALIDATE_PROCESS = False
    assert once(tmp_path / "b.csv") == in_child
    assert forks == [1]  # the second run validated in this process
    assert in_child[:2] == (10, 3)


def test_the_child_ignores_a_graceful_stop_meant_for_the_worker(tmp_path):
    """systemd stops a worker by sending SIGTERM to its whole group: the child must not die of
    it while the parent finishes (or fails) its batch."""
    parent = os.getpid()

    def stop_once(number):
        if number == 2 and os.getpid() != parent:
            for stop in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
                os.kill(os.getpid(), stop)

    importer = Rows(stop_once)
    state = run(tmp_path, importer, count=30)
    assert state.rows_valid == 30 and len(importer.written) == 30


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL sockets")
def test_the_child_closes_its_copy_of_the_database_socket(tmp_path):
    """So that a parent killed mid-import ends its server session (and its locks) at once."""
    connection.ensure_connection()
    socket = connection.connection.fileno()

    class Probe(Rows):
        def clean_row(self, row_number, values):
            try:
                os.fstat(socket)
            except OSError:
                return (row_number, "closed")
            return (row_number, "open")

    importer = Probe()
    run(tmp_path, importer, count=6)
    assert {state for _number, state in importer.written} == {"closed"}
    os.fstat(socket)  # the parent's own stays open
    assert Person.objects.count() == 0  # and usable
