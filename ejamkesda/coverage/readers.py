"""Stream rows from CSV or XLSX files as dicts with normalised header names.

Files are opened by the shared import library (``ejamkesda.jobs.importing.files``);
importers only need an iterator of ``(row_number, {column: value})``.
"""

from __future__ import annotations

import pathlib
from collections.abc import Iterator
from typing import Any

Row = tuple[int, dict[str, Any]]


def normalise_header(name: object) -> str:
    return "_".join(str(name or "").strip().lower().replace("-", " ").replace(".", " ").split())


def iter_file(path: str | pathlib.Path) -> Iterator[Row]:
    """Rows of a CSV or XLSX file through the shared import library (type decided by the
    content, encoding and delimiter detected, zip bombs and oversized sheets refused)."""
    from ejamkesda.jobs.importing.files import open_table

    table = open_table(path)
    header = [normalise_header(name) for name in table.header]
    for number, cells in table.rows:
        yield number, dict(zip(header, cells, strict=False))
