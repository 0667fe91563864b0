"""Two writer connections on PostgreSQL (``parallel_writes``): the same batches, counts and
register as one connection, in file order, and errors reach the caller with no thread left.
On SQLite (one writer at a time) and inside a caller's transaction the runner writes alone."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from ejamkesda.jobs.importing.base import BatchResult, Column
from ejamkesda.jobs.importing.runner import run_import
from ejamkesda.participants.importing import ParticipantImporter
from ejamkesda.participants.models import Membership, ParticipantHistory, Person
from tests.factories import ensure_region_tree
from tests.imports.factories import person_row, write_csv

# Outside a transaction: a second connection sees only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


class _Rows:
    columns = (Column("A", required=True),)
    clean_in_thread = True
    parallel_writes = True

    def __init__(self, fail_on: int | None = None) -> None:
        self.fail_on = fail_on
        self.written: list[tuple[list[int], str]] = []
        self.lock = threading.Lock()

    def start(self, header_map):
        pass

    def clean_row(self, row_number, values):
        return row_number

    def write_batch(self, records):
        if self.fail_on in records:
            raise RuntimeError("batch rusak")
        with self.lock:
            self.written.append((list(records), threading.current_thread().name))
        return BatchResult(created=len(records))


def _file(tmp_path, count):
    path = tmp_path / "r.csv"
    path.write_text("A\n" + "".join(f"{n}\n" for n in range(count)), encoding="utf-8")
    return path


def _writers():
    return [thread for thread in threading.enumerate() if thread.name.startswith("import-writer")]


def test_batches_progress_and_counts_are_in_file_order(tmp_path):
    importer = _Rows()
    seen = []
    state = run_import(
        _file(tmp_path, 9), importer, error_report_path=tmp_path / "e.csv", batch_size=2,
        progress=lambda progress: seen.append(progress.rows_read),
    )  # fmt: skip
    assert sorted(batch for batch, _thread in importer.written) == [[2, 3], [4, 5], [6, 7], [8, 9], [10]]
    assert seen == [2, 4, 6, 8, 9, 9]  # after each batch in file order, then the final report
    assert (state.rows_read, state.created) == (9, 9)
    helper = {thread for _batch, thread in importer.written if thread.startswith("import-writer")}
    assert bool(helper) == (connection.vendor == "postgresql")
    assert not _writers()


@pytest.mark.parametrize("fail_on", [2, 4, 10])  # a batch of the helper thread, of this thread, the last one
def test_a_failing_batch_reaches_the_caller_and_stops_both_writers(tmp_path, fail_on):
    importer = _Rows(fail_on=fail_on)
    with pytest.raises(RuntimeError, match="batch rusak"):
        run_import(_file(tmp_path, 40), importer, error_report_path=tmp_path / "e.csv", batch_size=2)
    assert not _writers()
    assert not [thread for thread in threading.enumerate() if thread.name == "import-validate"]
    assert len(importer.written) < 20


def test_participant_import_is_exact_with_two_writers(tmp_path):
    ensure_region_tree("64.09.01.2001")
    rows = [person_row(n) for n in range(30)]
    path = write_csv(tmp_path / "a.csv", rows)
    for round_ in range(2):  # first import, then the re-run that changes nothing
        importer = ParticipantImporter(source="uji", today=dt.date(2026, 1, 1))
        state = run_import(path, importer, error_report_path=tmp_path / "e.csv", batch_size=4)
        assert (state.created, state.updated, state.unchanged) == ((30, 0, 0) if round_ == 0 else (0, 0, 30))
    assert (Person.objects.count(), Membership.objects.count(), ParticipantHistory.objects.count()) == (30, 30, 30)
    assert sorted(Person.objects.values_list("nik", flat=True)) == sorted(row["NIK"] for row in rows)
    assert not _writers()
