"""The error report of an import: one line per problem (row, column, value, reason).

Written as CSV while the import runs (streaming, constant memory) and converted to XLSX
on download. Every cell that a spreadsheet would run as a formula (starting with
``=`` ``+`` ``-`` ``@``, tab or carriage return) is written with a leading apostrophe, so
a hostile value in an uploaded file is never executed when the report is opened.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ejamkesda.jobs.importing.base import RowError

HEADER = ("baris", "kolom", "nilai", "alasan")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """Text that a spreadsheet shows as is, never as a formula."""
    text = "" if value is None else str(value)
    text = text.replace("\x00", "")
    if text.startswith(_DANGEROUS):
        return "'" + text
    return text


class ErrorReport:
    """Append-only CSV writer; ``count`` keeps going past ``limit`` but lines stop being written."""

    def __init__(self, path: str | Path, *, limit: int) -> None:
        self.path = Path(path)
        self.limit = limit
        self.count = 0
        self.rows_with_errors = 0
        self._handle: IO[str] | None = None
        self._writer: Any = None

    def add(self, errors: list[RowError]) -> None:
        if not errors:
            return
        self.rows_with_errors += 1
        for error in errors:
            self.count += 1
            if self.count > self.limit:
                continue
            if self._writer is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = open(self.path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
                self._writer = csv.writer(self._handle)
                self._writer.writerow(HEADER)
            self._writer.writerow(
                (error.row, safe_cell(error.column), safe_cell(str(error.value)[:200]), safe_cell(error.reason))
            )

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    @property
    def written(self) -> bool:
        return self.path.exists() and self.count > 0


def read_report(path: str | Path) -> Iterator[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        yield from csv.reader(handle)


def report_to_xlsx(csv_path: str | Path, out: IO[bytes]) -> None:
    """Convert the CSV report to XLSX (write-only, streaming). Cells are already escaped."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Kesalahan")
    for index, row in enumerate(read_report(csv_path)):
        if index == 0:
            sheet.append(list(row))
            continue
        number = int(row[0]) if row and row[0].isdigit() else row[0]
        # Explicit string cells: openpyxl would otherwise treat "=..." as a formula.
        sheet.append([number, *(_text_cell(sheet, value) for value in row[1:])])
    workbook.save(out)


def _text_cell(sheet: Any, value: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=safe_cell(value) if not value.startswith("'") else value)
    cell.data_type = "s"
    return cell
