"""Hostile and odd files: type by content, encodings, delimiters, zip bombs, huge sheets."""

from __future__ import annotations

import codecs

import pytest

from ejamkesda.jobs.importing.base import ImportFileError
from ejamkesda.jobs.importing.files import check_xlsx, detect_encoding, open_table
from tests.imports.factories import write_huge_dimension_xlsx, write_xlsx, write_zip_bomb

ROWS = "NIK;NAMA;ALAMAT\r\n6409010703850001;Budi Santoso;Jl. Mawar\r\n"


def rows_of(path):
    table = open_table(path)
    return table, list(table.rows)


def test_utf8_with_bom_and_semicolons(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(codecs.BOM_UTF8 + ROWS.encode())
    table, rows = rows_of(path)
    assert table.encoding == "utf-8-sig"
    assert table.delimiter == ";"
    assert table.header == ["NIK", "NAMA", "ALAMAT"]  # the BOM is not part of the first header
    assert rows == [(2, ["6409010703850001", "Budi Santoso", "Jl. Mawar"])]


def test_tab_separated(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ROWS.replace(";", "\t"), encoding="utf-8")
    table, rows = rows_of(path)
    assert table.delimiter == "\t"
    assert rows[0][1][1] == "Budi Santoso"


def test_quoted_commas_do_not_fool_the_sniffer(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('NIK;"NAMA, LENGKAP";ALAMAT\r\n1;"A, B";C\r\n', encoding="utf-8")
    table, rows = rows_of(path)
    assert table.delimiter == ";"
    assert rows[0][1] == ["1", "A, B", "C"]


def test_cp1252_fallback_keeps_accents(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("NIK;NAMA\r\n1;Andr\u00e9 \u201cAde\u201d\r\n".encode("cp1252"))
    table, rows = rows_of(path)
    assert table.encoding == "cp1252"
    assert rows[0][1][1] == "Andr\u00e9 \u201cAde\u201d"


def test_latin1_when_not_even_cp1252(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"NIK;NAMA\r\n1;X\x81Y\xe9\r\n")  # 0x81 is undefined in cp1252
    assert detect_encoding(path) == "latin-1"
    _, rows = rows_of(path)
    assert rows[0][1][1] == "X\x81Y\u00e9"


def test_invalid_utf8_late_in_file_is_detected(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(("NIK;NAMA\r\n" + "1;Budi\r\n" * 200_000).encode() + b"2;Jos\xe9\r\n")
    assert detect_encoding(path) == "cp1252"


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(ROWS.encode("utf-16"))
    _, rows = rows_of(path)
    assert rows[0][1][1] == "Budi Santoso"


def test_utf16_without_bom_is_refused_clearly(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(ROWS.encode("utf-16-le"))
    with pytest.raises(ImportFileError, match="encoding yang tidak dikenali"):
        open_table(path)


def test_empty_file(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"")
    with pytest.raises(ImportFileError, match="kosong"):
        open_table(path)


def test_blank_lines_only(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("\r\n\r\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="judul kolom"):
        open_table(path)


def test_blank_rows_are_skipped_but_numbering_follows_the_sheet(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("NIK,NAMA\r\n1,A\r\n,\r\n2,B\r\n", encoding="utf-8")
    _, rows = rows_of(path)
    assert [number for number, _ in rows] == [2, 4]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7 ...", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        (b"\x89PNG\r\n\x1a\n", "gambar"),
        (b"\x1f\x8b\x08\x00", "gzip"),
    ],
)
def test_wrong_type_is_detected_by_content_not_name(tmp_path, content, message):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        open_table(path)


def test_xlsx_named_file_that_is_really_csv_is_read_as_csv(tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_text(ROWS, encoding="utf-8")
    table, rows = rows_of(path)
    assert table.kind == "csv"
    assert rows[0][1][0] == "6409010703850001"


def test_real_xlsx_is_streamed_with_types(tmp_path):
    import datetime as dt

    path = write_xlsx(
        tmp_path / "a.bin", [["NIK", "NAMA", "TGL"], ["6409010703850001", "Budi", dt.datetime(1985, 3, 7)]]
    )
    table, rows = rows_of(path)
    assert table.kind == "xlsx"
    assert table.header == ["NIK", "NAMA", "TGL"]
    assert rows == [(2, ["6409010703850001", "Budi", dt.datetime(1985, 3, 7)])]


def test_zip_that_is_not_xlsx(tmp_path):
    import zipfile

    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ImportFileError, match="bukan XLSX"):
        open_table(path)


def test_zip_bomb_is_refused_before_reading(tmp_path):
    path = write_zip_bomb(tmp_path / "bom.xlsx", megabytes=20)
    assert path.stat().st_size < 200_000
    with pytest.raises(ImportFileError, match="zip bomb"):
        check_xlsx(path)


def test_too_big_uncompressed_is_refused(tmp_path, settings):
    settings.IMPORT_XLSX_MAX_UNCOMPRESSED_MB = 0
    path = write_xlsx(tmp_path / "a.xlsx", [["NIK", "NAMA"], *[[str(i), "x" * 50] for i in range(100)]])
    with pytest.raises(ImportFileError, match="terlalu besar"):
        open_table(path)


@pytest.mark.parametrize(("ref", "message"), [("A1:XFD10", "kolom"), ("A1:C5000000", "baris")])
def test_huge_declared_dimensions_are_refused(tmp_path, ref, message):
    path = write_huge_dimension_xlsx(tmp_path / "big.xlsx", ref)
    with pytest.raises(ImportFileError, match=message):
        open_table(path)


def test_broken_xlsx(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"garbage" * 10)
    with pytest.raises(ImportFileError, match="rusak"):
        open_table(path)


def test_too_many_rows(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 3
    path = tmp_path / "a.csv"
    path.write_text("NIK\r\n" + "1\r\n" * 5, encoding="utf-8")
    with pytest.raises(ImportFileError, match="batas"):
        list(open_table(path).rows)
