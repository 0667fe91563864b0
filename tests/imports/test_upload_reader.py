"""The one guarded reader for uploads parsed in a web request (bulk claims, tariffs,
attendance): adversarial files are refused before parsing, quickly, with a clear message."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from ejamkesda.jobs.importing.base import ImportFileError
from ejamkesda.jobs.importing.files import table_rows, upload_limits
from tests.imports.factories import write_huge_dimension_xlsx, write_xlsx, write_zip_bomb

CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def _many_rows_xlsx(rows: int) -> bytes:
    """A small (well compressed) XLSX whose sheet holds ``rows`` rows and says so."""
    body = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, rows + 1))
    sheet = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:A{rows}"/><sheetData>{body}</sheetData></worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def test_small_xlsx_with_200000_rows_is_refused_before_reading_a_row(monkeypatch):
    content = _many_rows_xlsx(200_000)
    assert len(content) < 2_000_000  # far below the upload byte limit

    def never(*args, **kwargs):
        raise AssertionError("the sheet was parsed")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    started = time.process_time()
    with pytest.raises(ImportFileError, match="200000 baris"):
        list(table_rows(io.BytesIO(content)))
    assert time.process_time() - started < 2.0


def test_upload_limits_are_small_and_follow_settings(settings):
    settings.UPLOAD_TABLE_MAX_ROWS = 7
    settings.UPLOAD_TABLE_MAX_MB = 1
    limits = upload_limits()
    assert (limits.max_rows, limits.max_bytes) == (7, 1024 * 1024)
    rows = "NIK\n" + "1\n" * 8
    with pytest.raises(ImportFileError, match="batas 7 baris"):
        list(table_rows(io.BytesIO(rows.encode())))
    with pytest.raises(ImportFileError, match="terlalu besar"):
        list(table_rows(io.BytesIO(b"a,b\n" + b"1,2\n" * 400_000)))


def test_zip_bomb_is_refused(tmp_path):
    path = write_zip_bomb(tmp_path / "bom.xlsx", megabytes=20)
    with pytest.raises(ImportFileError, match=r"zip bomb|terlalu besar"):
        list(table_rows(io.BytesIO(path.read_bytes())))


def test_too_many_columns(tmp_path):
    path = write_huge_dimension_xlsx(tmp_path / "lebar.xlsx", "A1:XFD10")
    with pytest.raises(ImportFileError, match="kolom"):
        list(table_rows(io.BytesIO(path.read_bytes())))
    wide = ",".join(f"k{i}" for i in range(500))
    with pytest.raises(ImportFileError, match="kolom"):
        list(table_rows(io.BytesIO(wide.encode())))


def test_bad_encoding_is_read_as_cp1252_binary_refused():
    rows = list(table_rows(io.BytesIO("kode;uraian\nA1;Pemeriksaan gigi \u2013 anak\n".encode("cp1252"))))
    assert rows == [["kode", "uraian"], ["A1", "Pemeriksaan gigi \u2013 anak"]]
    with pytest.raises(ImportFileError, match=r"biner|encoding"):
        list(table_rows(io.BytesIO(b"kode,uraian\n\x00\x01\x02,x\n")))


def test_semicolon_delimiter_and_xlsx_read_alike(tmp_path):
    semicolon = list(table_rows(io.BytesIO(b"kode;uraian;tarif\nRJ01;Rawat jalan;50000\n")))
    assert semicolon == [["kode", "uraian", "tarif"], ["RJ01", "Rawat jalan", "50000"]]
    path = write_xlsx(tmp_path / "t.xlsx", [["kode", "uraian", "tarif"], ["RJ01", "Rawat jalan", 50000]])
    assert list(table_rows(io.BytesIO(path.read_bytes()))) == [
        ["kode", "uraian", "tarif"],
        ["RJ01", "Rawat jalan", 50000],
    ]


def test_a_pdf_named_csv_is_refused():
    with pytest.raises(ImportFileError, match="PDF"):
        list(table_rows(io.BytesIO(b"%PDF-1.4 ...")))
