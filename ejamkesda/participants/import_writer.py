"""Set-based writes of one participant import batch (docs/impor-data.md), the same on SQLite and
PostgreSQL apart from how the new rows are chained (see ``_insert_new``).

One batch, inside the runner's transaction:

1. the validated rows go into a ``TEMP`` staging table (``COPY`` on PostgreSQL, one
   ``executemany`` on SQLite) — the only per-row work left in Python;
2. ``stage.person_id`` ← the registered person with that NIK (index lookups);
3. registered people whose row *changes* something, and their memberships that are new or
   change, are read back — only those, so a re-run reads back nothing — and diffed in
   Python into updates and one ``ParticipantHistory`` row per changed person
   ({field: [old, new]}, membership fields as "jkn.status");
4. the new people are inserted with ``INSERT … SELECT`` from the staging table, then their
   memberships and their history rows ("dibuat" from the source), also set-based.

Empty cells never erase stored values: the staging table holds "" (text) or NULL (dates,
numbers, village) for "not given", and every comparison skips those. A row that changes
nothing writes nothing. Two imports racing on one new NIK: the second ``INSERT`` hits the
unique index and the runner retries the whole batch, which then sees the other's row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.db import connection

from ejamkesda.jobs.importing.base import BatchResult
from ejamkesda.jobs.importing.bulk import db_datetime, insert_rows, stage_create, stage_load, update_rows
from ejamkesda.participants.models import Membership, MembershipStatus, ParticipantHistory, Person, name_key

STAGE = "ejk_impor_peserta"
# A record (``ParticipantImporter.clean_row``) is a tuple of these values, in this order.
RECORD = (
    ("nik", "text"),
    ("kk_number", "text"),
    ("name", "text"),
    ("sex", "text"),
    ("birth_place", "text"),
    ("birth_date", "date"),
    ("address", "text"),
    ("rt", "text"),
    ("rw", "text"),
    ("village_id", "text"),
    ("phone", "text"),
    ("name_key", "text"),
    ("nik_sex", "text"),  # sex and birth date read from the NIK: used when creating a person
    ("nik_birth_date", "date"),
    ("programme", "text"),  # "" = no membership in this row
    ("card_number", "text"),
    ("segment", "text"),
    ("care_class", "integer"),
    ("status", "text"),
    ("valid_from", "date"),
    ("valid_to", "date"),
    ("first_level_provider_code", "text"),
)
RECORD_NAMES = tuple(name for name, _kind in RECORD)
STAGE_COLUMNS = (*RECORD, ("person_id", "bigint"), ("created", "integer"))
PERSON_FIELDS = ("kk_number", "name", "sex", "birth_place", "birth_date", "address", "rt", "rw", "village_id", "phone")
MEMBER_FIELDS = ("segment", "care_class", "status", "valid_from", "valid_to", "first_level_provider_code")
NOT_TEXT = {name for name, kind in RECORD if kind != "text"} | {"village_id"}  # "not given" is NULL
NULLABLE = {"village_id", "care_class", "valid_from", "valid_to"}  # may be NULL in the stored row
DATE_FIELDS = {"birth_date", "valid_from", "valid_to"}


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _changes(fields: Sequence[str], stored: str) -> str:
    """SQL: some given value of the staging row ``s`` differs from the stored row ``stored``."""
    tests = []
    for name in fields:
        given = f"s.{name} IS NOT NULL" if name in NOT_TEXT else f"s.{name} <> ''"
        other = f"{stored}.{_q(name)}"
        differs = f"({other} IS NULL OR s.{name} <> {other})" if name in NULLABLE else f"s.{name} <> {other}"
        tests.append(f"({given} AND {differs})")
    return " OR ".join(tests)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _given(value: Any) -> bool:
    return value is not None and value != ""


def _dates(fields: Sequence[str], values: Sequence[Any]) -> tuple[Any, ...]:
    """Values read back, with the date fields as dates (SQLite may return them as text)."""
    return tuple(
        dt.date.fromisoformat(value) if isinstance(value, str) and name in DATE_FIELDS else value
        for name, value in zip(fields, values, strict=True)
    )


class BatchWriter:
    """Writes batches of records for one import (source, actor, date of the data)."""

    def __init__(self, *, source: str, source_date: dt.date, actor_id: int | None) -> None:
        self.source = source
        self.source_date = source_date
        self.actor_id = actor_id
        self.created_json = json.dumps({"dibuat": [None, source or "impor"]}, ensure_ascii=False)
        person, membership = _q(Person._meta.db_table), _q(Membership._meta.db_table)
        stage = _q(STAGE)
        if connection.vendor == "postgresql":  # a join: only the rows of registered people are rewritten
            self.sql_link = f"UPDATE {stage} s SET person_id = p.id FROM {person} p WHERE p.nik = s.nik"  # noqa: S608
        else:  # SQLite before 3.33 has no UPDATE … FROM
            self.sql_link = f"UPDATE {stage} SET person_id = (SELECT p.id FROM {person} p WHERE p.nik = {stage}.nik)"  # noqa: S608
        self.sql_changed_people = (
            f"SELECT s.person_id, {', '.join(f's.{n}' for n in PERSON_FIELDS)}, "  # noqa: S608
            f"{', '.join(f'p.{_q(n)}' for n in PERSON_FIELDS)} "
            f"FROM {stage} s JOIN {person} p ON p.id = s.person_id "
            f"WHERE {_changes(PERSON_FIELDS, 'p')}"
        )
        member_columns = (
            f"{', '.join(f's.{n}' for n in MEMBER_FIELDS)}, m.id, {', '.join(f'm.{_q(n)}' for n in MEMBER_FIELDS)}"
        )
        same_key = "m2.person_id = s.person_id AND m2.programme = s.programme AND m2.card_number = s.card_number"
        if connection.vendor == "postgresql":  # LATERAL … LIMIT 1: one index probe per row, never a scan
            lookup = (
                f"LEFT JOIN LATERAL (SELECT * FROM {membership} m2 WHERE {same_key} ORDER BY m2.id LIMIT 1) m ON TRUE"  # noqa: S608
            )
        else:
            lookup = f"LEFT JOIN {membership} m ON m.id = (SELECT MIN(m2.id) FROM {membership} m2 WHERE {same_key})"  # noqa: S608
        self.sql_changed_memberships = (
            f"SELECT s.person_id, s.nik, s.programme, s.card_number, {member_columns} FROM {stage} s {lookup} "  # noqa: S608
            f"WHERE s.person_id IS NOT NULL AND s.programme <> '' AND (m.id IS NULL OR {_changes(MEMBER_FIELDS, 'm')})"
        )

    # -- one batch ----------------------------------------------------------------------------
    def write(self, records: list[tuple[Any, ...]]) -> BatchResult:
        now = db_datetime(_now())
        stage_create(STAGE, STAGE_COLUMNS)
        stage_load(STAGE, RECORD_NAMES, records)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The staging table has no statistics and the planner would rather hash the whole
                # register than probe its indexes a few thousand times: probes it is, for these.
                # No JIT: a plan that looks costly (a register in initial-load mode has no secondary
                # indexes) was compiled for ~0.6 s per batch to run for a few milliseconds.
                cursor.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL jit = off")
            cursor.execute(self.sql_link)
            cursor.execute(self.sql_changed_people)
            changed_people = cursor.fetchall()
            memberships: list[tuple[Any, ...]] = []
            if any(record[14] for record in records):
                cursor.execute(self.sql_changed_memberships)
                memberships = cursor.fetchall()
            if connection.vendor == "postgresql":
                cursor.execute("RESET enable_hashjoin; RESET enable_mergejoin")
        history: dict[int, dict[str, Any]] = {}  # person id → changes
        links: dict[int, int] = {}  # person id → the membership the change was about
        self._update_people(changed_people, history, now)
        self._write_memberships(memberships, history, links, now)
        if history:
            insert_rows(
                ParticipantHistory,
                ("person_id", "membership_id", "at", "actor_id", "source", "changes"),
                [
                    (pk, links.get(pk), now, self.actor_id, self.source, json.dumps(changes, ensure_ascii=False))
                    for pk, changes in history.items()
                ],
            )
        created = self._insert_new(now)
        return BatchResult(created=created, updated=len(history), unchanged=len(records) - created - len(history))

    def _update_people(self, rows: list[tuple[Any, ...]], history: dict[int, dict[str, Any]], now: Any) -> None:
        width = len(PERSON_FIELDS)
        updates = []
        for row in rows:
            pk = row[0]
            new = _dates(PERSON_FIELDS, row[1 : 1 + width])
            old = _dates(PERSON_FIELDS, row[1 + width :])
            merged = tuple(value if _given(value) else was for value, was in zip(new, old, strict=True))
            changes = {
                name: [_jsonable(was), _jsonable(value)]
                for name, was, value in zip(PERSON_FIELDS, old, merged, strict=True)
                if was != value
            }
            if changes:
                history[pk] = changes
                updates.append((*merged, name_key(merged[1]), now, pk))
        update_rows(Person, (*PERSON_FIELDS, "name_key", "updated_at"), updates)

    def _write_memberships(
        self, rows: list[tuple[Any, ...]], history: dict[int, dict[str, Any]], links: dict[int, int], now: Any
    ) -> None:
        width = len(MEMBER_FIELDS)
        creates, updates = [], []
        for row in rows:
            pk, _nik, programme, card = row[:4]
            new = _dates(MEMBER_FIELDS, row[4 : 4 + width])
            found, old = row[4 + width], _dates(MEMBER_FIELDS, row[5 + width :])
            if found is None:
                status = new[2] or MembershipStatus.ACTIVE
                values = (*new[:2], status, *new[3:])
                creates.append((pk, programme, card, *values, self.source, self.source_date, now, now))
                changes = history.setdefault(pk, {})
                changes[f"{programme}.card_number"] = [None, card]
                for name, value in zip(MEMBER_FIELDS, values, strict=True):
                    if _given(value):
                        changes[f"{programme}.{name}"] = [None, _jsonable(value)]
                continue
            merged = tuple(value if _given(value) else was for value, was in zip(new, old, strict=True))
            differences = {
                f"{programme}.{name}": [_jsonable(was), _jsonable(value)]
                for name, was, value in zip(MEMBER_FIELDS, old, merged, strict=True)
                if was != value
            }
            if not differences:
                continue
            history.setdefault(pk, {}).update(differences)
            updates.append((*merged, self.source, self.source_date, now, found))
            links[pk] = found
        insert_rows(
            Membership,
            (
                "person_id",
                "programme",
                "card_number",
                *MEMBER_FIELDS,
                "source",
                "source_date",
                "created_at",
                "updated_at",
            ),
            creates,
        )
        update_rows(Membership, (*MEMBER_FIELDS, "source", "source_date", "updated_at"), updates)

    def _insert_new(self, now: Any) -> int:
        """People of the batch not yet registered, their memberships and their history."""
        person, membership, history = (_q(model._meta.db_table) for model in (Person, Membership, ParticipantHistory))
        stage = _q(STAGE)
        new_people = (
            f"INSERT INTO {person} (nik, kk_number, name, name_key, sex, birth_place, birth_date, address, rt, rw, "  # noqa: S608
            "village_id, phone, deceased, created_at, updated_at) "
            "SELECT nik, kk_number, name, name_key, CASE WHEN sex <> '' THEN sex ELSE nik_sex END, birth_place, "
            "COALESCE(birth_date, nik_birth_date), address, rt, rw, village_id, phone, %s, %s, %s "
            f"FROM {stage} WHERE person_id IS NULL ORDER BY nik"
        )
        member_columns = (
            "person_id, programme, card_number, segment, care_class, status, valid_from, valid_to, "
            "first_level_provider_code, source, source_date, created_at, updated_at"
        )
        member_values = (
            "s.programme, s.card_number, s.segment, s.care_class, "
            f"CASE WHEN s.status <> '' THEN s.status ELSE '{MembershipStatus.ACTIVE.value}' END, "
            "s.valid_from, s.valid_to, s.first_level_provider_code, %s, %s, %s, %s"
        )
        history_columns = "person_id, membership_id, at, actor_id, source, changes"
        member_params = [self.source, self.source_date, now, now]
        history_params = [now, self.actor_id, self.source, self.created_json]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One statement: the ids of the new people flow from INSERT … RETURNING.
                cursor.execute(
                    f"WITH new AS ({new_people} RETURNING id, nik), "  # noqa: S608
                    f"mem AS (INSERT INTO {membership} ({member_columns}) SELECT new.id, {member_values} "
                    f"FROM new JOIN {stage} s ON s.nik = new.nik WHERE s.programme <> '') "
                    f"INSERT INTO {history} ({history_columns}) "
                    "SELECT new.id, NULL, %s, %s, %s, CAST(%s AS jsonb) FROM new",
                    [False, now, now, *member_params, *history_params],
                )
                return int(cursor.rowcount)
            # SQLite: one writer at a time (IMMEDIATE transactions), so the new rows are exactly
            # those whose staging row had no person before the insert.
            cursor.execute(new_people, [False, now, now])
            created = int(cursor.rowcount)
            if not created:
                return 0
            cursor.execute(
                f"UPDATE {stage} SET created = 1, person_id = (SELECT p.id FROM {person} p WHERE p.nik = {stage}.nik) "  # noqa: S608
                "WHERE person_id IS NULL"
            )
            cursor.execute(
                f"INSERT INTO {membership} ({member_columns}) SELECT s.person_id, {member_values} "  # noqa: S608
                f"FROM {stage} s WHERE s.created = 1 AND s.programme <> ''",
                member_params,
            )
            cursor.execute(
                f"INSERT INTO {history} ({history_columns}) SELECT person_id, NULL, %s, %s, %s, %s "  # noqa: S608
                f"FROM {stage} WHERE created = 1",
                history_params,
            )
            return created


def _now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()
