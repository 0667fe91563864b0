"""Initial-load mode ("muat awal") for big imports into an empty register, PostgreSQL only
(docs/impor-data.md: ≥ 30,000 rows/s on the first import of a million participants).

Why: on PostgreSQL each imported person costs three rows (person, membership, history) and,
before this mode, nine secondary-index inserts and five deferred foreign-key checks (one
trigger event per row and key, each a separate look-up at commit). A server profile of the
first import of a million rows put index maintenance at ~36 % and foreign-key checks at
~27 % of the server's CPU. Building an index once over the loaded table (one sort) and checking
a foreign key once (one anti-join) is far cheaper, which is what ``pg_restore`` does too.

How, for one import into an *empty* register whose file is big enough
(``IMPORT_BULK_LOAD_MIN_MB``, default 10 MB ≈ 60,000 rows):

1. In one transaction, under ``ACCESS EXCLUSIVE`` locks (waited for at most
   ``lock_timeout``), check that the first table is empty, save the definition of every
   secondary index and foreign key of the tables in ``SuspendedSchemaObject``, and drop them.
   Primary keys, unique constraints (the NIK) and CHECK constraints stay: the upsert and the
   race of two imports on one NIK rely on them.
2. The batches run as always (each its own transaction).
3. At the end, whether the import succeeded or failed, every saved index is built again with
   its exact definition and every foreign key is added ``NOT VALID`` (enforced for new rows at
   once) and then validated; each object's saved row is deleted once it is back.

Safety:

* A session advisory lock orders participant imports: the bulk load holds it exclusively, every
  other import (and a dry run) holds it shared, so no other import runs on a register without
  its indexes (its membership look-ups would scan), and a bulk load never starts while another
  import runs (``pg_try_advisory_lock``: it then falls back to the normal mode).
* A hard kill (SIGKILL, OOM, power) between 1 and 3 leaves saved rows: they are restored by the
  next import of the same tables, after ``manage.py migrate`` (``post_migrate``), or with
  ``manage.py import_restore_indexes``. The advisory lock dies with the killed session, so
  restoring never races a running load.
* Reads go on during the load: the register started empty, so searches and eligibility checks
  see only the rows loaded so far, without their secondary indexes (slower, still correct).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import DatabaseError, IntegrityError, connection, models, transaction

from ejamkesda.jobs import conf

if TYPE_CHECKING:
    from ejamkesda.jobs.models import SuspendedSchemaObject

logger = logging.getLogger(__name__)

# pg_advisory_lock key of participant imports ("EJK" + 1); locks are per database.
DEFAULT_LOCK_KEY = 0x454A4B01
LOCK_TIMEOUT = "5s"  # how long step 1 waits for the tables' locks before giving up the mode
MAINTENANCE_WORK_MEM = "256MB"  # per index build (default 64 MB): fewer sort passes
# Objects built at once at the end of a load, each on its own connection (measured on 1M rows,
# 2 cores: 7.1 s one at a time, 5.5 s two at a time): IMPORT_REBUILD_CONNECTIONS [2].


def enabled() -> bool:
    """``IMPORT_BULK_LOAD=0`` turns the mode off (the normal mode then serves every import)."""
    return conf.bulk_load()


@dataclass(frozen=True)
class BulkLoadSpec:
    """What an importer may load in bulk: ``models[0]`` must be empty for the mode to start."""

    models: tuple[type[models.Model], ...]
    lock_key: int = DEFAULT_LOCK_KEY

    @property
    def tables(self) -> list[str]:
        return [model._meta.db_table for model in self.models]


def _suspended() -> type[SuspendedSchemaObject]:
    from ejamkesda.jobs.models import SuspendedSchemaObject

    return SuspendedSchemaObject


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


@contextmanager
def import_session(
    spec: BulkLoadSpec | None,
    *,
    file_bytes: int,
    dry_run: bool,
    on_rebuild: Callable[[int, int], None] | None = None,
    on_wait: Callable[[], None] | None = None,
) -> Iterator[bool]:
    """Around one import: yields True when this import runs in initial-load mode.

    On PostgreSQL (outside a caller's transaction) it first restores what a killed load left,
    then either starts the initial-load mode (exclusive lock) or takes the shared lock (calling
    ``on_wait()`` every few seconds while a load holds it, so a job's heartbeat goes on), and at
    the end rebuilds (``on_rebuild(done, total)`` after each object) and releases the lock.
    Elsewhere (SQLite, a test's transaction, an importer without ``spec``) it does nothing.
    """
    if spec is None or connection.vendor != "postgresql" or connection.in_atomic_block:
        yield False
        return
    bulk = False
    if not dry_run and enabled() and file_bytes >= conf.bulk_load_min_bytes():
        bulk = _begin(spec)
    if not bulk:
        _lock_shared(spec.lock_key, on_wait=on_wait)  # waits while a bulk load runs
        try:
            # A load killed while we waited left its objects aside: no load runs now (we hold
            # the shared lock), and each object's row lock keeps two restorers apart.
            restore_pending(spec.tables, lock_key=None)
        except BaseException:
            _unlock(spec.lock_key, shared=True)
            raise
    failed = False
    try:
        yield bulk
    except BaseException:
        failed = True
        raise
    finally:
        _end(spec, bulk=bulk, on_rebuild=on_rebuild, quiet=failed)


def _end(spec: BulkLoadSpec, *, bulk: bool, on_rebuild: Callable[[int, int], None] | None, quiet: bool) -> None:
    """Step 3 and the lock's release. With ``quiet`` (the import failed already) an error here
    is logged, not raised, so the import's own error is the one reported; what stays aside is
    restored by the next import, ``migrate`` or ``import_restore_indexes``."""
    try:
        try:
            if bulk:
                restore_pending(
                    spec.tables, lock_key=None, on_step=on_rebuild, connections_used=conf.rebuild_connections()
                )
        finally:
            _unlock(spec.lock_key, shared=not bulk)
    except Exception:
        if not quiet:
            raise
        logger.exception("impor: membangun ulang indeks/kunci asing atau melepas kunci impor gagal")


WAIT_POLL_SECONDS = 5.0


def _lock_shared(key: int, *, on_wait: Callable[[], None] | None) -> None:
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock_shared(%s)", [key])
            if cursor.fetchone()[0]:
                return
        if on_wait is not None:
            on_wait()
        time.sleep(WAIT_POLL_SECONDS)


def _try_lock(key: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        return bool(cursor.fetchone()[0])


def _unlock(key: int, *, shared: bool) -> None:
    if connection.connection is None:  # the session (and its lock) is gone already
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_advisory_unlock{'_shared' if shared else ''}(%s)", [key])


def _begin(spec: BulkLoadSpec) -> bool:
    """Step 1: True when the tables' secondary indexes and foreign keys are now set aside (and
    the exclusive lock held); False, with nothing changed and no lock held, otherwise."""
    if _has_rows(spec.tables[0]):
        return False  # checked first without any lock: a live register is never locked here
    if not _try_lock(spec.lock_key):
        return False  # another import runs: the normal mode waits for it
    try:
        restore_pending(spec.tables, lock_key=None)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            cursor.execute(f"LOCK TABLE {', '.join(_quote(t) for t in spec.tables)} IN ACCESS EXCLUSIVE MODE")
            if _has_rows(spec.tables[0]):  # again, under the lock: nobody wrote in between
                raise _NotEmpty
            _set_aside(cursor, spec.tables)
        logger.info("impor: mode muat awal (indeks dan kunci asing %s dibangun ulang di akhir)", spec.tables)
        return True
    except (_NotEmpty, DatabaseError) as reason:
        if isinstance(reason, DatabaseError):
            logger.warning("impor: mode muat awal tidak dipakai: %s", reason)
        _unlock(spec.lock_key, shared=False)
        return False
    except BaseException:
        _unlock(spec.lock_key, shared=False)
        raise


class _NotEmpty(Exception):
    pass


def _has_rows(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_quote(table)})")  # noqa: S608 - a model's table
        return bool(cursor.fetchone()[0])


def _set_aside(cursor: object, tables: Sequence[str]) -> None:
    """Save and drop the secondary indexes (those not backing a constraint) and the foreign keys
    of ``tables``; inside the caller's transaction."""
    suspended = _suspended()
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT c.relname, i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid "
        "WHERE c.relname = ANY(%s) AND c.relnamespace = to_regnamespace(current_schema())::oid "
        # Unique indexes stay even without a constraint (a conditional UniqueConstraint is only
        # an index): they are rules, not look-up aids.
        "AND NOT x.indisunique "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) ORDER BY 1, 2",
        [list(tables)],
    )
    indexes = cursor.fetchall()  # type: ignore[attr-defined]
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
        "JOIN pg_class c ON c.oid = k.conrelid WHERE k.contype = 'f' AND c.relname = ANY(%s) "
        # A key left NOT VALID by a failed validation keeps its saved row and stays in place.
        "AND k.convalidated AND c.relnamespace = to_regnamespace(current_schema())::oid ORDER BY 1, 2",
        [list(tables)],
    )
    keys = cursor.fetchall()  # type: ignore[attr-defined]
    suspended.objects.bulk_create(
        [suspended(table=t, name=n, kind="index", definition=d) for t, n, d in indexes]
        + [suspended(table=t, name=n, kind="foreign_key", definition=d) for t, n, d in keys]
    )
    for table, name, _definition in keys:
        cursor.execute(f"ALTER TABLE {_quote(table)} DROP CONSTRAINT {_quote(name)}")  # type: ignore[attr-defined]
    for _table, name, _definition in indexes:
        cursor.execute(f"DROP INDEX {_quote(name)}")  # type: ignore[attr-defined]


def restore_pending(
    tables: Sequence[str] | None = None,
    *,
    lock_key: int | None = DEFAULT_LOCK_KEY,
    on_step: Callable[[int, int], None] | None = None,
    connections_used: int = 1,
) -> int:
    """Step 3: build again every saved index and foreign key (of ``tables``, or all). Returns how
    many objects were restored; 0 on other databases.

    Each object is restored in its own transaction that first locks its saved row, so an
    interrupted restore resumes where it stopped and two restorers (two imports waiting for a
    killed load) never build one object twice. With ``lock_key`` it first takes the exclusive
    advisory lock without waiting and does nothing while any import holds it; an import that
    holds the lock already passes ``None``. A foreign key whose validation fails (a row whose
    key does not exist) stays ``NOT VALID`` (enforced for new rows) and keeps its saved row, so
    the next restore validates it again; it is logged.

    ``connections_used`` > 1 builds that many objects at once, each on a connection of its own
    (outside a caller's transaction only): the end of a load has the server to itself, and
    PostgreSQL builds one index, or checks one key, at a time per session. The biggest tables'
    objects go first, so the connections finish together. ``on_step`` is called on this thread.
    """
    if connection.vendor != "postgresql":
        return 0
    suspended = _suspended()
    pending = suspended.objects.all()
    if tables is not None:
        pending = pending.filter(table__in=list(tables))
    saved = list(pending.values_list("pk", "table", "kind", "name"))
    if not saved:
        return 0
    if lock_key is not None and not _try_lock(lock_key):
        return 0
    try:
        sizes = _table_sizes({table for _pk, table, _kind, _name in saved})
        # Biggest tables first; within a table indexes before keys (adding a key waits for every
        # index build on its tables, so keys last keep both connections building).
        saved.sort(key=lambda item: (-sizes.get(item[1], 0), item[2] != "index", item[1], item[3]))
        queue = _Queue([pk for pk, _table, _kind, _name in saved])
        helpers = max(0, connections_used - 1) if not connection.in_atomic_block else 0
        with ThreadPoolExecutor(max_workers=helpers or 1, thread_name_prefix="import-rebuild") as pool:
            others = [pool.submit(_restore_helper, queue) for _ in range(helpers)]
            try:
                _restore_queued(queue, on_step=on_step)
                wait(others)
            except BaseException:
                queue.stop()  # the helpers finish the object in hand, then stop
                raise
            for future in others:
                future.result()  # a helper's error, once every helper has stopped
        if on_step is not None and queue.finished and queue.reported != queue.finished:
            on_step(queue.finished, queue.total)  # a helper finished the last object
    finally:
        if lock_key is not None:
            _unlock(lock_key, shared=False)
    return queue.restored


class _Queue:
    """The saved rows still to restore, shared by the restoring threads."""

    def __init__(self, pks: list[int]) -> None:
        self.pks = pks
        self.total = len(pks)
        self.taken = self.finished = self.restored = self.reported = 0
        self.lock = threading.Lock()
        self.stopped = False

    def take(self) -> int | None:
        with self.lock:
            if self.stopped or self.taken == self.total:
                return None
            self.taken += 1
            return self.pks[self.taken - 1]

    def done(self, *, restored: bool) -> int:
        with self.lock:
            self.finished += 1
            self.restored += restored
            return self.finished

    def stop(self) -> None:
        with self.lock:
            self.stopped = True


def _restore_helper(queue: _Queue) -> None:
    """A helper thread: restore from ``queue`` on a connection of its own. A helper that cannot
    connect (``max_connections`` reached, say) leaves the work to the others instead of failing
    a rebuild that they complete."""
    try:
        try:
            connection.ensure_connection()
        except DatabaseError as error:
            logger.warning("impor: koneksi tambahan untuk membangun ulang indeks tidak tersedia: %s", error)
            return
        _restore_queued(queue)
    finally:
        connection.close()


def _restore_queued(queue: _Queue, *, on_step: Callable[[int, int], None] | None = None) -> None:
    suspended = _suspended()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
        while (pk := queue.take()) is not None:
            try:
                with transaction.atomic():
                    row = suspended.objects.select_for_update().filter(pk=pk).first()
                    restored = row is not None and _restore_one(row.table, row.name, row.kind, row.definition)
                    if restored:
                        row.delete()  # type: ignore[union-attr]
            except BaseException:
                queue.stop()  # the other threads finish the object in hand, then stop
                raise
            finished = queue.done(restored=restored)
            if on_step is not None:
                queue.reported = finished
                on_step(finished, queue.total)
    finally:
        if connection.connection is not None:
            # A broken connection must not hide the error that broke it (the session's setting
            # dies with it anyway).
            with suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("RESET maintenance_work_mem")


def _table_sizes(tables: set[str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c WHERE c.relname = ANY(%s) "
            "AND c.relkind = 'r' AND c.relnamespace = to_regnamespace(current_schema())::oid",
            [sorted(tables)],
        )
        return dict(cursor.fetchall())


def _restore_one(table: str, name: str, kind: str, definition: str) -> bool:
    """Build one saved object again, inside the caller's transaction; False when a foreign key
    does not validate (it is then in place ``NOT VALID``)."""
    with connection.cursor() as cursor:
        if kind == "index":
            # pg_get_indexdef gives "CREATE [UNIQUE] INDEX name ON …": IF NOT EXISTS makes it rerunnable.
            head, rest = definition.split(" INDEX ", 1)
            cursor.execute(f"{head} INDEX IF NOT EXISTS {rest}")
            return True
        cursor.execute(
            "SELECT 1 FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
            "WHERE c.relname = %s AND k.conname = %s AND c.relnamespace = to_regnamespace(current_schema())::oid",
            [table, name],
        )
        if cursor.fetchone() is None:
            cursor.execute(f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(name)} {definition} NOT VALID")
        try:
            with transaction.atomic():  # a savepoint: a failed validation keeps the NOT VALID key
                cursor.execute(f"ALTER TABLE {_quote(table)} VALIDATE CONSTRAINT {_quote(name)}")
        except IntegrityError as error:  # a row whose key does not exist; anything else is raised
            logger.error("impor: kunci asing %s.%s tidak valid, tetap NOT VALID: %s", table, name, error)
            return False
        return True
