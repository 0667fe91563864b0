"""The import loop shared by every importer.

1. open the file (``files.open_table``) and map its headers (``headers.map_headers``);
2. give each row to ``importer.clean_row``; a ``RowInvalid`` goes to the error report;
3. collect accepted records into batches of ``conf.BATCH_SIZE`` and hand each batch to
   ``importer.write_batch`` inside one ``transaction.atomic()``: a crash or a kill loses at
   most the batch in flight, never half of it. A dry run does the same work and rolls every
   batch back, so its counts are exactly what a real run would do.
4. report progress after each batch through ``progress(ImportProgress)``.

Importers must be idempotent per row (upsert by a natural key, no change → no write) so a
re-run of the same file changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.db import IntegrityError, transaction

from ejamkesda.jobs import conf
from ejamkesda.jobs.importing.base import BatchResult, Column, ImportFileError, RowError, RowInvalid
from ejamkesda.jobs.importing.bulk import prepare_connection
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

    # Optional: ``finish()``, called once after the last batch of a real (not dry) run.


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

    def as_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in self.__dataclass_fields__}


RETRIES = 2


class _Rollback(Exception):
    pass


def run_import(
    path: str | Path,
    importer: Importer,
    *,
    error_report_path: str | Path,
    dry_run: bool = False,
    batch_size: int | None = None,
    progress: Callable[[ImportProgress], None] | None = None,
) -> ImportProgress:
    """Run ``importer`` over the file. Raises ``ImportFileError`` when the file itself is unusable."""
    batch_size = batch_size or conf.BATCH_SIZE
    started = time.monotonic()
    table = open_table(path)
    prepare_connection()
    header_map = map_headers(table.header, importer.columns)
    importer.start(header_map)
    state = ImportProgress(
        ignored_headers=header_map.ignored,
        file_kind=table.kind,
        encoding=table.encoding,
        delimiter={"\t": "tab"}.get(table.delimiter, table.delimiter),
    )
    report = ErrorReport(error_report_path, limit=conf.MAX_ERRORS)
    positions = list(header_map.positions.items())
    batch: list[Any] = []

    def flush() -> None:
        if not batch:
            return
        result = _write(importer, batch, dry_run=dry_run)
        state.created += result.created
        state.updated += result.updated
        state.unchanged += result.unchanged
        if result.errors:
            rejected_rows = {error.row for error in result.errors}
            state.rows_rejected += len(rejected_rows)
            state.rows_valid -= len(rejected_rows)
            for row in sorted(rejected_rows):
                report.add([error for error in result.errors if error.row == row])
        batch.clear()
        state.errors = report.count
        state.fraction = table.fraction_done(state.rows_read)
        state.seconds = time.monotonic() - started
        if progress is not None:
            progress(state)

    try:
        for row_number, cells in table.rows:
            state.rows_read += 1
            width = len(cells)
            values = {key: (cells[index] if index < width else None) for key, index in positions}
            try:
                record = importer.clean_row(row_number, values)
            except RowInvalid as invalid:
                state.rows_rejected += 1
                report.add(invalid.errors)
                continue
            state.rows_valid += 1
            batch.append(record)
            if len(batch) >= batch_size:
                flush()
        flush()
    finally:
        report.close()
    finish = getattr(importer, "finish", None)
    if finish is not None and not dry_run:
        finish()
    if state.rows_read == 0:
        raise ImportFileError("Berkas hanya berisi baris judul kolom, tanpa baris data.")
    state.errors = report.count
    state.fraction = 1.0
    state.seconds = time.monotonic() - started
    if progress is not None:
        progress(state)
    return state


def _write(importer: Importer, batch: list[Any], *, dry_run: bool) -> BatchResult:
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
