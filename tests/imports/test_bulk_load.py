"""Initial-load mode (``jobs.importing.bulkload``, PostgreSQL): a big first import into an empty
register sets the secondary indexes and foreign keys aside and builds them again at the end,
exactly as they were, whether the import succeeds, fails or is killed; every other import
keeps the normal mode."""

from __future__ import annotations

import datetime as dt
import logging

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
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
def _small_files_qualify(monkeypatch):
    ensure_region_tree("64.09.01.2001")
    monkeypatch.setattr(bulkload, "MIN_BYTES", 0)


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

    again = Watching()
    state, _errors = run(tmp_path, [person_row(n) for n in range(30)], importer=again, batch_size=10)
    assert not state.bulk_load and (state.created, state.unchanged) == (0, 30)  # the register is not empty now
    assert all(seen == secondary_indexes() for seen in again.indexes_seen)


def test_a_register_with_people_a_dry_run_or_the_setting_off_keep_the_normal_mode(tmp_path, monkeypatch):
    rows = [person_row(n) for n in range(4)]
    state, _ = run(tmp_path, rows, dry_run=True)
    assert not state.bulk_load and Person.objects.count() == 0
    monkeypatch.setenv("IMPORT_BULK_LOAD", "0")
    state, _ = run(tmp_path, rows)
    assert not state.bulk_load and Person.objects.count() == 4
    monkeypatch.delenv("IMPORT_BULK_LOAD")
    Person.objects.all().delete()
    PersonFactory()
    importer = Watching()
    state, _ = run(tmp_path, rows, importer=importer)
    assert not state.bulk_load and importer.indexes_seen == [secondary_indexes()]


def test_small_files_keep_the_normal_mode(tmp_path, monkeypatch):
    monkeypatch.setattr(bulkload, "MIN_BYTES", 10 * 1024 * 1024)
    state, _ = run(tmp_path, [person_row(n) for n in range(3)])
    assert not state.bulk_load


def test_a_failing_load_still_rebuilds_everything(tmp_path):
    before = schema()
    with pytest.raises(RuntimeError, match="batch rusak"):
        run(tmp_path, [person_row(n) for n in range(30)], importer=Watching(fail_on_batch=2), batch_size=10)
    assert schema() == before
    assert not SuspendedSchemaObject.objects.exists()
    assert Person.objects.count() in (10, 20)  # whole batches only (the other writer's may have landed)


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


def test_a_foreign_key_that_does_not_validate_stays_enforced_and_pending(caplog):
    before = schema()
    kill_a_load_after_setting_aside()
    person = PersonFactory()
    with connection.cursor() as cursor:  # no foreign key now: an orphan membership gets in
        cursor.execute(
            f"INSERT INTO {TABLES[1]} (person_id, programme, segment, card_number, status, first_level_provider_code, "  # noqa: S608
            "source, created_at, updated_at) VALUES (%s, 'jkn', '', '1', 'aktif', '', '', now(), now())",
            [person.pk + 1000],
        )
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
