"""Helpers that write import files (CSV in any encoding/delimiter, XLSX, hostile zips)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl

from tests.factories import make_nik

HEADER = ["NIK", "NO_KK", "NAMA", "JK", "TGL_LAHIR", "ALAMAT", "RT", "RW", "KODE_DESA", "NO_KARTU", "SEGMEN",
          "KELAS", "STATUS"]  # fmt: skip


def person_row(n: int, **overrides: Any) -> dict[str, Any]:
    sex = "P" if n % 2 else "L"
    born = dt.date(1980, 1, 1) + dt.timedelta(days=n * 37 % 9000)
    row = {
        "NIK": make_nik(birth_date=born, sex=sex, serial=n + 1),
        "NO_KK": f"640901010120{n:04d}",
        "NAMA": f"Warga Impor {n}",
        "JK": sex,
        "TGL_LAHIR": born.strftime("%d-%m-%Y"),
        "ALAMAT": f"Jl. Uji {n}",
        "RT": "1",
        "RW": "2",
        "KODE_DESA": "6409012001",
        "NO_KARTU": f"{n:013d}",
        "SEGMEN": "PBPU/BP Pemda",
        "KELAS": "3",
        "STATUS": "AKTIF",
    }
    row.update(overrides)
    return row


def write_csv(
    path: Path,
    rows: list[dict[str, Any]],
    *,
    header: list[str] | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    header = header or list(rows[0]) if rows else (header or HEADER)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_zip_bomb(path: Path, megabytes: int = 50) -> Path:
    """A valid-looking XLSX whose sheet expands to ``megabytes`` of zeros."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"0" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(block)
    return path


def write_huge_dimension_xlsx(path: Path, ref: str = "A1:XFD1048576") -> Path:
    """A small file whose sheet declares a gigantic used range."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{ref}"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>NIK</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path
