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


def prepare_connection() -> None:
    """Give SQLite a bigger page cache for the import (64 MB; the default is 2 MB), so index
    pages of a million-row table stay in memory. PostgreSQL needs nothing here."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -65536")


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
