"""Roster (CSV or XLSX, read by the guarded reader) for jasa pelayanan (command line: docs/jasa-pelayanan.md).

Columns: id, nama, jenis_tenaga, pendidikan, mulai_kerja (YYYY-MM-DD), rangkap (roles
separated by ';'), status (pns|cpns|pppk|kontrak), golongan, hari_hadir, hari_izin,
menit_terlambat, skp, pemegang_program_jkn (0|1). A bad value raises :class:`RosterError`
naming the row (line number in the file, header = 1) and the column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

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


def staff_from_mapping(record: Mapping[str, str], row: int) -> StaffInput:
    def cell(column: str) -> str:
        return (record.get(column) or "").strip()

    for column in REQUIRED:
        if not cell(column):
            raise RosterError(row, column, "wajib diisi.")
    jenis = cell("jenis_tenaga")
    if jenis not in JENIS_TENAGA:
        raise RosterError(row, "jenis_tenaga", f"'{jenis}' tidak dikenal; pilih salah satu: {', '.join(JENIS_TENAGA)}.")
    try:
        start = dt.date.fromisoformat(cell("mulai_kerja"))
    except ValueError:
        raise RosterError(row, "mulai_kerja", f"'{cell('mulai_kerja')}' bukan tanggal YYYY-MM-DD.") from None
    status = cell("status").lower()
    if status not in STATUS:
        raise RosterError(row, "status", f"'{status}' tidak dikenal; pilih salah satu: {', '.join(STATUS)}.")
    roles = tuple(role.strip().lower() for role in cell("rangkap").split(";") if role.strip())
    for role in roles:
        if role not in RANGKAP:
            raise RosterError(
                row, "rangkap", f"'{role}' tidak dikenal; pilih: {', '.join(RANGKAP)} (pisahkan dengan ;)."
            )
    skp: Decimal | None = None
    if cell("skp"):
        try:
            skp = Decimal(cell("skp").replace(",", "."))
        except InvalidOperation:
            raise RosterError(row, "skp", f"'{cell('skp')}' bukan angka persen.") from None
        if not skp.is_finite() or skp < 0 or skp > 1000:
            raise RosterError(row, "skp", "harus antara 0 dan 1000 persen.")
    jkn = cell("pemegang_program_jkn") or "0"
    if jkn not in ("0", "1"):
        raise RosterError(row, "pemegang_program_jkn", "harus 0 atau 1.")
    return StaffInput(
        id=cell("id"),
        nama=cell("nama"),
        jenis_tenaga=jenis,
        pendidikan=cell("pendidikan"),
        mulai_kerja=start,
        rangkap=roles,
        status=status,
        golongan=cell("golongan"),
        hari_hadir=_int(cell("hari_hadir"), row, "hari_hadir", 400),
        hari_izin=_int(cell("hari_izin"), row, "hari_izin", 400),
        menit_terlambat=_int(cell("menit_terlambat"), row, "menit_terlambat", 10_000_000),
        skp=skp,
        program_jkn=jkn == "1",
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


def parse_roster(header: Sequence[object], rows: Iterable[tuple[int, Sequence[object]]]) -> list[StaffInput]:
    """Staff from rows already read (the header, then ``(row_number, cells)``).

    Files are read by the guarded reader (``ejamkesda.jobs.importing.files``); this rule
    takes rows, not files.
    """
    names = [_text(name).strip() for name in header]
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
