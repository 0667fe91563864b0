"""A small streaming reader for CSV and XLSX uploads (tariff tables, bulk claims).

The imports engineer's generic machinery (ejamkesda/jobs/importing/) had not landed when
this was written, so this reads rows lazily itself: csv from a text wrapper, xlsx with
openpyxl in read-only mode. Rows come out as lists of cell values, header first.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _


class UnreadableFile(ValueError):
    pass


def iter_rows(file: IO[bytes], name: str) -> Iterator[list[Any]]:
    lowered = (name or "").lower()
    head = file.read(4)
    file.seek(0)
    if lowered.endswith(".xlsx") or head.startswith(b"PK\x03\x04"):
        yield from _xlsx_rows(file)
    elif lowered.endswith(".csv") or lowered.endswith(".txt"):
        yield from _csv_rows(file)
    else:
        raise UnreadableFile(_("Format berkas harus CSV atau XLSX."))


def _csv_rows(file: IO[bytes]) -> Iterator[list[Any]]:
    text = io.TextIOWrapper(file, encoding="utf-8-sig", errors="strict", newline="")
    try:
        sample = text.read(4096)
        text.seek(0)
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        yield from csv.reader(text, delimiter=delimiter)
    except UnicodeDecodeError:
        raise UnreadableFile(_("Berkas CSV harus ber-encoding UTF-8.")) from None
    finally:
        text.detach()


def _xlsx_rows(file: IO[bytes]) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:
        raise UnreadableFile(_("Berkas XLSX tidak dapat dibaca.")) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()
