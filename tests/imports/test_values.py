"""Date, header and cell parsers: examples and hypothesis properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ejamkesda.jobs.importing.base import Column, ImportFileError
from ejamkesda.jobs.importing.headers import header_key, map_headers
from ejamkesda.jobs.importing.report import safe_cell
from ejamkesda.jobs.importing.values import (
    EXCEL_EPOCH,
    MONTH_NAMES_ID,
    cell_text,
    clean_text,
    digits,
    parse_date,
)

dates = st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07-03-1985", dt.date(1985, 3, 7)),
        ("7/3/1985", dt.date(1985, 3, 7)),
        ("07.03.1985", dt.date(1985, 3, 7)),
        ("1985-03-07", dt.date(1985, 3, 7)),
        ("1985-03-07 00:00:00", dt.date(1985, 3, 7)),
        ("1985-03-07T00:00:00", dt.date(1985, 3, 7)),
        ("7 Maret 1985", dt.date(1985, 3, 7)),
        ("07 MARET 1985", dt.date(1985, 3, 7)),
        ("7-Mar-1985", dt.date(1985, 3, 7)),
        ("17 Agustus 1945", dt.date(1945, 8, 17)),
        ("1 Nopember 2000", dt.date(2000, 11, 1)),
        ("19850307", dt.date(1985, 3, 7)),
        ("07031985", dt.date(1985, 3, 7)),
        ("31113", dt.date(1985, 3, 7)),  # Excel serial
        (31113, dt.date(1985, 3, 7)),
        (31113.0, dt.date(1985, 3, 7)),
        (dt.datetime(1985, 3, 7, 0, 0), dt.date(1985, 3, 7)),
        ("", None),
        (None, None),
    ],
)
def test_indonesian_date_forms(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31-02-1985", "tidak ada di kalender"),
        ("07-13-1985", "bulan 13"),
        ("07-03-85", "4 digit"),
        ("7 Marc 1985", "tidak dikenal"),
        ("kemarin", "tidak dikenal"),
        ("0", "bukan tanggal Excel"),
    ],
)
def test_bad_dates_say_why_in_indonesian(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date(text)


@given(dates)
def test_every_usual_form_round_trips(day):
    forms = [
        f"{day.day:02d}-{day.month:02d}-{day.year}",
        f"{day.day}/{day.month}/{day.year}",
        day.isoformat(),
        f"{day.day} {MONTH_NAMES_ID[day.month - 1]} {day.year}",
        f"{day.day:02d} {MONTH_NAMES_ID[day.month - 1].upper()[:3]} {day.year}",
        day.strftime("%Y%m%d"),
    ]
    for text in forms:
        assert parse_date(text) == day, text


@given(dates)
def test_excel_serial_round_trips(day):
    serial = (day - EXCEL_EPOCH).days
    assert parse_date(serial) == day
    assert parse_date(str(serial)) == day


@given(st.text(max_size=30))
def test_parse_date_never_crashes_other_than_value_error(text):
    try:
        parse_date(text)
    except ValueError as error:
        assert str(error)


COLUMNS = [
    Column("NIK", required=True),
    Column("TGL_LAHIR", ("TANGGAL_LAHIR", "TGL_LHR")),
    Column("NAMA", ("NAMA_LENGKAP",), required=True),
]


@given(
    st.sampled_from(["NIK", "TGL_LAHIR", "TANGGAL_LAHIR", "TGL_LHR", "NAMA", "NAMA_LENGKAP"]),
    st.lists(st.sampled_from([" ", "_", ".", "-", "/"]), max_size=3),
    st.booleans(),
)
def test_header_variants_map_to_the_same_column(alias, noise, lower):
    spelled = alias.replace("_", "".join(noise) or " ")
    spelled = f" {spelled.lower() if lower else spelled} "
    expected = {"TANGGAL_LAHIR": "TGL_LAHIR", "TGL_LHR": "TGL_LAHIR", "NAMA_LENGKAP": "NAMA"}.get(alias, alias)
    header = ["NIK", "NAMA"]
    if expected in ("NIK", "NAMA"):
        header[header.index(expected)] = spelled
    else:
        header.append(spelled)
    mapping = map_headers(header, COLUMNS)
    assert mapping.positions[expected] == header.index(spelled)


@given(st.text(max_size=20))
def test_header_key_is_alphanumeric_upper(text):
    key = header_key(text)
    assert key == key.upper()
    assert all(char.isascii() and char.isalnum() for char in key)


def test_missing_required_columns_are_named():
    with pytest.raises(ImportFileError, match="Kolom wajib tidak ditemukan: NAMA") as error:
        map_headers(["nik", "alamat"], COLUMNS)
    assert "alamat" in str(error.value)


def test_a_column_given_twice_is_refused():
    with pytest.raises(ImportFileError, match="lebih dari sekali"):
        map_headers(["NIK", "NAMA", "Tgl Lahir", "TANGGAL LAHIR"], COLUMNS)


def test_unknown_headers_are_reported_as_ignored():
    mapping = map_headers(["NIK", "NAMA", "Keterangan"], COLUMNS)
    assert mapping.ignored == ["Keterangan"]


@pytest.mark.parametrize("value", ["=1+1", "+62812", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_safe_cell_escapes_formulas(value):
    assert safe_cell(value) == "'" + value


@given(st.text(max_size=20))
def test_safe_cell_output_never_starts_a_formula(text):
    assert not safe_cell(text).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_text_cleaning():
    assert clean_text("  Siti   Aminah ", max_length=50, label="NAMA") == "Siti Aminah"
    with pytest.raises(ValueError, match="rumus"):
        clean_text('=HYPERLINK("http://x")', max_length=50, label="NAMA")
    with pytest.raises(ValueError, match="terlalu panjang"):
        clean_text("x" * 51, max_length=50, label="NAMA")
    assert digits("'0012", label="RT", max_length=4) == "0012"
    with pytest.raises(ValueError, match="hanya boleh berisi angka"):
        digits("12a", label="RT", max_length=3)
    assert cell_text(6409010101.0) == "6409010101"
