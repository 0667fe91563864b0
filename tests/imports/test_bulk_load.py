"""Initial-load mode (``jobs.importing.bulkload``, PostgreSQL): a big first import into an empty
register sets the secondary indexes and foreign keys aside and builds them again at the end,
exactly as they were, whether the import succeeds, fails or is killed; every other import
keeps the normal mode."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time

import psycopg
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.urls import reverse

from ejamkesda.jobs.importing import bulkload
from ejamkesda.jobs.importing.report import read_report
from ejamkesda.jobs.importing.runner import run_import
from ejamkesda.jobs.models import Job, SuspendedSchemaObject
from ejamkesda.participants.importing import ParticipantImporter
from ejamkesda.participants.models import Membership, ParticipantHistory, Person
from tests.factories import PersonFactory, ensure_region_tree
from tests.imports.factories import person_row, write_csv

pytestmark = [
    pytest.mark.django_db(transaction=True),  # DDL and advisory locks outside a test transaction
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="initial-load mode is PostgreSQL only"),
]
TABLES = [model._meta.db_table for model in (Person, Membership, ParticipantHistory)]


@pytest.fixture(autouse=True)
def _small_files_qualify(monkeypatch, settings):
    ensure_region_tree("64.09.01.2001")
    settings.IMPORT_BULK_LOAD_MIN_MB = 0


def schema() -> tuple[list[tuple[str, str]], list[tuple[str, str, bool]]]:
    """Every index and every constraint of the register's tables, with their definitions."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1", [TABLES])
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(k.oid), convalidated FROM pg_constraint k "
            "JOIN pg_class c ON c.oid = k.conrelid WHERE c.relname = ANY(%s) ORDER BY 1",
            [TABLES],
        )
        return indexes, cursor.fetchall()


def secondary_indexes() -> set[str]:
    return {name for name, definition in schema()[0] if "_pkey" not in name and "UNIQUE" not in definition}


def run(tmp_path, rows, importer=None, **kwargs):
    importer = importer or ParticipantImporter(source="uji", today=dt.date(2026, 1, 1))
    path = write_csv(tmp_path / "peserta.csv", rows)
    report = tmp_path / "kesalahan.csv"
    state = run_import(path, importer, error_report_path=report, **kwargs)
    return state, (list(read_report(report))[1:] if report.exists() else [])


class Watching(ParticipantImporter):
    """Notes which secondary indexes exist while each batch is written."""

    def __init__(self, fail_on_batch: int | None = None) -> None:
        super().__init__(source="uji", today=dt.date(2026, 1, 1))
        self.fail_on_batch = fail_on_batch
        self.indexes_seen: list[set[str]] = []

    def write_batch(self, records):
        self.indexes_seen.append(secondary_indexes())
        if len(self.indexes_seen) == self.fail_on_batch:
            raise RuntimeError("batch rusak")
        return super().write_batch(records)


def test_first_import_into_an_empty_register_loads_without_indexes_and_rebuilds_them_exactly(tmp_path):
    before = schema()
    assert secondary_indexes()  # there is something to set aside
    importer = Watching()
    state, errors = run(tmp_path, [person_row(n) for n in range(30)], importer=importer, batch_size=10)
    assert errors == [] and state.bulk_load
    assert importer.indexes_seen == [set(), set(), set()]  # every batch ran without secondary indexes
    assert schema() == before  # same names, same definitions, every foreign key validated
    assert not SuspendedSchemaObject.objects.exists()
    assert (Person.objects.count(), Membership.objects.count(), ParticipantHistory.objects.count()) == (30, 30, 30)
    assert Person.objects.get(nik=person_row(7)["NIK"]).memberships.get().card_number == person_row(7)["NO_KARTU"]
    assert_no_import_lock_held()

    again = Watching()
    state, _errors = run(tmp_path, [person_row(n) for n in range(30)], importer=again, batch_size=10)
    assert not state.bulk_load and (state.created, state.unchanged) == (0, 30)  # the register is not empty now
    assert all(seen == secondary_indexes() for seen in again.indexes_seen)


def test_a_register_with_people_a_dry_run_or_the_setting_off_keep_the_normal_mode(tmp_path, monkeypatch, settings):
    rows = [person_row(n) for n in range(4)]
    state, _ = run(tmp_path, rows, dry_run=True)
    assert not state.bulk_load and Person.objects.count() == 0
    settings.IMPORT_BULK_LOAD = False
    state, _ = run(tmp_path, rows)
    assert not state.bulk_load and Person.objects.count() == 4
    settings.IMPORT_BULK_LOAD = True
    Person.objects.all().delete()
    PersonFactory()
    importer = Watching()
    state, _ = run(tmp_path, rows, importer=importer)
    assert not state.bulk_load and importer.indexes_seen == [secondary_indexes()]


def test_small_files_keep_the_normal_mode(tmp_path, monkeypatch, settings):
    settings.IMPORT_BULK_LOAD_MIN_MB = 10
    state, _ = run(tmp_path, [person_row(n) for n in range(3)])
    assert not state.bulk_load


def test_a_failing_load_still_rebuilds_everything(tmp_path):
    before = schema()
    with pytest.raises(RuntimeError, match="batch rusak"):
        run(tmp_path, [person_row(n) for n in range(30)], importer=Watching(fail_on_batch=2), batch_size=10)
    assert schema() == before
    assert not SuspendedSchemaObject.objects.exists()
    assert Person.objects.count() in (10, 20)  # whole batches only (the other writer's may have landed)
    assert_no_import_lock_held()


def kill_a_load_after_setting_aside() -> None:
    """What a SIGKILL between the start and the end of a load leaves: objects set aside, saved
    rows, and no lock (it died with the session)."""
    assert bulkload._begin(bulkload.BulkLoadSpec(models=(Person, Membership, ParticipantHistory)))
    bulkload._unlock(bulkload.DEFAULT_LOCK_KEY, shared=False)


def test_a_killed_load_is_restored_by_the_next_import(tmp_path):
    before = schema()
    kill_a_load_after_setting_aside()
    assert not secondary_indexes() and SuspendedSchemaObject.objects.count() == len(before[0]) - 4 + 5
    PersonFactory()  # the next import finds people: normal mode, which restores first
    importer = Watching()
    state, _ = run(tmp_path, [person_row(n) for n in range(3)], importer=importer)
    assert not state.bulk_load
    assert importer.indexes_seen == [secondary_indexes()] and importer.indexes_seen[0]
    assert schema() == before and not SuspendedSchemaObject.objects.exists()


def test_a_killed_load_is_restored_by_the_command_and_by_migrate(capsys):
    before = schema()
    kill_a_load_after_setting_aside()
    call_command("import_restore_indexes")
    assert "dibangun ulang; 0 masih menunggu" in capsys.readouterr().out
    assert schema() == before
    kill_a_load_after_setting_aside()
    call_command("migrate", verbosity=0)  # post_migrate restores on every install and upgrade
    assert schema() == before and not SuspendedSchemaObject.objects.exists()
    call_command("import_restore_indexes")
    assert "Tidak ada" in capsys.readouterr().out


def _other_session() -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"] or None,
        port=settings["PORT"] or None, password=settings["PASSWORD"] or None, autocommit=True,
    )  # fmt: skip


def assert_no_import_lock_held() -> None:
    """Every path out of an import releases its advisory lock (another session can take it)."""
    with _other_session() as other:
        assert other.execute("SELECT pg_try_advisory_lock(%s)", [bulkload.DEFAULT_LOCK_KEY]).fetchone()[0]
        # Released now: a closed session's locks go only when its server process has ended.
        other.execute("SELECT pg_advisory_unlock(%s)", [bulkload.DEFAULT_LOCK_KEY])


def test_no_load_starts_while_another_import_runs_and_restoring_waits_for_a_load(tmp_path):
    with _other_session() as other:
        other.execute("SELECT pg_advisory_lock_shared(%s)", [bulkload.DEFAULT_LOCK_KEY])  # an import runs
        importer = Watching()
        state, _ = run(tmp_path, [person_row(n) for n in range(3)], importer=importer)
        assert not state.bulk_load and importer.indexes_seen == [secondary_indexes()]
        other.execute("SELECT pg_advisory_unlock_shared(%s)", [bulkload.DEFAULT_LOCK_KEY])

        Person.objects.all().delete()
        before = schema()
        kill_a_load_after_setting_aside()
        other.execute("SELECT pg_advisory_lock(%s)", [bulkload.DEFAULT_LOCK_KEY])  # a load runs
        assert bulkload.restore_pending() == 0  # never rebuilds under a running load
        assert not secondary_indexes()
        other.execute("SELECT pg_advisory_unlock(%s)", [bulkload.DEFAULT_LOCK_KEY])
    assert bulkload.restore_pending() > 0
    assert schema() == before


def insert_orphan_membership(person_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLES[1]} (person_id, programme, segment, card_number, status, first_level_provider_code, "  # noqa: S608
            "source, created_at, updated_at) VALUES (%s, 'jkn', '', '1', 'aktif', '', '', now(), now())",
            [person_id],
        )


def test_a_foreign_key_that_does_not_validate_stays_enforced_and_pending(caplog):
    before = schema()
    kill_a_load_after_setting_aside()
    person = PersonFactory()
    insert_orphan_membership(person.pk + 1000)  # no foreign key now: it gets in
    with caplog.at_level(logging.ERROR, logger="ejamkesda.jobs.importing.bulkload"):
        bulkload.restore_pending()
    assert "tetap NOT VALID" in caplog.text
    pending = list(SuspendedSchemaObject.objects.values_list("kind", "table"))
    assert pending == [("foreign_key", TABLES[1])]
    indexes, constraints = schema()
    assert indexes == before[0]  # every index is back
    not_valid = [(name, definition) for name, definition, valid in constraints if not valid]
    assert len(not_valid) == 1 and "FOREIGN KEY (person_id)" in not_valid[0][1]  # enforced for new rows
    assert {name for name, _d, _v in constraints} == {name for name, _d, _v in before[1]}
    Membership.objects.filter(person_id=person.pk + 1000).delete()
    assert bulkload.restore_pending() == 1
    assert schema() == before and not SuspendedSchemaObject.objects.exists()


def test_the_job_page_says_the_import_ran_in_initial_load_mode(tmp_path, client):
    from ejamkesda.jobs.services import job_create, job_run
    from tests.factories import UserFactory

    path = write_csv(tmp_path / "peserta.csv", [person_row(n) for n in range(3)])
    job = job_run(job_id=job_create(kind="participants", upload=path, original_name="peserta.csv",
                                    source="uji", in_place=True).pk)  # fmt: skip
    assert job.status == Job.Status.SUCCEEDED and job.details["bulk_load"] is True
    client.force_login(UserFactory())
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "muat awal" in page


def test_unique_indexes_stay_during_a_load(tmp_path):
    """A conditional UniqueConstraint is only an index: it is a rule, never set aside."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE UNIQUE INDEX uji_kk_unik ON {TABLES[0]} (kk_number) WHERE kk_number = 'x'")
    try:

        class Seeing(Watching):
            def write_batch(self, records):
                self.indexes_seen.append({name for name, _definition in schema()[0]})
                return ParticipantImporter.write_batch(self, records)

        importer = Seeing()
        state, _ = run(tmp_path, [person_row(n) for n in range(3)], importer=importer)
        assert state.bulk_load and "uji_kk_unik" in importer.indexes_seen[0]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX uji_kk_unik")


def test_a_load_with_a_key_still_not_valid_keeps_that_key_and_its_saved_row(tmp_path):
    kill_a_load_after_setting_aside()
    insert_orphan_membership(987654)  # its key will not validate
    bulkload.restore_pending()
    pending = list(SuspendedSchemaObject.objects.values_list("kind", "table", "name"))
    assert len(pending) == 1
    state, _ = run(tmp_path, [person_row(n) for n in range(3)])  # the person table is empty: a load
    assert state.bulk_load and Person.objects.count() == 3
    assert list(SuspendedSchemaObject.objects.values_list("kind", "table", "name")) == pending
    assert not [name for name, _d, valid in schema()[1] if not valid and name != pending[0][2]]
    Membership.objects.filter(person_id=987654).delete()
    assert bulkload.restore_pending() == 1


def test_an_import_waits_for_a_running_load_with_its_heartbeat_going(tmp_path, monkeypatch):
    monkeypatch.setattr(bulkload, "WAIT_POLL_SECONDS", 0.01)
    PersonFactory()  # not empty: this import takes the shared lock, and must wait for the load
    with _other_session() as other:
        other.execute("SELECT pg_advisory_lock(%s)", [bulkload.DEFAULT_LOCK_KEY])  # a load runs
        waits = []
        load_ends = threading.Event()

        def progress(state):
            if state.rows_read == 0 and not load_ends.is_set():
                waits.append(state.fraction)
                if len(waits) == 3:
                    load_ends.set()

        def end_the_load():  # after three heartbeats, or after 10 s if none come (then the test fails)
            load_ends.wait(10)
            other.execute("SELECT pg_advisory_unlock(%s)", [bulkload.DEFAULT_LOCK_KEY])

        ender = threading.Thread(target=end_the_load)
        ender.start()
        try:
            state, _ = run(tmp_path, [person_row(n) for n in range(3)], progress=progress)
        finally:
            load_ends.set()
            ender.join()
    assert waits == [0.0, 0.0, 0.0] and state.created == 3
    assert_no_import_lock_held()


def test_a_load_falls_back_to_the_normal_mode_when_it_cannot_lock_or_the_register_fills(tmp_path, monkeypatch):
    monkeypatch.setattr(bulkload, "LOCK_TIMEOUT", "100ms")
    with _other_session() as other, other.transaction():
        other.execute(f"SELECT 1 FROM {TABLES[2]} LIMIT 1")  # noqa: S608 - a reader holds a table lock
        importer = Watching()
        state, _ = run(tmp_path, [person_row(n) for n in range(3)], importer=importer)
    assert not state.bulk_load and importer.indexes_seen == [secondary_indexes()]
    assert_no_import_lock_held()
    Person.objects.all().delete()

    answers = iter([False, True])  # empty when first looked at, not any more under the lock
    monkeypatch.setattr(bulkload, "_has_rows", lambda table: next(answers))
    state, _ = run(tmp_path, [person_row(n) for n in range(3)])
    assert not state.bulk_load and Person.objects.count() == 3
    assert not SuspendedSchemaObject.objects.exists()
    assert_no_import_lock_held()


def test_a_load_validated_in_a_child_process(tmp_path, monkeypatch):
    from ejamkesda.jobs.importing import runner

    monkeypatch.setattr(runner, "PROCESS_MIN_BYTES", 0)
    monkeypatch.delenv("IMPORT_VALIDATE_PROCESS", raising=False)
    forks = []
    real = runner._in_process
    monkeypatch.setattr(runner, "_in_process", lambda chunks: forks.append(1) or real(chunks))
    before = schema()
    rows = [person_row(n) for n in range(40)]
    rows[5]["NIK"] = "12345"
    state, errors = run(tmp_path, rows, batch_size=10)
    assert forks == [1] and state.bulk_load
    assert (state.created, state.rows_rejected) == (39, 1) and errors[0][0] == "7"
    assert schema() == before and not SuspendedSchemaObject.objects.exists()
    assert_no_import_lock_held()


def test_the_end_of_a_load_rebuilds_on_two_connections_at_once(monkeypatch):
    before = schema()
    kill_a_load_after_setting_aside()
    real = bulkload._restore_one
    both_busy = threading.Barrier(2, timeout=20)
    threads = set()

    def restore_one(*args):
        threads.add(threading.current_thread().name)
        if len(threads) <= 2 and not both_busy.broken:
            with contextlib.suppress(threading.BrokenBarrierError):
                both_busy.wait()  # only passes when two objects are being built at the same time
        return real(*args)

    monkeypatch.setattr(bulkload, "_restore_one", restore_one)
    steps = []
    assert bulkload.restore_pending(on_step=lambda done, total: steps.append((done, total)), connections_used=2) > 0
    assert len(threads) == 2 and not both_busy.broken
    assert schema() == before and not SuspendedSchemaObject.objects.exists()
    dones = [done for done, _total in steps]  # reported on this thread, counting both connections' work
    assert dones == sorted(set(dones)) and {total for _done, total in steps} == {len(before[0]) - 4 + 5}


def _backends() -> int:
    with _other_session() as other:
        return (
            other.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()").fetchone()[0] - 1
        )


def _backends_back_to(count: int) -> bool:
    for _ in range(50):  # a closed connection's server process ends a moment later
        if _backends() == count:
            return True
        time.sleep(0.05)
    return False


def test_an_error_on_the_helper_connection_stops_the_rebuild_and_leaves_the_rest_for_later(monkeypatch):
    before = schema()
    kill_a_load_after_setting_aside()
    total = SuspendedSchemaObject.objects.count()
    connected = _backends()
    real = bulkload._restore_one
    helper_failed = threading.Event()

    def restore_one(*args):
        if threading.current_thread() is not threading.main_thread():
            helper_failed.set()
            raise RuntimeError("sambungan kedua putus")
        assert helper_failed.wait(10)  # this thread's first object is in hand when the helper fails
        return real(*args)

    monkeypatch.setattr(bulkload, "_restore_one", restore_one)
    with pytest.raises(RuntimeError, match="sambungan kedua putus"):
        bulkload.restore_pending(connections_used=2)
    assert SuspendedSchemaObject.objects.count() == total - 1  # this thread stopped after its object
    assert _backends_back_to(connected)  # the helper closed its connection
    assert_no_import_lock_held()
    monkeypatch.setattr(bulkload, "_restore_one", real)
    bulkload.restore_pending()
    assert schema() == before and not SuspendedSchemaObject.objects.exists()


def test_a_helper_that_cannot_connect_leaves_the_rebuild_to_this_connection(monkeypatch, caplog):
    from django.db import OperationalError
    from django.db.backends.base.base import BaseDatabaseWrapper

    before = schema()
    kill_a_load_after_setting_aside()
    real = BaseDatabaseWrapper.ensure_connection

    def ensure_connection(self):
        if threading.current_thread() is not threading.main_thread():
            raise OperationalError("sorry, too many clients already")
        return real(self)

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", ensure_connection)
    steps = []
    with caplog.at_level(logging.WARNING, logger="ejamkesda.jobs.importing.bulkload"):
        restored = bulkload.restore_pending(on_step=lambda done, total: steps.append((done, total)), connections_used=2)
    assert restored == len(before[0]) - 4 + 5 and steps[-1] == (restored, restored)
    assert "koneksi tambahan" in caplog.text
    assert schema() == before and not SuspendedSchemaObject.objects.exists()


def test_a_failing_rebuild_never_hides_why_the_load_failed(tmp_path, monkeypatch, caplog):
    before = schema()
    real = bulkload.restore_pending

    def broken_rebuild(*args, **kwargs):
        if kwargs.get("on_step") is not None:  # the end of the load
            raise DatabaseError("server hilang")
        return real(*args, **kwargs)

    monkeypatch.setattr(bulkload, "restore_pending", broken_rebuild)
    with (
        caplog.at_level(logging.ERROR, logger="ejamkesda.jobs.importing.bulkload"),
        pytest.raises(RuntimeError, match="batch rusak"),
    ):
        run(tmp_path, [person_row(n) for n in range(30)], importer=Watching(fail_on_batch=2), batch_size=10)
    assert "membangun ulang" in caplog.text
    assert_no_import_lock_held()
    monkeypatch.setattr(bulkload, "restore_pending", real)
    real()  # what stayed aside is built again by the next restore
    assert schema() == before


def test_migrate_restores_before_its_migrations_and_is_never_stopped_by_it(monkeypatch, caplog):
    from django.apps import apps
    from django.core.management.sql import emit_pre_migrate_signal

    before = schema()
    kill_a_load_after_setting_aside()
    emit_pre_migrate_signal(verbosity=0, interactive=False, db="default", apps=apps, plan=[])
    assert schema() == before and not SuspendedSchemaObject.objects.exists()

    kill_a_load_after_setting_aside()

    def broken(*args, **kwargs):
        raise DatabaseError("server hilang")

    monkeypatch.setattr(bulkload, "restore_pending", broken)
    with caplog.at_level(logging.ERROR, logger="ejamkesda.jobs.apps"):
        emit_pre_migrate_signal(verbosity=0, interactive=False, db="default", apps=apps, plan=[])
    assert "gagal" in caplog.text
    monkeypatch.undo()
    bulkload.restore_pending()
    assert schema() == before
