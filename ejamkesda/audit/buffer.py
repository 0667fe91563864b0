"""Audit entries written in batches, for look-ups that come by the thousand per second.

Every eligibility check is a view of a person's data and is audited (docs/arsitektur.md). One
INSERT and one commit per check would cost more than the check itself, so each server
process keeps the entries of its recent checks in memory and writes them together:

* the entry is complete when it is queued (time of the look-up, actor, address, summary):
  writing later changes nothing in it;
* a background thread writes the queue every ``flush_seconds``, or as soon as it holds
  ``batch_size`` entries, in one transaction (``executemany``); with ``flush_seconds`` 0
  there is no thread and the queue is written when it reaches ``batch_size`` (tests);
* the queue never holds more than ``max_pending`` entries: past that, the request thread
  writes the queue itself before answering, and when the database refuses the write the
  request fails (no answer without its audit entry beyond that bound);
* at a normal process exit (server stop or restart, worker recycling) the queue is written.

Loss bound: only a hard crash of a process (SIGKILL, out of memory, power loss) loses
entries, and never more than that process's queue: at most ``max_pending`` entries, in
practice the checks of the last ``flush_seconds`` (docs/tinjauan-keamanan.md).
"""

from __future__ import annotations

import atexit
import json
import logging
import multiprocessing.util
import os
import threading
from typing import Any

from django.db import close_old_connections, connection, models, transaction
from django.utils import timezone

from ejamkesda.audit.models import AuditLog

logger = logging.getLogger(__name__)

COLUMNS = (
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "summary",
    "changes",
    "ip_address",
    "user_agent",
)


def audit_entries_write(entries: list[dict[str, Any]]) -> None:
    """Insert complete audit entries (values from ``audit_values`` plus ``at``) in one transaction.

    PostgreSQL: one ``COPY`` (a tenth of the cost of row-by-row inserts); other databases:
    ``executemany`` with the ORM's own value conversion.
    """
    if not entries:
        return
    fields = [_field(name) for name in COLUMNS]
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _copy_rows(f"COPY {table} ({columns}) FROM STDIN", entries)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        rows = [
            [field.get_db_prep_save(entry[name], connection) for field, name in zip(fields, COLUMNS, strict=True)]
            for entry in entries
        ]
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608 - names from the model


def _field(name: str) -> models.Field[Any, Any]:
    field = AuditLog._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column  # concrete columns only
    return field


def _copy_rows(sql: str, entries: list[dict[str, Any]]) -> None:
    """COPY in text form: PostgreSQL parses each value into its column type (jsonb, inet, timestamptz)."""
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        for entry in entries:
            copy.write_row([json.dumps(entry[name]) if name == "changes" else entry[name] for name in COLUMNS])


class AuditBuffer:
    """A per-process queue of audit entries with a background writer (see the module text)."""

    def __init__(self, *, batch_size: int, flush_seconds: float, max_pending: int) -> None:
        self.batch_size = max(1, batch_size)
        self.flush_seconds = flush_seconds
        self.max_pending = max(self.batch_size, max_pending)
        self._pending: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._pid = 0

    def add(self, values: dict[str, Any]) -> None:
        """Queue one entry (``audit_values`` output); its time is now."""
        entry = {**values, "at": timezone.now()}
        self._ensure_writer()
        with self._lock:
            self._pending.append(entry)
            size = len(self._pending)
        if size >= self.max_pending or (size >= self.batch_size and self._thread is None):
            self.flush()  # back-pressure: never more than max_pending unwritten entries
        elif size >= self.batch_size:
            self._wake.set()

    def pending(self) -> int:
        return len(self._pending)

    def flush(self) -> int:
        """Write every queued entry now (in the calling thread); the number written.

        On a database error the entries go back to the front of the queue and the error
        is raised: nothing is dropped.
        """
        with self._write_lock:
            with self._lock:
                batch, self._pending = self._pending, []
            if not batch:
                return 0
            try:
                audit_entries_write(batch)
            except BaseException:
                with self._lock:
                    self._pending[:0] = batch
                raise
            return len(batch)

    def discard(self) -> None:
        """Forget the queue (tests only: entries of a rolled-back test database)."""
        with self._lock:
            self._pending.clear()

    def _ensure_writer(self) -> None:
        pid = os.getpid()
        if self.flush_seconds <= 0:
            return
        if self._pid == pid:
            return
        with self._lock:
            if self._pid == pid:
                return
            # A forked child inherits neither the parent's thread nor its unwritten entries.
            self._pending.clear()
            self._pid = pid
            self._stopping = False
            self._wake = threading.Event()
            self._thread = threading.Thread(target=self._run, name="audit-buffer", daemon=True)
            self._thread.start()
            # Normal exit: atexit for a plain process (gunicorn, runserver, commands); a
            # multiprocessing child (granian's workers) leaves through os._exit, which skips
            # atexit but runs multiprocessing's finalizers. close() is safe to call twice.
            atexit.register(self.close)
            multiprocessing.util.Finalize(None, self.close, exitpriority=100)

    def _run(self) -> None:
        while not self._stopping:
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            if not self._pending:
                continue
            try:
                close_old_connections()  # a broken connection is replaced, not reused
                self.flush()
            except Exception:
                logger.exception("Audit buffer: write failed, %d entries kept for the next try", self.pending())
        close_old_connections()

    def close(self, timeout: float = 10.0) -> None:
        """Stop the writer and write what is left (called at process exit)."""
        self._stopping = True
        self._wake.set()
        thread = self._thread
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.join(timeout)
        try:
            self.flush()
        except Exception:
            logger.exception("Audit buffer: %d entries could not be written at exit", self.pending())
