"""Importers for the coverage snapshots: ``(rows iterator) -> ImportResult``.

Guarantees (DESIGN.md §6): rows are streamed, each row is validated and a bad row is
reported with its row number and column in Bahasa Indonesia (never with the NIK), valid
rows are written in atomic batches, and re-running an import into the same snapshot
updates rows in place (unique keys), so it creates no duplicates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from ejamkesda.coverage.conf import IMPORT_BATCH_SIZE, MAX_ERRORS_KEPT
from ejamkesda.coverage.models import (
    MembershipRecord,
    PopulationRecord,
    SectorEntry,
    Snapshot,
    SnapshotKind,
    WelfareRecord,
)
from ejamkesda.coverage.readers import Row
from ejamkesda.jobs.importing.base import ImportFileError
from ejamkesda.participants.models import MembershipStatus, Segment
from ejamkesda.regions.models import Region
from ejamkesda.rules.nik import InvalidNik, parse_nik


class RowInvalid(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass
class ImportResult:
    rows_read: int = 0
    rows_saved: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append({"row": row, "column": column, "message": message})


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
    snapshot: Snapshot
    villages: frozenset[str]


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
        snapshot=ctx.snapshot,
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
        snapshot=ctx.snapshot,
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
        snapshot=ctx.snapshot,
        nik=nik,
        kk_number=value(row, "kk")[:16],
        name=value(row, "nama")[:150],
        decile=decile,
        status=value(row, "status")[:30],
    )


def build_sector(row: dict[str, Any], ctx: Context) -> tuple[str, models.Model]:
    nik = required_nik(row)
    name = value(row, "nama")
    if not name:
        raise RowInvalid("nama", "kolom nama wajib diisi")
    village_text = value(row, "kode_desa")
    village = dotted_village(village_text) if village_text else ""
    return nik, SectorEntry(
        snapshot=ctx.snapshot,
        nik=nik,
        name=name[:150],
        birth_date=parse_date(_raw(row, "tgl_lahir"), "tgl_lahir", required=False),
        unit=value(row, "unit")[:200],
        village_code=village,
    )


Builder = Callable[[dict[str, Any], Context], tuple[str, models.Model]]
SPECS: dict[str, tuple[Builder, type[models.Model], list[str]]] = {
    SnapshotKind.POPULATION: (build_population, PopulationRecord, ["snapshot", "nik"]),
    SnapshotKind.MEMBERSHIP: (build_membership, MembershipRecord, ["snapshot", "card_number"]),
    SnapshotKind.WELFARE: (build_welfare, WelfareRecord, ["snapshot", "nik"]),
    SnapshotKind.SECTOR: (build_sector, SectorEntry, ["snapshot", "nik"]),
}


def regency_villages() -> frozenset[str]:
    prefix = settings.REGENCY_CODE + "."
    return frozenset(Region.objects.filter(level=4, code__startswith=prefix).values_list("code", flat=True))


def _write(model: type[models.Model], batch: list[models.Model], unique: list[str]) -> None:
    update = [
        f.name
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in unique and f.name not in {"resident_nik", "village_code"}
    ]
    if model is not MembershipRecord and "village_code" in {f.name for f in model._meta.concrete_fields}:
        update.append("village_code")
    with transaction.atomic():
        model._default_manager.bulk_create(batch, update_conflicts=True, unique_fields=unique, update_fields=update)


def import_rows(
    *, snapshot: Snapshot, rows: Iterable[Row], progress: Callable[[ImportResult], None] | None = None
) -> ImportResult:
    """Validate and write ``rows`` into ``snapshot``; returns counts and the error report."""
    build, model, unique = SPECS[snapshot.kind]
    ctx = Context(
        snapshot=snapshot, villages=regency_villages() if snapshot.kind == SnapshotKind.POPULATION else frozenset()
    )
    result = ImportResult()
    seen: set[int] = set()
    batch: list[models.Model] = []
    for number, row in rows:
        result.rows_read += 1
        try:
            key, obj = build(row, ctx)
        except RowInvalid as error:
            result.add_error(number, error.column, error.message)
            continue
        key_int = int(key)
        if key_int in seen:
            column = "no_kartu" if snapshot.kind == SnapshotKind.MEMBERSHIP else "nik"
            result.add_error(number, column, f"{column} sudah ada di baris sebelumnya dalam berkas ini (duplikat)")
            continue
        seen.add(key_int)
        batch.append(obj)
        if len(batch) >= IMPORT_BATCH_SIZE:
            _write(model, batch, unique)
            result.rows_saved += len(batch)
            batch = []
            if progress:
                progress(result)
    if batch:
        _write(model, batch, unique)
        result.rows_saved += len(batch)
    return result


def snapshot_import(*, snapshot: Snapshot, rows: Iterable[Row], source_name: str = "") -> ImportResult:
    """Run an import into ``snapshot`` and record its outcome on the snapshot."""
    Snapshot.objects.filter(pk=snapshot.pk).update(status=Snapshot.Status.RUNNING, source_name=source_name[:200])

    def progress(result: ImportResult) -> None:
        Snapshot.objects.filter(pk=snapshot.pk).update(rows_read=result.rows_read, rows_saved=result.rows_saved)

    try:
        result = import_rows(snapshot=snapshot, rows=rows, progress=progress)
    except ImportFileError as error:  # the file itself is unusable; batches already written stay valid
        Snapshot.objects.filter(pk=snapshot.pk).update(status=Snapshot.Status.FAILED, message=str(error)[:300])
        snapshot.refresh_from_db()
        return ImportResult()
    except Exception as error:
        Snapshot.objects.filter(pk=snapshot.pk).update(
            status=Snapshot.Status.FAILED, message=f"Berkas tidak dapat dibaca: {type(error).__name__}"[:300]
        )
        raise
    saved = model_count(snapshot)
    Snapshot.objects.filter(pk=snapshot.pk).update(
        status=Snapshot.Status.DONE,
        rows_read=result.rows_read,
        rows_saved=saved,
        error_count=result.error_count,
        errors=result.errors,
        finished_at=timezone.now(),
        message=f"{result.rows_read} baris dibaca, {result.rows_read - result.error_count} valid, "
        f"{result.error_count} galat",
    )
    snapshot.refresh_from_db()
    return result


def model_count(snapshot: Snapshot) -> int:
    _build, model, _unique = SPECS[snapshot.kind]
    return model._default_manager.filter(snapshot=snapshot).count()
