"""Roster (CSV or XLSX, read by the guarded reader) for jasa pelayanan (command line: docs/jasa-pelayanan.md).

Columns: id, nama, jenis_tenaga, pendidikan, mulai_kerja (YYYY-MM-DD), rangkap (roles
separated by ';'), status (pns|cpns|pppk|kontrak), golongan, hari_hadir, hari_izin,
menit_terlambat, skp, pemegang_program_jkn (0|1); optional selesai_kerja and berlaku_mulai
(YYYY-MM-DD). A bad value raises :class:`RosterError`
naming the row (line number in the file, header = 1) and the column.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from ejamkesda.rules.jaspel import StaffInput
from ejamkesda.rules.profile import JENIS_TENAGA, RANGKAP, STATUS

COLUMNS: tuple[str, ...] = (
    "id",
    "nama",
    "jenis_tenaga",
    "pendidikan",
    "mulai_kerja",
    "rangkap",
    "status",
    "golongan",
    "hari_hadir",
    "hari_izin",
    "menit_terlambat",
    "skp",
    "pemegang_program_jkn",
)
# Optional: last day employed (multi-month runs) and from which date the row's attributes hold
# (roster import into the staff history).
OPTIONAL_COLUMNS: tuple[str, ...] = ("selesai_kerja", "berlaku_mulai")
REQUIRED: frozenset[str] = frozenset({"id", "nama", "jenis_tenaga", "mulai_kerja", "status"})


class RosterError(ValueError):
    def __init__(self, row: int, column: str, message: str):
        self.row, self.column = row, column
        super().__init__(f"Baris {row}, kolom '{column}': {message}")


def _int(value: str, row: int, column: str, maximum: int) -> int:
    value = value.strip()
    if not value:
        return 0
    if not value.isdigit():
        raise RosterError(row, column, f"'{value}' harus bilangan bulat 0 atau lebih.")
    number = int(value)
    if number > maximum:
        raise RosterError(row, column, f"{number} melebihi batas {maximum}.")
    return number


def _date(value: str, row: int, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RosterError(row, column, f"'{value}' bukan tanggal YYYY-MM-DD.") from None


def _jenis(value: str, row: int) -> str:
    if value not in JENIS_TENAGA:
        raise RosterError(row, "jenis_tenaga", f"'{value}' tidak dikenal; pilih salah satu: {', '.join(JENIS_TENAGA)}.")
    return value


def _status(value: str, row: int) -> str:
    status = value.lower()
    if status not in STATUS:
        raise RosterError(row, "status", f"'{status}' tidak dikenal; pilih salah satu: {', '.join(STATUS)}.")
    return status


def _roles(value: str, row: int) -> tuple[str, ...]:
    roles = tuple(role.strip().lower() for role in value.split(";") if role.strip())
    for role in roles:
        if role not in RANGKAP:
            raise RosterError(
                row, "rangkap", f"'{role}' tidak dikenal; pilih: {', '.join(RANGKAP)} (pisahkan dengan ;)."
            )
    return roles


def _skp(value: str, row: int) -> Decimal | None:
    if not value:
        return None
    try:
        skp = Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise RosterError(row, "skp", f"'{value}' bukan angka persen.") from None
    if not skp.is_finite() or skp < 0 or skp > 1000:
        raise RosterError(row, "skp", "harus antara 0 dan 1000 persen.")
    return skp


def _jkn(value: str, row: int) -> bool:
    if (value or "0") not in ("0", "1"):
        raise RosterError(row, "pemegang_program_jkn", "harus 0 atau 1.")
    return value == "1"


def _attendance(cell: Callable[[str], str], row: int) -> dict[str, Any]:
    return {
        "hari_hadir": _int(cell("hari_hadir"), row, "hari_hadir", 400),
        "hari_izin": _int(cell("hari_izin"), row, "hari_izin", 400),
        "menit_terlambat": _int(cell("menit_terlambat"), row, "menit_terlambat", 10_000_000),
        "skp": _skp(cell("skp"), row),
    }


def staff_from_mapping(record: Mapping[str, str], row: int) -> StaffInput:
    def cell(column: str) -> str:
        return (record.get(column) or "").strip()

    for column in REQUIRED:
        if not cell(column):
            raise RosterError(row, column, "wajib diisi.")
    start = _date(cell("mulai_kerja"), row, "mulai_kerja")
    end = _date(cell("selesai_kerja"), row, "selesai_kerja") if cell("selesai_kerja") else None
    if end is not None and end < start:
        raise RosterError(row, "selesai_kerja", "tidak boleh sebelum mulai_kerja.")
    return StaffInput(
        id=cell("id"),
        nama=cell("nama"),
        jenis_tenaga=_jenis(cell("jenis_tenaga"), row),
        pendidikan=cell("pendidikan"),
        mulai_kerja=start,
        rangkap=_roles(cell("rangkap"), row),
        status=_status(cell("status"), row),
        golongan=cell("golongan"),
        program_jkn=_jkn(cell("pemegang_program_jkn"), row),
        selesai_kerja=end,
        berlaku_mulai=_date(cell("berlaku_mulai"), row, "berlaku_mulai") if cell("berlaku_mulai") else None,
        **_attendance(cell, row),
    )


def _text(value: object) -> str:
    """A cell as text: spreadsheet dates as YYYY-MM-DD, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _column(name: object) -> str:
    """A header cell as a column name: "Berlaku mulai" → ``berlaku_mulai``."""
    return "_".join(_text(name).strip().lower().split())


def parse_roster(header: Sequence[object], rows: Iterable[tuple[int, Sequence[object]]]) -> list[StaffInput]:
    """Staff from rows already read (the header, then ``(row_number, cells)``).

    Files are read by the guarded reader (``ejamkesda.jobs.importing.files``); this rule
    takes rows, not files.
    """
    names = [_column(name) for name in header]
    missing = [column for column in REQUIRED if column not in names]
    if missing:
        raise RosterError(1, sorted(missing)[0], "kolom wajib tidak ada di baris judul.")
    staff: list[StaffInput] = []
    seen: set[str] = set()
    for row, cells in rows:
        record = {name: _text(value) for name, value in zip(names, cells, strict=False)}
        person = staff_from_mapping(record, row)
        if person.id in seen:
            raise RosterError(row, "id", f"ID '{person.id}' sudah dipakai baris sebelumnya.")
        seen.add(person.id)
        staff.append(person)
    return staff


# --- attendance by month (multi-month runs) -------------------------------------------------

MONTH_COLUMNS: tuple[str, ...] = ("id", "bulan", "hari_hadir", "hari_izin", "menit_terlambat", "skp")
# Filled in, these hold for that month only, over the roster's value.
MONTH_OVERRIDES: tuple[str, ...] = ("status", "golongan", "rangkap", "jenis_tenaga", "pemegang_program_jkn")


def _month(value: str, row: int) -> dt.date:
    try:
        year, month = (int(part) for part in value.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise RosterError(row, "bulan", f"'{value}' bukan bulan YYYY-MM.") from None


def _month_end(month: dt.date) -> dt.date:
    following = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def employed_in(person: StaffInput, month: dt.date) -> bool:
    """Employed on at least one day of ``month`` (first day of the month)."""
    return person.mulai_kerja <= _month_end(month) and (person.selesai_kerja is None or person.selesai_kerja >= month)


def _overrides(cell: Callable[[str], str], row: int) -> dict[str, Any]:
    parsers: dict[str, Callable[[str], Any]] = {
        "status": lambda value: _status(value, row),
        "golongan": lambda value: value,
        "rangkap": lambda value: _roles(value, row),
        "jenis_tenaga": lambda value: _jenis(value, row),
        "pemegang_program_jkn": lambda value: _jkn(value, row),
    }
    changes = {column: parser(cell(column)) for column, parser in parsers.items() if cell(column)}
    if "pemegang_program_jkn" in changes:
        changes["program_jkn"] = changes.pop("pemegang_program_jkn")
    return changes


def parse_attendance_months(
    header: Sequence[object],
    rows: Iterable[tuple[int, Sequence[object]]],
    *,
    staff: Sequence[StaffInput],
    months: Sequence[dt.date],
) -> list[tuple[str, str, tuple[StaffInput | None, ...]]]:
    """Per person of the roster: (id, name, that person's input for each month, ``None``
    where not employed). One row per person and month; a person with no row for a month
    has no attendance that month. Any bad row raises :class:`RosterError` before anything
    is computed.
    """
    names = [_column(name) for name in header]
    missing = [column for column in ("id", "bulan") if column not in names]
    if missing:
        raise RosterError(1, missing[0], "kolom wajib tidak ada di baris judul.")
    by_id = {person.id: person for person in staff}
    index = {month: position for position, month in enumerate(months)}
    filled: dict[tuple[str, dt.date], StaffInput] = {}
    for row, cells in rows:
        record = {name: _text(value) for name, value in zip(names, cells, strict=False)}

        def cell(column: str, record: dict[str, str] = record) -> str:
            return (record.get(column) or "").strip()

        person = by_id.get(cell("id"))
        if person is None:
            raise RosterError(row, "id", f"ID '{cell('id')}' tidak ada di roster.")
        month = _month(cell("bulan"), row)
        if month not in index:
            raise RosterError(
                row, "bulan", f"{month:%Y-%m} di luar rentang {months[0]:%Y-%m} sampai {months[-1]:%Y-%m}."
            )
        if (person.id, month) in filled:
            raise RosterError(row, "id", f"ID '{person.id}' sudah punya baris untuk bulan {month:%Y-%m}.")
        attendance = _attendance(cell, row)
        worked = attendance["hari_hadir"] or attendance["hari_izin"] or attendance["menit_terlambat"]
        if worked and not employed_in(person, month):
            when = (
                f"setelah selesai_kerja {person.selesai_kerja:%Y-%m-%d}"
                if person.selesai_kerja is not None and month > person.selesai_kerja
                else f"sebelum mulai_kerja {person.mulai_kerja:%Y-%m-%d}"
            )
            raise RosterError(row, "bulan", f"{month:%Y-%m} {when}, tetapi ada kehadiran.")
        filled[(person.id, month)] = dataclasses.replace(person, **attendance, **_overrides(cell, row))
    result = []
    for person in staff:
        blank = dataclasses.replace(person, hari_hadir=0, hari_izin=0, menit_terlambat=0, skp=None)
        inputs = tuple(
            filled.get((person.id, month), blank) if employed_in(person, month) else None for month in months
        )
        if any(item is not None for item in inputs):  # worked at least one month of the range
            result.append((person.id, person.nama, inputs))
    return result
