"""Stream rows from CSV or XLSX files as dicts with normalised header names.

Files are opened by the shared import library (``ejamkesda.jobs.importing.files``);
importers only need an iterator of ``(row_number, {column: value})``.
"""

from __future__ import annotations

import csv
import io
import pathlib
from collections.abc import Iterator
from typing import Any

Row = tuple[int, dict[str, Any]]


def normalise_header(name: object) -> str:
    return "_".join(str(name or "").strip().lower().replace("-", " ").replace(".", " ").split())


def iter_csv(stream: io.TextIOBase | Any) -> Iterator[Row]:
    sample = stream.read(4096)
    stream.seek(0)
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(stream, delimiter=delimiter)
    header: list[str] | None = None
    for number, values in enumerate(reader, start=1):
        if header is None:
            header = [normalise_header(value) for value in values]
            continue
        if not any(value.strip() for value in values):
            continue
        yield number, dict(zip(header, values, strict=False))


def iter_xlsx(path: pathlib.Path) -> Iterator[Row]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    sheet = workbook.get_sheet_by_index(0)
    header: list[str] | None = None
    for number, values in enumerate(sheet.iter_rows(), start=1):
        if header is None:
            header = [normalise_header(value) for value in values]
            continue
        if not any(str(value).strip() for value in values if value is not None):
            continue
        yield number, dict(zip(header, values, strict=False))


def iter_file(path: str | pathlib.Path) -> Iterator[Row]:
    """Rows of a CSV or XLSX file through the shared import library (type decided by the
    content, encoding and delimiter detected, zip bombs and oversized sheets refused)."""
    from ejamkesda.jobs.importing.files import open_table

    table = open_table(path)
    header = [normalise_header(name) for name in table.header]
    for number, cells in table.rows:
        yield number, dict(zip(header, cells, strict=False))
