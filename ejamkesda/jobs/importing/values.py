"""Cell values as Indonesian offices write them. Each parser raises ``ValueError`` with a
reason in Bahasa Indonesia; the runner turns it into a row error.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

MONTHS = {
    # Indonesian, full and short, and English forms exported by spreadsheets
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "pebruari": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nop": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip
MONTH_NAMES_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug absorbed)
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}[:.]\d{2}([:.]\d{2}(\.\d+)?)?\s*$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_NAMED = re.compile(r"^(\d{1,2})[\s\-/.]+([A-Za-z]+)\.?[\s\-/.,]+(\d{4})$")
_SERIAL = re.compile(r"^\d{1,5}(\.0+)?$")
_COMPACT = re.compile(r"^\d{8}$")
FORMULA_PREFIXES = ("=", "+", "-", "@")


def _make(year: int, month: int, day: int, text: str) -> dt.date:
    if not 1 <= month <= 12:
        raise ValueError(f"bulan {month} tidak ada pada tanggal '{text}'")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"tanggal '{text}' tidak ada di kalender") from None


def excel_serial_to_date(serial: float) -> dt.date:
    if not 1 <= serial < 2958466:
        raise ValueError(f"angka {serial:g} bukan tanggal Excel yang sah")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_date(value: Any) -> dt.date | None:
    """A date from the usual Indonesian forms; ``None`` for an empty cell.

    Accepted: DD-MM-YYYY, DD/MM/YYYY, DD.MM.YYYY, YYYY-MM-DD (optionally with a time),
    "7 Maret 1985", "07-Mar-1985", YYYYMMDD, and Excel serial numbers (e.g. 31113).
    Two-digit years are refused: 01-02-03 has no single meaning.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError("bukan tanggal")
    if isinstance(value, int | float):
        return excel_serial_to_date(float(value))
    text = str(value).strip()
    if not text:
        return None
    text = _TIME_SUFFIX.sub("", text).strip()
    if match := _DMY.match(text):
        return _make(int(match.group(3)), int(match.group(2)), int(match.group(1)), text)
    if match := _YMD.match(text):
        return _make(int(match.group(1)), int(match.group(2)), int(match.group(3)), text)
    if match := _NAMED.match(text):
        month = MONTHS.get(match.group(2).lower())
        if month is None:
            raise ValueError(f"nama bulan '{match.group(2)}' tidak dikenal")
        return _make(int(match.group(3)), month, int(match.group(1)), text)
    if _COMPACT.match(text):
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
        if 1900 <= year <= 2100 and 1 <= month <= 12:
            return _make(year, month, day, text)
        return _make(int(text[4:]), int(text[2:4]), int(text[:2]), text)  # DDMMYYYY
    if _SERIAL.match(text):
        return excel_serial_to_date(float(text))
    if re.match(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2}$", text):
        raise ValueError(f"tahun pada tanggal '{text}' harus 4 digit")
    raise ValueError(f"format tanggal '{text}' tidak dikenal (contoh yang benar: 07-03-1985 atau 7 Maret 1985)")


def cell_text(value: Any) -> str:
    """A cell as trimmed text; whole numbers from spreadsheets lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def looks_like_formula(text: str) -> bool:
    """Text that a spreadsheet would run as a formula (CSV/formula injection)."""
    return bool(text) and text[0] in FORMULA_PREFIXES


def clean_text(value: Any, *, max_length: int, label: str) -> str:
    """Free text (names, addresses): single-spaced, length-checked, formulas refused."""
    text = " ".join(cell_text(value).split())
    if looks_like_formula(text):
        raise ValueError(f"{label} tidak boleh diawali tanda = + - @ (dianggap rumus spreadsheet)")
    if len(text) > max_length:
        raise ValueError(f"{label} terlalu panjang ({len(text)} karakter, paling banyak {max_length})")
    return text


def digits(value: Any, *, label: str, max_length: int, exact: int | None = None) -> str:
    """A code made only of digits (KK, RT, card number); leading apostrophes from Excel dropped."""
    text = cell_text(value).lstrip("'").replace(" ", "")
    if not text:
        return ""
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"{label} hanya boleh berisi angka")
    if exact is not None and len(text) != exact:
        raise ValueError(f"{label} harus {exact} digit, bukan {len(text)}")
    if len(text) > max_length:
        raise ValueError(f"{label} paling banyak {max_length} digit")
    return text


def choice(value: Any, table: dict[str, str], *, label: str) -> str:
    """Map a free-form label to a code through ``table`` (keys compared without case/punctuation)."""
    text = cell_text(value)
    if not text:
        return ""
    key = re.sub(r"[^A-Z0-9]", "", text.upper())
    if key in table:
        return table[key]
    raise ValueError(f"{label} '{text[:40]}' tidak dikenal")
