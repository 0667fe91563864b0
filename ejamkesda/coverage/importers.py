"""Row parsers of the coverage snapshots: one builder per kind turns a row (a dict keyed by
column name; any alias in ``ALIASES`` is understood) into ``(key, unsaved record)`` or
raises ``RowInvalid`` naming the column, in Bahasa Indonesia, never quoting a NIK.

The import loop itself is the shared one (``ejamkesda.jobs``): see ``coverage.importing``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models

from ejamkesda.coverage.models import (
    MembershipRecord,
    PopulationRecord,
    SectorEntry,
    SnapshotKind,
    WelfareRecord,
)
from ejamkesda.participants.models import MembershipStatus, Segment
from ejamkesda.regions.models import Region
from ejamkesda.rules.nik import InvalidNik, parse_nik


class RowInvalid(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


ALIASES = {
    "nik": ("nik", "no_nik", "nomor_induk_kependudukan"),
    "kk": ("no_kk", "kk", "nomor_kk", "nkk"),
    "nama": ("nama", "nama_lengkap", "nama_peserta"),
    "jenis_kelamin": ("jenis_kelamin", "jk", "sex"),
    "tempat_lahir": ("tempat_lahir",),
    "tgl_lahir": ("tgl_lahir", "tanggal_lahir"),
    "alamat": ("alamat",),
    "rt": ("rt",),
    "rw": ("rw",),
    "kode_desa": ("kode_desa", "kode_kelurahan", "kode_wilayah"),
    "no_kartu": ("no_kartu", "nomor_kartu", "noka", "no_kartu_jkn"),
    "segmen": ("segmen", "segmen_peserta", "jenis_peserta"),
    "kelas": ("kelas", "kelas_rawat", "hak_kelas"),
    "status": ("status", "status_peserta", "status_kepesertaan"),
    "kode_faskes": ("kode_faskes", "faskes_tingkat_pertama", "kode_fktp", "ppk_umum"),
    "desil": ("desil", "desil_kesejahteraan"),
    "unit": ("unit", "unit_kerja", "tempat_kerja", "sekolah", "instansi"),
}


def value(row: dict[str, Any], key: str) -> str:
    for alias in ALIASES.get(key, (key,)):
        if alias in row and row[alias] is not None:
            raw = row[alias]
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)
            return str(raw).strip()
    return ""


def parse_date(raw: Any, column: str, *, required: bool = True) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw or "").strip()
    if not text:
        if required:
            raise RowInvalid(column, f"kolom {column} wajib diisi")
        return None
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RowInvalid(column, f"kolom {column} bukan tanggal yang sah (gunakan TTTT-BB-HH)")


def dotted_village(code: str) -> str:
    digits = code.replace(".", "").strip()
    if len(digits) != 10 or not digits.isdigit():
        raise RowInvalid("kode_desa", "kode_desa harus 10 digit kode Kemendagri, mis. 64.09.01.2001")
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"


def required_nik(row: dict[str, Any]) -> str:
    try:
        return parse_nik(value(row, "nik")).nik
    except InvalidNik as error:
        raise RowInvalid("nik", str(error)) from None


SEGMENT_WORDS = [
    (("PBI APBD", "PEMDA", "PD PEMDA"), Segment.PBPU_BP_PEMDA),
    (("PBI",), Segment.PBI_APBN),
    (("PPU", "PENERIMA UPAH"), Segment.PPU),
    (("PBPU", "MANDIRI", "BUKAN PENERIMA UPAH"), Segment.PBPU),
    (("BP", "BUKAN PEKERJA"), Segment.BP),
]
STATUS_WORDS = {
    "AKTIF": MembershipStatus.ACTIVE,
    "TIDAK AKTIF": MembershipStatus.INACTIVE,
    "NONAKTIF": MembershipStatus.INACTIVE,
    "NON AKTIF": MembershipStatus.INACTIVE,
    "MENUNGGAK": MembershipStatus.ARREARS,
    "TUNGGAKAN": MembershipStatus.ARREARS,
    "DITANGGUHKAN": MembershipStatus.SUSPENDED,
    "BERAKHIR": MembershipStatus.ENDED,
    "MENINGGAL": MembershipStatus.ENDED,
}


def parse_segment(text: str) -> str:
    upper = " ".join(text.upper().replace("/", " ").replace("_", " ").split())
    if upper.lower() in Segment.values:
        return upper.lower()
    if upper.replace(" ", "_").lower() in Segment.values:
        return upper.replace(" ", "_").lower()
    for words, segment in SEGMENT_WORDS:
        if any(word in upper for word in words):
            return str(segment)
    raise RowInvalid("segmen", "segmen tidak dikenal (PBI APBN, PBPU/BP Pemda, PPU, PBPU, BP)")


def parse_status(text: str) -> str:
    upper = " ".join(text.upper().replace("_", " ").split())
    if upper.lower() in MembershipStatus.values:
        return upper.lower()
    if upper in STATUS_WORDS:
        return str(STATUS_WORDS[upper])
    raise RowInvalid("status", "status tidak dikenal (AKTIF, TIDAK AKTIF, MENUNGGAK, DITANGGUHKAN, BERAKHIR)")


@dataclass
class Context:
    villages: frozenset[str] = frozenset()


def build_population(row: dict[str, Any], ctx: Context) -> tuple[str, models.Model]:
    nik = required_nik(row)
    name = value(row, "nama")
    if not name:
        raise RowInvalid("nama", "kolom nama wajib diisi")
    sex = value(row, "jenis_kelamin").upper()[:1]
    if sex not in {"L", "P"}:
        raise RowInvalid("jenis_kelamin", "jenis_kelamin harus L atau P")
    village = dotted_village(value(row, "kode_desa"))
    if village not in ctx.villages:
        raise RowInvalid("kode_desa", f"kode_desa {village} bukan desa/kelurahan di kabupaten ini")
    kk = value(row, "kk")
    if kk and (len(kk) != 16 or not kk.isdigit()):
        raise RowInvalid("no_kk", "nomor KK harus 16 digit angka")
    return nik, PopulationRecord(
        nik=nik,
        kk_number=kk,
        name=name[:150],
        sex=sex,
        birth_place=value(row, "tempat_lahir")[:100],
        birth_date=parse_date(_raw(row, "tgl_lahir"), "tgl_lahir"),
        address=value(row, "alamat")[:300],
        rt=value(row, "rt")[:3],
        rw=value(row, "rw")[:3],
        village_code=village,
        district_code=village[:8],
    )


def _raw(row: dict[str, Any], key: str) -> Any:
    for alias in ALIASES.get(key, (key,)):
        if alias in row:
            return row[alias]
    return None


def build_membership(row: dict[str, Any], ctx: Context) -> tuple[str, models.Model]:
    card = value(row, "no_kartu")
    if not card or not card.isdigit() or len(card) > 20:
        raise RowInvalid("no_kartu", "no_kartu wajib diisi, berupa angka (maks. 20 digit)")
    raw_nik = value(row, "nik")
    try:
        nik = parse_nik(raw_nik).nik if raw_nik else ""
    except InvalidNik:
        nik = ""  # a mistyped NIK is kept out of the exact join; matching may still link the card
    class_text = value(row, "kelas")
    care_class = None
    if class_text:
        digits = "".join(ch for ch in class_text if ch.isdigit())
        roman = class_text.upper().replace("KELAS", "").strip()
        digits = digits or {"I": "1", "II": "2", "III": "3"}.get(roman, "")
        if digits not in {"1", "2", "3"}:
            raise RowInvalid("kelas", "kelas harus 1, 2 atau 3")
        care_class = int(digits)
    name = value(row, "nama")
    if not name:
        raise RowInvalid("nama", "kolom nama wajib diisi")
    return card, MembershipRecord(
        card_number=card,
        nik=nik,
        reported_nik=raw_nik[:32],
        name=name[:150],
        birth_date=parse_date(_raw(row, "tgl_lahir"), "tgl_lahir", required=False),
        segment=parse_segment(value(row, "segmen")),
        care_class=care_class,
        status=parse_status(value(row, "status")),
        provider_code=value(row, "kode_faskes")[:20],
    )


def build_welfare(row: dict[str, Any], ctx: Context) -> tuple[str, models.Model]:
    nik = required_nik(row)
    decile_text = value(row, "desil")
    decile = None
    if decile_text:
        if not decile_text.isdigit() or not 1 <= int(decile_text) <= 10:
            raise RowInvalid("desil", "desil harus angka 1 sampai 10")
        decile = int(decile_text)
    return nik, WelfareRecord(
        nik=nik,
        kk_number=value(row, "kk")[:16],
        name=value(row, "nama")[:150],
        decile=decile,
        status=value(row, "status")[:30],
    )


def build_sector(row: dict[str, Any], ctx: Context) -> tuple[str, models.Model]:
    """A sector row may lack a valid NIK (it is then matched by name, birth date, sex and
    village); it then needs a birth date, and its key is a digest of what it says."""
    raw_nik = value(row, "nik")
    try:
        nik = parse_nik(raw_nik).nik if raw_nik else ""
    except InvalidNik:
        nik = ""
    name = value(row, "nama")
    if not name:
        raise RowInvalid("nama", "kolom nama wajib diisi")
    sex = value(row, "jenis_kelamin").upper()[:1]
    if sex and sex not in {"L", "P"}:
        raise RowInvalid("jenis_kelamin", "jenis_kelamin harus L atau P")
    born = parse_date(_raw(row, "tgl_lahir"), "tgl_lahir", required=False)
    if not nik and born is None:
        raise RowInvalid("nik", "NIK kosong atau tidak sah; isi tgl_lahir agar orang ini tetap dapat dipadankan")
    village_text = value(row, "kode_desa")
    village = dotted_village(village_text) if village_text else ""
    key = (
        nik
        or "t:"
        + hashlib.sha1(  # noqa: S324 - a row key, not a secret
            f"{raw_nik.strip()}|{' '.join(name.upper().split())}|{born}".encode()
        ).hexdigest()[:30]
    )
    return key, SectorEntry(
        entry_key=key,
        nik=nik,
        reported_nik=raw_nik[:32],
        name=name[:150],
        sex=sex,
        birth_place=value(row, "tempat_lahir")[:100],
        birth_date=born,
        unit=value(row, "unit")[:200],
        village_code=village,
    )


Builder = Callable[[dict[str, Any], Context], tuple[str, models.Model]]


@dataclass(frozen=True)
class Spec:
    build: Builder
    model: type[models.Model]
    key: str  # unique with the snapshot
    fields: tuple[str, ...]  # the values a file sets (what the linking sets is left alone)
    columns: tuple[str, ...]  # ALIASES keys read from the file


SPECS: dict[str, Spec] = {
    SnapshotKind.POPULATION: Spec(
        build_population,
        PopulationRecord,
        "nik",
        (
            "kk_number",
            "name",
            "sex",
            "birth_place",
            "birth_date",
            "address",
            "rt",
            "rw",
            "village_code",
            "district_code",
        ),
        ("nik", "kk", "nama", "jenis_kelamin", "tempat_lahir", "tgl_lahir", "alamat", "rt", "rw", "kode_desa"),
    ),
    SnapshotKind.MEMBERSHIP: Spec(
        build_membership,
        MembershipRecord,
        "card_number",
        ("nik", "reported_nik", "name", "birth_date", "segment", "care_class", "status", "provider_code"),
        ("no_kartu", "nik", "nama", "tgl_lahir", "segmen", "kelas", "status", "kode_faskes"),
    ),
    SnapshotKind.WELFARE: Spec(
        build_welfare,
        WelfareRecord,
        "nik",
        ("kk_number", "name", "decile", "status"),
        ("nik", "kk", "nama", "desil", "status"),
    ),
    SnapshotKind.SECTOR: Spec(
        build_sector,
        SectorEntry,
        "entry_key",
        ("nik", "reported_nik", "name", "sex", "birth_place", "birth_date", "unit", "village_code"),
        ("nik", "nama", "jenis_kelamin", "tempat_lahir", "tgl_lahir", "unit", "kode_desa"),
    ),
}


def regency_villages() -> frozenset[str]:
    prefix = settings.REGENCY_CODE + "."
    return frozenset(Region.objects.filter(level=4, code__startswith=prefix).values_list("code", flat=True))
