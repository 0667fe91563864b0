"""Tariff tables (docs/layanan-ppk-dan-verifikasi.md): rupiah amounts and which table is in force, pure Python.

A tariff table is the regency's tariff regulation as data: service codes with prices
and an effective-from date. Tables are versioned: a corrected re-import for the same
date gets a higher version and wins, earlier versions stay for the claims that used
them. No regional regulation fixes a price; the prices come from the imported regulation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


class InvalidAmount(ValueError):
    """Not a whole-rupiah amount; message in Bahasa Indonesia."""


_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+(,0+)?$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3})+(\.0+)?$")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# Larger than any tariff could be (a thousand trillion rupiah): a typo, not a price.
MAX_AMOUNT = 10**15


def parse_rupiah(value: object) -> int:
    """Whole rupiah from a cell: 150000, "150.000", "Rp 150.000,00", "150,000", Decimal.

    Cents other than zero and negative amounts are refused: tariffs are whole rupiah.
    """
    if isinstance(value, bool):
        raise InvalidAmount("tarif bukan angka")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float | Decimal):
        amount = Decimal(str(value))
    else:
        text = str(value or "").strip().upper().replace("RP", "").replace(" ", "").replace("\u00a0", "")
        if not text:
            raise InvalidAmount("tarif kosong")
        if _THOUSANDS_DOT.match(text):
            text = text.split(",")[0].replace(".", "")
        elif _THOUSANDS_COMMA.match(text):
            text = text.split(".")[0].replace(",", "")
        else:
            text = text.replace(",", ".")
        if not _PLAIN_NUMBER.match(text):
            raise InvalidAmount(f"tarif '{value}' bukan angka rupiah")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise InvalidAmount(f"tarif '{value}' bukan angka rupiah") from None
    if not amount.is_finite():
        raise InvalidAmount("tarif bukan angka")
    if amount < 0:
        raise InvalidAmount("tarif tidak boleh negatif")
    if amount > MAX_AMOUNT:
        raise InvalidAmount(f"tarif {value} terlalu besar")
    if amount != amount.to_integral_value():
        raise InvalidAmount(f"tarif {value} harus rupiah bulat")
    return int(amount)


def normalise_code(code: object) -> str:
    """Tariff codes compare upper-cased without surrounding spaces."""
    return " ".join(str(code or "").split()).upper()


@dataclass(frozen=True, slots=True)
class TableVersion:
    id: int
    effective_from: dt.date
    version: int


def table_in_force(tables: Iterable[TableVersion], on: dt.date) -> TableVersion | None:
    """The table that applies on ``on``: latest effective-from not after it, highest version."""
    candidates = [table for table in tables if table.effective_from <= on]
    if not candidates:
        return None
    return max(candidates, key=lambda table: (table.effective_from, table.version))


@dataclass(frozen=True, slots=True)
class TariffRow:
    row: int
    code: str
    description: str
    price: int


HEADER_ALIASES = {
    "code": ("kode", "kode_tarif", "kode tarif", "code"),
    "description": ("uraian", "nama", "nama_layanan", "nama layanan", "deskripsi", "description"),
    "price": ("tarif", "harga", "tarif_rp", "tarif (rp)", "price"),
}


def map_header(header: Sequence[object]) -> dict[str, int]:
    """Column index of code, description and price; raises ValueError naming what is missing."""
    names = [" ".join(str(cell or "").split()).lower() for cell in header]
    found: dict[str, int] = {}
    for key, aliases in HEADER_ALIASES.items():
        for index, name in enumerate(names):
            if name in aliases:
                found[key] = index
                break
    missing = [HEADER_ALIASES[key][0] for key in HEADER_ALIASES if key not in found]
    if missing:
        raise ValueError("kolom wajib tidak ada: " + ", ".join(missing))
    return found


def parse_tariff_rows(rows: Iterable[Sequence[object]]) -> tuple[list[TariffRow], list[str]]:
    """Rows (first one the header) → tariff rows and errors naming row and column.

    Row numbers count the header as row 1, as a spreadsheet shows them.
    """
    iterator = iter(rows)
    try:
        header = next(iterator)
    except StopIteration:
        return [], ["berkas kosong"]
    try:
        columns = map_header(header)
    except ValueError as exc:
        return [], [f"baris 1: {exc}"]
    result: list[TariffRow] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(iterator, start=2):
        cells = list(row)
        if not any(str(cell or "").strip() for cell in cells):
            continue

        def cell(key: str, cells: list[object] = cells) -> object:
            index = columns[key]
            return cells[index] if index < len(cells) else None

        code = normalise_code(cell("code"))
        if not code:
            errors.append(f"baris {number}, kolom kode: kode kosong")
            continue
        if len(code) > 30:
            errors.append(f"baris {number}, kolom kode: kode lebih dari 30 karakter")
            continue
        if code in seen:
            errors.append(f"baris {number}, kolom kode: kode {code} sudah ada di baris {seen[code]}")
            continue
        try:
            price = parse_rupiah(cell("price"))
        except InvalidAmount as exc:
            errors.append(f"baris {number}, kolom tarif: {exc}")
            continue
        seen[code] = number
        description = " ".join(str(cell("description") or "").split())[:300]
        result.append(TariffRow(row=number, code=code, description=description, price=price))
    return result, errors
