"""Numbers and rupiah written for the reader's language, everywhere the same way.

Pages use the template filters ``angka`` and ``rupiah`` (built in, no ``{% load %}``);
PDFs, notifications and exports call ``angka()``/``rupiah()`` here, with ``language`` when
the text is not for the active language. Bahasa Indonesia groups with "." (Rp 145.000),
English with "," (Rp 145,000), as Django's locale formats say. XLSX cells stay numbers:
give them ``XLSX_RUPIAH``/``XLSX_NUMBER`` as number format, never a formatted string.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from decimal import Decimal
from typing import Any

from django.utils import formats, translation

XLSX_NUMBER = "#,##0"
XLSX_RUPIAH = '"Rp" #,##0'
XLSX_DECIMAL = "#,##0.00"


def angka(value: Any, decimals: int | None = None, *, language: str | None = None) -> str:
    """``value`` grouped by thousands for ``language`` (default: the active one); text that is
    not a number is returned as it is, ``None`` as an empty string."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    try:
        number = value if isinstance(value, int | float | Decimal) else Decimal(str(value).strip())
    except (ArithmeticError, ValueError):
        return str(value)
    with translation.override(language or translation.get_language()):
        return formats.number_format(number, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def rupiah(value: Any, *, language: str | None = None) -> str:
    """ "Rp 145.000" (id) / "Rp 145,000" (en); a negative amount is "-Rp 145.000"."""
    text = angka(value, language=language)
    if not text or not text.lstrip("-")[:1].isdigit():
        return text
    if text.startswith("-"):
        return f"-Rp\N{NO-BREAK SPACE}{text[1:]}"
    return f"Rp\N{NO-BREAK SPACE}{text}"


def xlsx_number_format(value: Any, *, money: bool = False) -> str | None:
    """The number format of a spreadsheet cell holding ``value`` (None when not a number):
    the reader's spreadsheet then groups digits the way its own language does."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    if money:
        return XLSX_RUPIAH
    return XLSX_NUMBER if value == int(value) else XLSX_DECIMAL


def xlsx_format_numbers(rows: Iterable[Iterable[Any]], *, money_columns: Container[int] = ()) -> None:
    """Give every numeric cell of ``rows`` (openpyxl cells, e.g. ``sheet.iter_rows(min_row=…)``)
    its number format; columns in ``money_columns`` (0-based) as rupiah."""
    for row in rows:
        for index, cell in enumerate(row):
            number_format = xlsx_number_format(cell.value, money=index in money_columns)
            if number_format:
                cell.number_format = number_format
