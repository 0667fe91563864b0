"""The import loop shared by every importer.

1. open the file (``files.open_table``) and map its headers (``headers.map_headers``);
2. give each row to ``importer.clean_row``; a ``RowInvalid`` goes to the error report;
3. collect accepted records into batches of ``conf.batch_size()`` and hand each batch to
   ``importer.write_batch`` inside one ``transaction.atomic()``: a crash or a kill loses at
   most the batch in flight, never half of it. A dry run does the same work and rolls every
   batch back, so its counts are exactly what a real run would do.
4. report progress after each batch through ``progress(ImportProgress)``.

An importer may validate in a second thread while the previous batch is written
(``clean_in_thread``); the database work stays on the calling thread and its connection,
except that on PostgreSQL an importer with ``parallel_writes`` has every other batch written
by a helper thread on a second connection (see ``_written``).

Importers must be idempotent per row (upsert by a natural key, no change → no write) so a
re-run of the same file changes nothing.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from queue import Full, Queue
from typing import Any, Protocol

from django.db import IntegrityError, connection, connections, transaction

from ejamkesda.jobs import conf
from ejamkesda.jobs.importing.base import BatchResult, Column, ImportFileError, RowError, RowInvalid
from ejamkesda.jobs.importing.bulk import prepare_connection, restore_connection
from ejamkesda.jobs.importing.bulkload import import_session
from ejamkesda.jobs.importing.files import open_table
from ejamkesda.jobs.importing.headers import HeaderMap, map_headers
from ejamkesda.jobs.importing.report import ErrorReport


class Importer(Protocol):
    columns: Sequence[Column]

    def start(self, header_map: HeaderMap) -> None:
        """Called once with the mapped headers, before the first row."""

    def clean_row(self, row_number: int, values: dict[str, Any]) -> Any:
        """Validate one row (values keyed by canonical column); raise ``RowInvalid``."""

    def write_batch(self, records: list[Any]) -> BatchResult:
        """Upsert a batch (already inside a transaction)."""

    # Optional: ``finish()``, called once after the last batch of a real (not dry) run;
    # ``batch_size`` (int), ``clean_in_thread`` and ``clean_in_process`` (bool), see
    # ``run_import``; ``bulk_load``
    # (``bulkload.BulkLoadSpec``): the tables a big first import may load in initial-load mode.


@dataclass
class ImportProgress:
    rows_read: int = 0
    rows_valid: int = 0
    rows_rejected: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    fraction: float = 0.0
    seconds: float = 0.0
    ignored_headers: list[str] = field(default_factory=list)
    file_kind: str = ""
    encoding: str = ""
    delimiter: str = ""
    bulk_load: bool = False  # ran in initial-load mode (``bulkload``)

    def as_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in self.__dataclass_fields__}


RETRIES = 2
# Initial-load mode: the share of the progress bar for the rows; the rest fills as the set-aside
# indexes and foreign keys are built again (about a fifth of the time on a million rows).
BULK_LOAD_SHARE = 0.85
QUEUED_CHUNKS = 1  # validated batches waiting for the writer (memory: this many + 2 batches)
PROCESS_MIN_BYTES = 1024 * 1024  # smaller files validate in a thread (a child process costs a fork)


class _Rollback(Exception):
    pass


@dataclass(slots=True)
class _Chunk:
    """Rows read since the last chunk: the accepted records (one write batch) and, in file
    order, the errors of the rows rejected among them."""

    records: list[Any]
    rejected: list[list[RowError]]
    rows_read: int
    fraction: float


def _chunks(
    table: Any, importer: Importer, positions: list[tuple[str, int]], batch_size: int
) -> Generator[_Chunk, None, None]:
    """Validate the rows and cut them into chunks of ``batch_size`` accepted records (or as many
    rejected rows, so a file of bad rows does not pile up in memory)."""
    clean = importer.clean_row
    keys = [key for key, _index in positions]
    indexes = [index for _key, index in positions]
    last = max(indexes, default=-1)
    pick = itemgetter(*indexes) if len(indexes) > 1 else None
    records: list[Any] = []
    rejected: list[list[RowError]] = []
    read = total = 0
    for row_number, cells in table.rows:
        read += 1
        if pick is not None and len(cells) > last:
            values = dict(zip(keys, pick(cells), strict=True))
        else:
            width = len(cells)
            values = {key: (cells[index] if index < width else None) for key, index in positions}
        try:
            records.append(clean(row_number, values))
        except RowInvalid as invalid:
            rejected.append(invalid.errors)
            if len(rejected) < batch_size:
                continue
        if len(records) >= batch_size or len(rejected) >= batch_size:
            total += read
            yield _Chunk(records, rejected, read, table.fraction_done(total))
            records, rejected, read = [], [], 0
    if read:
        yield _Chunk(records, rejected, read, 1.0)


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


_DONE = object()


def _in_thread(chunks: Generator[_Chunk, None, None]) -> Generator[_Chunk, None, None]:
    """Run ``chunks`` (reading and validating, pure Python) in a second thread while this one
    writes: the database works (SQLite in C, or the PostgreSQL server) while the next batch is
    validated, so the two cores of a small server both do import work. The queue is bounded,
    so memory stays a few batches; an error on either side stops both."""
    queue: Queue[Any] = Queue(maxsize=QUEUED_CHUNKS)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in chunks:
                if not put(chunk):
                    return
            put(_DONE)
        except BaseException as error:  # handed to the writer thread, which raises it
            put(_Failed(error))
        finally:
            chunks.close()

    worker = threading.Thread(target=produce, name="import-validate", daemon=True)
    worker.start()
    try:
        while True:
            item = queue.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        worker.join()


def _use_process(importer: Importer, path: str | Path) -> bool:
    """Validate in a child process? For importers that allow it (``clean_in_process``), files of
    at least ``PROCESS_MIN_BYTES``, where ``fork`` exists; ``IMPORT_VALIDATE_PROCESS=0`` turns it off."""
    return (
        bool(getattr(importer, "clean_in_process", False))
        and conf.validate_in_process()
        and "fork" in multiprocessing.get_all_start_methods()
        and Path(path).stat().st_size >= PROCESS_MIN_BYTES
    )


def _in_process(chunks: Generator[_Chunk, None, None]) -> Generator[_Chunk, None, None]:
    """Run ``chunks`` (reading and validating) in a forked child process and receive its chunks
    through a pipe, so that validation has a core of its own instead of sharing the interpreter
    lock with the writer threads (measured on PostgreSQL, 1M rows: the import process went from
    ~37 to ~9 µs of CPU per row and the first import from ~14,500 to ~17,900 rows/s).

    The child gets a copy of the importer after ``start()`` and of the open file; it must not
    touch the database (the ``clean_in_thread`` contract): every query there raises. The pipe
    holds at most one chunk in flight, so memory stays a few batches on either side. An error
    in the child reaches this side as the same exception (``ImportFileError`` keeps its
    message); if the child dies, the import fails. Closing this generator kills the child.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def produce() -> None:
        # Stopping is the parent's business: a stop signal sent to the whole process group
        # (Ctrl-C in a terminal, systemd's KillMode=control-group, a supervisor's group kill)
        # must let the parent finish or fail its batch, not kill the rows it waits for. The
        # child ends with the parent all the same: its next send meets a closed pipe, and the
        # parent kills it on every way out.
        for stop in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
            signal.signal(stop, signal.SIG_IGN)
        _forget_parent_connections()
        receiver.close()
        try:
            for chunk in chunks:
                sender.send_bytes(pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL))
            sender.send_bytes(b"")
        except BaseException as error:
            try:
                message = pickle.dumps(_Failed(error), pickle.HIGHEST_PROTOCOL)
            except Exception:  # an exception that does not pickle: its text then
                message = pickle.dumps(_Failed(RuntimeError(f"{type(error).__name__}: {error}")))
            sender.send_bytes(message)

    process = context.Process(target=produce, name="import-validate", daemon=True)
    process.start()
    sender.close()
    try:
        while True:
            try:
                data = receiver.recv_bytes()
            except EOFError:
                raise RuntimeError(f"proses validasi impor berhenti tak terduga (kode {process.exitcode})") from None
            if not data:
                return
            item = pickle.loads(data)  # noqa: S301 - from our own child process
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        receiver.close()
        process.kill()  # nothing to clean up there; SIGKILL also ends it while blocked on the pipe
        process.join()


def _forget_parent_connections() -> None:
    """In the child: make every query raise, and close the child's copies of the parent's
    PostgreSQL sockets, so that if the parent dies its server session (and the advisory lock of
    ``bulkload``) ends at once instead of living on in the child. Nothing in the child closes
    the connections themselves: a forked child ends with ``os._exit``, without finalisers."""
    for alias in connections:
        wrapper = connections[alias]
        wrapper.execute_wrappers.append(_no_database)
        raw = wrapper.connection
        if raw is not None and wrapper.vendor == "postgresql":
            with suppress(OSError):
                os.close(raw.fileno())


def _no_database(*args: Any) -> Any:
    raise RuntimeError("proses validasi impor tidak boleh memakai basis data")


def run_import(
    path: str | Path,
    importer: Importer,
    *,
    error_report_path: str | Path,
    dry_run: bool = False,
    batch_size: int | None = None,
    progress: Callable[[ImportProgress], None] | None = None,
) -> ImportProgress:
    """Run ``importer`` over the file. Raises ``ImportFileError`` when the file itself is unusable.

    Batch size: ``batch_size``, else ``IMPORT_BATCH_SIZE`` when set, else the importer's own
    ``batch_size`` attribute, else ``conf.batch_size()``. An importer whose ``clean_row`` needs
    no database and shares no state with ``write_batch`` may set ``clean_in_thread = True``:
    rows are then validated in a second thread while batches are written; with
    ``clean_in_process = True`` as well, files of ``PROCESS_MIN_BYTES`` or more are validated in
    a forked child process instead (``_in_process``).
    """
    batch_size = batch_size or conf.batch_size(getattr(importer, "batch_size", None))
    started = time.monotonic()
    table = open_table(path)
    header_map = map_headers(table.header, importer.columns)
    saved = prepare_connection()
    try:
        importer.start(header_map)
        state = ImportProgress(
            ignored_headers=header_map.ignored,
            file_kind=table.kind,
            encoding=table.encoding,
            delimiter={"\t": "tab"}.get(table.delimiter, table.delimiter),
        )
        report = ErrorReport(error_report_path, limit=conf.max_errors())

        def report_progress(fraction: float) -> None:
            state.errors = report.count
            state.fraction = fraction
            state.seconds = time.monotonic() - started
            if progress is not None:
                progress(state)

        def rebuilt(done: int, total: int) -> None:  # initial-load mode: indexes built again
            report_progress(BULK_LOAD_SHARE + (1 - BULK_LOAD_SHARE) * done / total)

        session = import_session(
            getattr(importer, "bulk_load", None),
            file_bytes=Path(path).stat().st_size,
            dry_run=dry_run,
            on_rebuild=rebuilt,
            on_wait=lambda: report_progress(0.0),  # waiting for another import: the heartbeat goes on
        )
        with session as bulk:
            state.bulk_load = bulk
            share = BULK_LOAD_SHARE if bulk else 1.0
            chunks: Generator[_Chunk, None, None] = _chunks(
                table, importer, list(header_map.positions.items()), batch_size
            )
            if _use_process(importer, path):
                chunks = _in_process(chunks)
            elif getattr(importer, "clean_in_thread", False):
                chunks = _in_thread(chunks)
            try:
                for chunk, result in _written(importer, chunks, dry_run=dry_run):
                    _account(chunk, result, state, report)
                    report_progress(chunk.fraction * share)
            finally:
                chunks.close()  # now, not when the traceback is freed: stops the validation thread
                report.close()
        finish = getattr(importer, "finish", None)
        if finish is not None and not dry_run:
            finish()
    finally:
        restore_connection(saved)
    if state.rows_read == 0:
        raise ImportFileError("Berkas hanya berisi baris judul kolom, tanpa baris data.")
    state.errors = report.count
    state.fraction = 1.0
    state.seconds = time.monotonic() - started
    if progress is not None:
        progress(state)
    return state


def _parallel(importer: Importer) -> bool:
    """Write two batches at once? Only for importers that say their ``write_batch`` may run in
    two threads (``parallel_writes``), on PostgreSQL (SQLite has one writer at a time), outside
    a caller's transaction (a second connection would not see its rows)."""
    return (
        bool(getattr(importer, "parallel_writes", False))
        and conf.parallel_writes()
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )


def _close_connection() -> None:
    connection.close()


def _written(
    importer: Importer, chunks: Generator[_Chunk, None, None], *, dry_run: bool
) -> Generator[tuple[_Chunk, BatchResult], None, None]:
    """Each chunk with what writing it did, in file order.

    With ``_parallel``, every other batch goes to a helper thread with its own connection while
    this thread writes the next one: the server then works on two batches (two processes, both
    cores) instead of one. Each batch is still one transaction of its own; the batches of one
    file never share a key (``clean_row`` refuses a second row for one key), so the two never
    wait for each other. On an error the other batch in flight finishes (or rolls back) first.
    """
    if not _parallel(importer):
        for chunk in chunks:
            yield chunk, _write(importer, chunk.records, dry_run=dry_run)
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer") as helper:
        try:
            pending: tuple[_Chunk, Future[BatchResult]] | None = None
            for chunk in chunks:
                if pending is None:
                    pending = (chunk, helper.submit(_write, importer, chunk.records, dry_run=dry_run))
                    continue
                result = _write(importer, chunk.records, dry_run=dry_run)
                earlier, pending = pending, None
                yield earlier[0], earlier[1].result()
                yield chunk, result
            if pending is not None:
                yield pending[0], pending[1].result()
        finally:
            helper.submit(_close_connection)  # runs after the batch in flight


def _account(chunk: _Chunk, result: BatchResult, state: ImportProgress, report: ErrorReport) -> None:
    state.rows_read += chunk.rows_read
    state.rows_rejected += len(chunk.rejected)
    state.rows_valid += len(chunk.records)
    for errors in chunk.rejected:
        report.add(errors)
    state.created += result.created
    state.updated += result.updated
    state.unchanged += result.unchanged
    if result.errors:
        rejected_rows = {error.row for error in result.errors}
        state.rows_rejected += len(rejected_rows)
        state.rows_valid -= len(rejected_rows)
        for row in sorted(rejected_rows):
            report.add([error for error in result.errors if error.row == row])


def _write(importer: Importer, batch: list[Any], *, dry_run: bool) -> BatchResult:
    if not batch:
        return BatchResult()
    if not dry_run:
        # Another import may insert the same key between our read and our write; the batch
        # is then rolled back whole and retried once it can see the other rows.
        for attempt in range(RETRIES + 1):
            try:
                with transaction.atomic():
                    return importer.write_batch(batch)
            except IntegrityError:
                if attempt == RETRIES:
                    raise
        raise AssertionError("unreachable")
    result = BatchResult()
    try:
        with transaction.atomic():
            result = importer.write_batch(batch)
            raise _Rollback
    except _Rollback:
        pass
    return result


__all__ = ["ImportProgress", "Importer", "RowError", "RowInvalid", "run_import"]
