"""NIK (Nomor Induk Kependudukan) parsing.

Structure (docs/aturan.md): 16 digits = province (2) + regency (2) + district (2) +
birth date DDMMYY, with 40 added to the day for women + serial (4).

Errors (``InvalidNik``): wrong length, non-digits, province/regency/district code 00,
an impossible date (day 1–31 for men, 41–71 for women), serial 0000. A region code that
no longer exists is only a warning: regions split, NIKs stay.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Sex = Literal["L", "P"]


class InvalidNik(ValueError):
    """The NIK cannot be valid; the message says why, in Bahasa Indonesia."""


@dataclass(frozen=True, slots=True)
class ParsedNik:
    nik: str
    province_code: str  # "64"
    regency_code: str  # "64.09"
    district_code: str  # "64.09.01"
    birth_date: dt.date
    sex: Sex
    serial: str

    def mismatches(self, *, sex: str | None = None, birth_date: dt.date | None = None) -> list[str]:
        """What a record says that contradicts the NIK (messages in Bahasa Indonesia)."""
        problems = []
        if sex and sex.upper() != self.sex:
            problems.append(f"jenis kelamin {sex.upper()} tidak sesuai NIK ({self.sex})")
        if birth_date is not None and birth_date != self.birth_date:
            problems.append(f"tanggal lahir {birth_date:%d-%m-%Y} tidak sesuai NIK ({self.birth_date:%d-%m-%Y})")
        return problems


def _century(two_digit_year: int, today: dt.date) -> int:
    # A two-digit year later than this year belongs to the previous century.
    return 2000 + two_digit_year if 2000 + two_digit_year <= today.year else 1900 + two_digit_year


def parse_nik(text: str, *, today: dt.date | None = None) -> ParsedNik:
    """Parse and validate a NIK. Surrounding spaces are ignored; anything else is checked."""
    today = today or dt.date.today()
    nik = (text or "").strip()
    if not nik:
        raise InvalidNik("NIK kosong")
    if not nik.isascii() or not nik.isdigit():
        raise InvalidNik("NIK hanya boleh berisi angka")
    if len(nik) != 16:
        raise InvalidNik(f"NIK harus 16 digit, bukan {len(nik)}")
    province, regency, district = nik[0:2], nik[2:4], nik[4:6]
    if province == "00":
        raise InvalidNik("kode provinsi pada NIK tidak boleh 00")
    if regency == "00":
        raise InvalidNik("kode kabupaten/kota pada NIK tidak boleh 00")
    if district == "00":
        raise InvalidNik("kode kecamatan pada NIK tidak boleh 00")
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex: Sex = "L"
    if 41 <= day <= 71:
        sex, day = "P", day - 40
    elif not 1 <= day <= 31:
        raise InvalidNik(f"tanggal lahir pada NIK tidak mungkin: hari {nik[6:8]} (laki-laki 01–31, perempuan 41–71)")
    if not 1 <= month <= 12:
        raise InvalidNik(f"tanggal lahir pada NIK tidak mungkin: bulan {nik[8:10]}")
    try:
        birth_date = dt.date(_century(year, today), month, day)
    except ValueError:
        raise InvalidNik(f"tanggal lahir pada NIK tidak mungkin: {day:02d}-{month:02d}-{nik[10:12]}") from None
    if birth_date > today:
        raise InvalidNik("tanggal lahir pada NIK ada di masa depan")
    serial = nik[12:16]
    if serial == "0000":
        raise InvalidNik("nomor urut pada NIK tidak boleh 0000")
    return ParsedNik(
        nik=nik,
        province_code=province,
        regency_code=f"{province}.{regency}",
        district_code=f"{province}.{regency}.{district}",
        birth_date=birth_date,
        sex=sex,
        serial=serial,
    )


def nik_region_warning(parsed: ParsedNik, known_district_codes: set[str] | frozenset[str]) -> str | None:
    """A warning (not an error) when the NIK's district code is not a current region."""
    if parsed.district_code in known_district_codes:
        return None
    return f"kode wilayah {parsed.district_code} pada NIK tidak ada dalam data wilayah saat ini (mungkin pemekaran)"


def mask_nik(nik: str) -> str:
    """Show only the first four and last two digits: 6409**********12."""
    return nik[:4] + "*" * (len(nik) - 6) + nik[-2:] if len(nik) > 6 else "*" * len(nik)


def mask_name(name: str) -> str:
    """Masked name for public answers: 'SITI NURHALIZA' → 'SIT* NUR*******'.

    Each word keeps its first three letters (a one-to-three-letter word keeps its first);
    the rest becomes '*'.
    """
    words = []
    for word in name.upper().split():
        keep = 3 if len(word) > 3 else 1
        words.append(word[:keep] + "*" * (len(word) - keep))
    return " ".join(words)
