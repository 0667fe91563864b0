"""Fast bulk writes for importers, portable between SQLite and PostgreSQL.

Django's ``bulk_create``/``bulk_update`` build a model instance per row, which is the
bottleneck at a million rows. These helpers write plain tuples: PostgreSQL gets ``COPY``,
every other database a prepared ``executemany``. Callers pass values already converted
(dates, ints, JSON text) and set ``auto_now`` fields themselves. Always call them inside
a transaction (the import runner does).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, models

SELECT_CHUNK = 900  # stays under every backend's parameter limit


def _table(model: type[models.Model], fields: Sequence[str]) -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    columns = []
    for name in fields:
        field: Any = model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
        columns.append(quote(str(field.column)))
    return quote(model._meta.db_table), columns


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (tuples in ``fields`` order) into ``model``'s table."""
    if not rows:
        return
    table, columns = _table(model, fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3 cursor; errors wrapped into django.db errors
            with connection.wrap_database_errors, raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608 - names from _meta
        cursor.executemany(sql, _adapt_rows(rows))


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """``UPDATE … SET fields WHERE id = last value`` for each row tuple (values…, pk)."""
    if not rows:
        return
    table, columns = _table(model, fields)
    assignments = ", ".join(f"{column} = %s" for column in columns)
    pk = connection.ops.quote_name(model._meta.pk.column)  # type: ignore[union-attr]
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 - names from _meta
    with connection.cursor() as cursor:
        cursor.executemany(sql, _adapt_rows(rows))


def select_in(
    model: type[models.Model], fields: Sequence[str], key: str, values: Iterable[Any]
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``fields`` whose ``key`` is in ``values``, chunked under every backend's parameter
    limit. Dates come back as ``datetime.date`` on every backend (SQLite returns text)."""
    values = list(values)
    table, columns = _table(model, fields)
    key_column = _table(model, [key])[1][0]
    dates = []
    if connection.vendor == "sqlite":
        for index, name in enumerate(fields):
            field = model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
            if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
                dates.append(index)
    with connection.cursor() as cursor:
        for start in range(0, len(values), SELECT_CHUNK):
            chunk = values[start : start + SELECT_CHUNK]
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM {table} WHERE {key_column} IN ({placeholders})",  # noqa: S608
                chunk,
            )
            rows = cursor.fetchall()
            if not dates:
                yield from (tuple(row) for row in rows)
                continue
            for row in rows:
                out = list(row)
                for index in dates:
                    if isinstance(out[index], str):
                        out[index] = dt.date.fromisoformat(out[index])
                yield tuple(out)


def _adapt_rows(rows: Sequence[tuple[Any, ...]]) -> Sequence[tuple[Any, ...]] | list[list[Any]]:
    """SQLite stores aware datetimes as naive UTC text, as Django does; other values pass."""
    if connection.vendor != "sqlite" or not rows:
        return rows
    positions = {i for row in rows[:1] for i, value in enumerate(row) if isinstance(value, dt.datetime)}
    if not positions:
        return rows
    adapt = connection.ops.adapt_datetimefield_value
    converted: dict[Any, Any] = {}
    out = []
    for row in rows:
        values = list(row)
        for i in positions:
            value = values[i]
            if value not in converted:
                converted[value] = adapt(value)
            values[i] = converted[value]
        out.append(values)
    return out


def db_datetime(value: dt.datetime) -> Any:
    """An aware datetime as the database takes it as a query parameter (SQLite: naive UTC text,
    the way Django stores it)."""
    return connection.ops.adapt_datetimefield_value(value)


# Portable column types for staging tables (SQLite reads the declared type "date" back as a date).
STAGE_TYPES = {"text": "text", "date": "date", "integer": "integer", "bigint": "bigint", "boolean": "boolean"}


def stage_create(name: str, columns: Sequence[tuple[str, str]]) -> None:
    """An empty per-connection ``TEMP`` table ``name`` for a batch: rows are loaded into it with
    ``stage_load`` and then written to the real tables set-based (``INSERT … SELECT``), so the
    per-row work happens in the database, not in Python.

    Call inside the batch transaction. The table is created when missing (it vanishes with a
    rolled-back transaction or a new connection) and emptied otherwise: ``TRUNCATE`` on
    PostgreSQL, which also drops the dead rows of earlier batches (autovacuum never visits
    temporary tables).
    """
    quote = connection.ops.quote_name
    definition = ", ".join(f"{quote(column)} {STAGE_TYPES[kind]}" for column, kind in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {quote(name)} ({definition}) ON COMMIT DELETE ROWS")
            cursor.execute(f"TRUNCATE {quote(name)}")
        else:
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {quote(name)} ({definition})")
            cursor.execute(f"DELETE FROM {quote(name)}")  # noqa: S608 - our own table name


def stage_load(name: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Load ``rows`` (values in ``columns`` order; dates, ints, ``None``) into a staging table:
    ``COPY`` on PostgreSQL, one prepared ``executemany`` elsewhere."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {quote(name)} ({names}) FROM STDIN") as copy,
            ):
                write = copy.write_row
                for row in rows:
                    write(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {quote(name)} ({names}) VALUES ({placeholders})", rows)  # noqa: S608


_SQLITE_IMPORT_PRAGMAS = {"cache_size": -65536, "temp_store": 2}  # 64 MB page cache; temp tables in memory


def prepare_connection() -> dict[str, Any]:
    """Tune this connection for a bulk import; returns what ``restore_connection`` needs.

    SQLite: a 64 MB page cache (default 2 MB) for the index pages of a million-row table (a
    bigger one measured no faster: the operating system caches the file too), and staging
    tables in memory. Durability is untouched
    (journal and ``synchronous`` stay as configured). PostgreSQL needs nothing here.
    """
    saved: dict[str, Any] = {}
    if connection.vendor == "sqlite":
        pragmas = dict(_SQLITE_IMPORT_PRAGMAS)
        if connection.in_atomic_block:  # SQLite refuses to move temp storage inside a transaction
            pragmas.pop("temp_store")
        with connection.cursor() as cursor:
            for pragma, value in pragmas.items():
                cursor.execute(f"PRAGMA {pragma}")
                saved[pragma] = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA {pragma} = {int(value)}")
    return saved


def restore_connection(saved: dict[str, Any]) -> None:
    """Put back what ``prepare_connection`` changed (the worker's connection lives on)."""
    if connection.vendor == "sqlite" and saved and connection.connection is not None:
        if connection.in_atomic_block:
            saved.pop("temp_store", None)
        with connection.cursor() as cursor:
            for pragma, value in saved.items():
                cursor.execute(f"PRAGMA {pragma} = {int(value)}")


def refresh_statistics(*models_: type[models.Model], stale_fraction: float = 0.2, force: bool = False) -> None:
    """``ANALYZE`` the tables whose planner statistics are missing or stale (PostgreSQL).

    After a bulk load autovacuum may not have analysed yet; the planner then believes the
    table is tiny and reads ``person_id IN (…)`` with a sequential scan of a million rows.
    Importers call this at start and at the end. Other databases: nothing to do.
    """
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_live_tup, n_mod_since_analyze, last_analyze, last_autoanalyze "
            "FROM pg_stat_user_tables WHERE relname = ANY(%s)",
            [tables],
        )
        rows = cursor.fetchall()
        if force:
            rows = [(table, 0, 0, None, None) for table in tables]
        for table, live, modified, analysed, autoanalysed in rows:
            never = analysed is None and autoanalysed is None
            if force or (never and (live or modified)) or modified > max(1000, stale_fraction * live):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
