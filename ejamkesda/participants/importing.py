"""Bulk import of participants (docs/impor-data.md): people and their memberships from CSV/XLSX.

Columns (found by header name, aliases accepted — see ``COLUMNS``): NIK and NAMA are
required; everything else is optional. One row = one person (+ at most one membership).

* NIK is checked with ``rules.nik.parse_nik``; a sex or birth date given in the row must
  agree with the NIK (docs/aturan.md), otherwise the row is rejected. When JK or TGL_LAHIR
  is missing, it is taken from the NIK.
* Upsert key of a person: NIK. Upsert key of a membership: (person, programme, card
  number) — the same key as ``services.membership_record``; a row without card number
  updates the person's membership of that programme that has no card number.
* An empty cell means "not known": it never erases a stored value.
* A NIK that appears twice in one file: the later row is rejected (the file must say one
  thing per person, otherwise re-running it would flip values back and forth).
* Writes are set-based per batch (``import_writer``: a staging table, ``INSERT … SELECT``),
  inside the runner's atomic batch; a row that changes nothing writes nothing, so re-running
  a file creates no rows and no history. Each created or changed person gets one
  ``ParticipantHistory`` row ({field: [old, new]}, membership fields as "jkn.status").
* Rows are validated in a second thread while the previous batch is written
  (``clean_in_thread``): validation reads no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from ejamkesda.jobs.importing import Column, RowError, RowInvalid
from ejamkesda.jobs.importing.base import BatchResult
from ejamkesda.jobs.importing.bulk import refresh_statistics
from ejamkesda.jobs.importing.bulkload import BulkLoadSpec
from ejamkesda.jobs.importing.headers import HeaderMap
from ejamkesda.jobs.importing.values import cell_text, choice, clean_text, digits, parse_date
from ejamkesda.participants.import_writer import BatchWriter
from ejamkesda.participants.models import Membership, ParticipantHistory, Person, name_key
from ejamkesda.rules.nik import InvalidNik, parse_nik

COLUMNS: tuple[Column, ...] = (
    Column("NIK", ("NO_NIK", "NOMOR_NIK", "NOMOR_INDUK_KEPENDUDUKAN", "NO_KTP"), required=True),
    Column("NAMA", ("NAMA_LENGKAP", "NAMA_PESERTA", "NAMA_PENDUDUK", "NAME"), required=True),
    Column("NO_KK", ("NOMOR_KK", "KK", "NKK", "NO_KARTU_KELUARGA", "NOMOR_KARTU_KELUARGA")),
    Column("JK", ("JENIS_KELAMIN", "KELAMIN", "L_P", "SEX", "GENDER")),
    Column("TEMPAT_LAHIR", ("TMP_LAHIR", "TPT_LAHIR", "TEMPAT_LHR")),
    Column("TGL_LAHIR", ("TANGGAL_LAHIR", "TGL_LHR", "TANGGAL_LHR", "LAHIR", "DOB")),
    Column("ALAMAT", ("ALAMAT_LENGKAP", "ALAMAT_RUMAH", "JALAN")),
    Column("RT", ("NO_RT",)),
    Column("RW", ("NO_RW",)),
    Column("KODE_DESA", ("KD_DESA", "KODE_KELURAHAN", "KODE_DESA_KELURAHAN", "KODE_WILAYAH", "DESA_KODE")),
    Column("NO_HP", ("HP", "TELEPON", "NO_TELEPON", "NO_TELP", "TELP", "NOMOR_HP")),
    Column("PROGRAM", ("PROGRAM_JAMINAN", "JAMINAN", "PROGRAM_JAMKES")),
    Column("NO_KARTU", ("NOMOR_KARTU", "NOKA", "NO_KARTU_JKN", "NO_PESERTA", "NOMOR_PESERTA", "NO_BPJS")),
    Column("SEGMEN", ("SEGMEN_PESERTA", "JENIS_PESERTA", "JENIS_KEPESERTAAN")),
    Column("KELAS", ("KELAS_RAWAT", "HAK_KELAS", "KLS")),
    Column("STATUS", ("STATUS_PESERTA", "STATUS_KEPESERTAAN")),
    Column("TMT", ("BERLAKU_DARI", "TGL_MULAI", "TANGGAL_MULAI", "MULAI_BERLAKU", "TMT_PESERTA", "VALID_FROM")),
    Column("TGL_AKHIR", ("BERLAKU_SAMPAI", "TANGGAL_AKHIR", "AKHIR_BERLAKU", "TAT", "VALID_TO")),
    Column("KODE_FASKES", ("KD_FASKES", "KODE_PPK", "KODE_FKTP", "FASKES_TK1", "KODE_FASKES_TK1")),
)

SEX = {"L": "L", "LK": "L", "LAKILAKI": "L", "LAKI": "L", "PRIA": "L", "1": "L", "M": "L", "MALE": "L",
       "P": "P", "PR": "P", "PEREMPUAN": "P", "WANITA": "P", "2": "P", "F": "P", "FEMALE": "P"}  # fmt: skip
PROGRAMME = {"JKN": "jkn", "BPJS": "jkn", "BPJSKESEHATAN": "jkn", "JKNKIS": "jkn", "KIS": "jkn",
             "JAMKESDA": "jamkesda", "JAMKESDAKAB": "jamkesda"}  # fmt: skip
SEGMENT = {"PBIAPBN": "pbi_apbn", "PBI": "pbi_apbn", "PBIJK": "pbi_apbn", "PBIJKN": "pbi_apbn",
           "PBPUBPPEMDA": "pbpu_bp_pemda", "PBPUPEMDA": "pbpu_bp_pemda", "PBIAPBD": "pbpu_bp_pemda",
           "PEMDA": "pbpu_bp_pemda", "BPPEMDA": "pbpu_bp_pemda", "PBPUBPPEMERINTAHDAERAH": "pbpu_bp_pemda",
           "PPU": "ppu", "PEKERJAPENERIMAUPAH": "ppu",
           "PBPU": "pbpu", "MANDIRI": "pbpu", "PEKERJABUKANPENERIMAUPAH": "pbpu",
           "BP": "bp", "BUKANPEKERJA": "bp"}  # fmt: skip
STATUS = {"AKTIF": "aktif", "A": "aktif", "ACTIVE": "aktif",
          "NONAKTIF": "nonaktif", "TIDAKAKTIF": "nonaktif", "INACTIVE": "nonaktif",
          "MENUNGGAK": "menunggak", "TUNGGAKAN": "menunggak", "NUNGGAK": "menunggak",
          "DITANGGUHKAN": "ditangguhkan", "TANGGUH": "ditangguhkan",
          "BERAKHIR": "berakhir", "KELUAR": "berakhir", "SELESAI": "berakhir"}  # fmt: skip
CARE_CLASS = {"1": 1, "I": 1, "KELAS1": 1, "KELASI": 1, "2": 2, "II": 2, "KELAS2": 2, "KELASII": 2,
              "3": 3, "III": 3, "KELAS3": 3, "KELASIII": 3}  # fmt: skip
CACHE_LIMIT = 50_000  # memoised values per column
# Rows per atomic batch (about 0.7 kB of memory each). SQLite writes every index page a batch
# touched at each commit and a million-row table's indexes are touched at random, so bigger
# batches write far less (1M rows, CPU: 58 s at 2,000 rows a batch, 36 s at 10,000, 31 s at
# 50,000). PostgreSQL only logs the rows, and 10,000 already makes per-batch costs small.
BATCH_SIZE = {"sqlite": 25_000, "postgresql": 10_000}
NIK_AS_NUMBER = "NIK tersimpan sebagai angka di Excel (presisi hanya 15 digit); format kolom NIK sebagai Teks"
MEMBERSHIP_COLUMNS = ("PROGRAM", "NO_KARTU", "SEGMEN", "KELAS", "STATUS", "TMT", "TGL_AKHIR", "KODE_FASKES")


_UNKNOWN = object()


class _Invalid:
    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _parse_sex(value: Any) -> str:
    return choice(value, SEX, label="jenis kelamin")


def _parse_programme(value: Any) -> str:
    return choice(value, PROGRAMME, label="PROGRAM")


def _parse_segment(value: Any) -> str:
    return choice(value, SEGMENT, label="SEGMEN")


def _parse_status(value: Any) -> str:
    return choice(value, STATUS, label="STATUS")


def _parse_class(value: Any) -> int | None:
    text = choice(value, {key: str(number) for key, number in CARE_CLASS.items()}, label="KELAS")
    return int(text) if text else None


def _parse_birth_place(value: Any) -> str:
    return clean_text(value, max_length=100, label="TEMPAT_LAHIR")


def _parse_provider_code(value: Any) -> str:
    return clean_text(value, max_length=20, label="KODE_FASKES")


def _parse_rt(value: Any) -> str:
    text = digits(value, label="RT", max_length=3)
    return text.zfill(3) if text else ""


def _parse_rw(value: Any) -> str:
    text = digits(value, label="RW", max_length=3)
    return text.zfill(3) if text else ""


def _parse_phone(value: Any) -> str:
    text = cell_text(value).lstrip("'")
    if not text:
        return ""
    compact = text.replace(" ", "").replace("-", "")
    if not (compact.lstrip("+").isdigit() and 6 <= len(compact) <= 20):
        raise ValueError("NO_HP hanya boleh berisi angka (boleh diawali +), 6–20 digit")
    return compact


class ParticipantImporter:
    """Importer for ``ejamkesda.jobs.importing.runner.run_import``. A record is a tuple in
    ``import_writer.RECORD`` order; batches are written set-based by ``import_writer``."""

    columns: Sequence[Column] = COLUMNS
    clean_in_thread = True  # clean_row reads no database and shares nothing with write_batch
    clean_in_process = True  # …so big files are validated in a child process (a core of its own)
    # write_batch keeps no state between batches and one file never has two rows for one NIK:
    # PostgreSQL may write two batches at once, on two connections.
    parallel_writes = True
    # PostgreSQL, a big file into an empty register: indexes and foreign keys of these tables are
    # built once at the end instead of row by row (``jobs.importing.bulkload``).
    bulk_load = BulkLoadSpec(models=(Person, Membership, ParticipantHistory))

    def __init__(
        self,
        *,
        source: str = "",
        actor: Any = None,
        default_programme: str = "jkn",
        source_date: dt.date | str | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.source = source[:100]
        actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
        self.default_programme = default_programme
        self.today = today or timezone.localdate()
        if isinstance(source_date, str):
            source_date = dt.date.fromisoformat(source_date)
        self.writer = BatchWriter(source=self.source, source_date=source_date or self.today, actor_id=actor_id)
        self.seen: set[int] = set()  # NIKs of accepted rows, to refuse a second row for one person
        self.villages: frozenset[str] = frozenset()
        self.present: frozenset[str] = frozenset()
        self.has_membership_columns = False
        self._caches: dict[str, dict[Any, Any]] = {key: {} for key in MEMOISED}
        self._nik_dates: dict[str, Any] = {}
        self._person_plan: list[tuple[str, dict[Any, Any] | None]] = []
        self._member_plan: list[tuple[str, dict[Any, Any] | None]] = []

    @property
    def batch_size(self) -> int:
        from django.db import connection

        return BATCH_SIZE.get(connection.vendor, 10_000)

    # -- validation ---------------------------------------------------------------------
    def start(self, header_map: HeaderMap) -> None:
        from ejamkesda.regions.models import Region

        if header_map.has("KODE_DESA"):
            self.villages = frozenset(Region.objects.filter(level=4).values_list("code", flat=True))
        self.present = frozenset(header_map.positions)
        self.has_membership_columns = any(header_map.has(key) for key in MEMBERSHIP_COLUMNS)
        # Per column of the file: (column, its memo or None); looked up once here, not per cell.
        self._person_plan = [(c, self._caches.get(c)) for c in PERSON_COLUMNS if c in self.present]
        self._member_plan = [(c, self._caches.get(c)) for c in MEMBERSHIP_COLUMNS]
        refresh_statistics(Person, Membership)

    def finish(self) -> None:
        refresh_statistics(Person, Membership, ParticipantHistory)

    def _parse(self, column: str, value: Any) -> Any:
        """The column's parser, memoised for the columns whose values repeat (dates, codes,
        labels); a ``ValueError`` comes back as an ``_Invalid``."""
        cache = self._caches.get(column)
        if cache is not None:
            known = cache.get(value, _UNKNOWN)
            if known is not _UNKNOWN:
                return known
        try:
            result = PARSERS[column](self, value)
        except ValueError as error:
            result = _Invalid(str(error))
        if cache is not None and len(cache) < CACHE_LIMIT:
            cache[value] = result
        return result

    def clean_row(self, row_number: int, values: dict[str, Any]) -> tuple[Any, ...]:
        # The hottest loop of an import (~15 µs a row): memo hits are looked up inline.
        get = values.get
        parse = self._parse
        errors: list[RowError] = []
        out: dict[str, Any] = {}
        for column, memo in self._person_plan:
            value = get(column)
            if value is None or value == "":
                continue  # an empty cell: not given (checked below where it is required)
            result = _UNKNOWN if memo is None else memo.get(value, _UNKNOWN)
            if result is _UNKNOWN:
                result = parse(column, value)
            if type(result) is _Invalid:
                errors.append(RowError(row_number, column, cell_text(value), result.reason))
            else:
                out[column] = result
        parsed = out.get("NIK")
        if parsed is None and "NIK" not in {error.column for error in errors}:
            errors.append(RowError(row_number, "NIK", "", "NIK kosong"))
        if not out.get("NAMA") and "NAMA" not in {error.column for error in errors}:
            errors.append(RowError(row_number, "NAMA", cell_text(get("NAMA")), "NAMA wajib diisi"))
        sex, birth_date = out.get("JK", ""), out.get("TGL_LAHIR")
        if parsed is not None:
            if sex and sex != parsed[1]:
                errors.append(
                    RowError(
                        row_number, "JK", cell_text(get("JK")), f"jenis kelamin {sex} tidak sesuai NIK ({parsed[1]})"
                    )
                )
            if birth_date and birth_date != parsed[2]:
                errors.append(
                    RowError(
                        row_number,
                        "TGL_LAHIR",
                        cell_text(get("TGL_LAHIR")),
                        f"tanggal lahir {birth_date:%d-%m-%Y} tidak sesuai NIK ({parsed[2]:%d-%m-%Y})",
                    )
                )
            nik_number = int(parsed[0])
            if nik_number in self.seen:
                errors.append(
                    RowError(
                        row_number,
                        "NIK",
                        cell_text(get("NIK")),
                        "NIK ganda: NIK ini sudah ada di baris sebelumnya dalam berkas yang sama",
                    )
                )
        member = self._membership(get, row_number, errors) if self.has_membership_columns else NO_MEMBERSHIP
        if errors:
            raise RowInvalid(errors)
        assert parsed is not None  # no NIK is an error above
        self.seen.add(nik_number)
        name = out["NAMA"]
        return (
            parsed[0],
            out.get("NO_KK", ""),
            name,
            sex,
            out.get("TEMPAT_LAHIR", ""),
            birth_date,
            out.get("ALAMAT", ""),
            out.get("RT", ""),
            out.get("RW", ""),
            out.get("KODE_DESA"),
            out.get("NO_HP", ""),
            name_key(name),
            parsed[1],
            parsed[2],
            *member,
        )

    def _nik(self, value: Any) -> tuple[str, str, dt.date]:
        """(NIK, sex, birth date) by ``rules.nik.parse_nik``, memoised on the six date digits:
        once the length, the digits, the region codes and the serial are known good (checked
        here exactly as ``parse_nik`` does), the rest of its verdict depends only on DDMMYY.
        Anything unusual goes to ``parse_nik`` itself for its message."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(NIK_AS_NUMBER)
        nik = cell_text(value).lstrip("'")
        if (
            len(nik) == 16
            and nik.isascii()
            and nik.isdigit()
            and nik[0:2] != "00"
            and nik[2:4] != "00"
            and nik[4:6] != "00"
            and nik[12:] != "0000"
        ):
            known = self._nik_dates.get(nik[6:12])
            if known is None:
                try:
                    parsed = parse_nik(nik, today=self.today)
                    known = (parsed.sex, parsed.birth_date)
                except InvalidNik as error:
                    known = str(error)
                self._nik_dates[nik[6:12]] = known
            if type(known) is str:
                raise ValueError(known)
            return (nik, *known)
        try:
            parsed = parse_nik(nik, today=self.today)
        except InvalidNik as error:
            raise ValueError(str(error)) from None
        return (parsed.nik, parsed.sex, parsed.birth_date)

    def _parse_village(self, value: Any) -> str | None:
        text = cell_text(value).replace(".", "").replace(" ", "")
        if not text:
            return None
        if not text.isdigit() or len(text) != 10:
            raise ValueError("KODE_DESA harus 10 digit kode Kemendagri (mis. 6409012001 atau 64.09.01.2001)")
        code = f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
        if code not in self.villages:
            raise ValueError(f"KODE_DESA {code} tidak ada dalam data wilayah desa/kelurahan")
        return code

    def _membership(self, get: Any, row_number: int, errors: list[RowError]) -> tuple[Any, ...]:
        """(programme, card, segment, class, status, from, to, provider) of the row, or
        ``NO_MEMBERSHIP`` when every membership cell is empty."""
        out: dict[str, Any] = {}
        parse = self._parse
        invalid = False
        for column, memo in self._member_plan:
            value = get(column)
            if value is None or (type(value) is str and not value.strip()):
                continue
            result = _UNKNOWN if memo is None else memo.get(value, _UNKNOWN)
            if result is _UNKNOWN:
                result = parse(column, value)
            if type(result) is _Invalid:
                errors.append(RowError(row_number, column, cell_text(value), result.reason))
                invalid = True
            out[column] = result
        if not out:
            return NO_MEMBERSHIP
        if invalid:  # a rejected cell counts as given but empty in the checks below
            for column, result in out.items():
                if type(result) is _Invalid:
                    out[column] = None if column in EMPTY_IS_NONE else ""
        ok = out.get
        programme, segment, status = ok("PROGRAM", ""), ok("SEGMEN", ""), ok("STATUS", "")
        if not programme:
            programme = "jkn" if segment else self.default_programme
        if segment and programme != "jkn":
            errors.append(
                RowError(row_number, "SEGMEN", cell_text(get("SEGMEN")), "SEGMEN hanya berlaku untuk program JKN")
            )
        if status == "" and "STATUS" not in out:
            errors.append(
                RowError(row_number, "STATUS", "", "STATUS kepesertaan wajib diisi bila ada data kepesertaan")
            )
        valid_from, valid_to = ok("TMT"), ok("TGL_AKHIR")
        if valid_from and valid_to and valid_to < valid_from:
            errors.append(
                RowError(
                    row_number, "TGL_AKHIR", cell_text(get("TGL_AKHIR")), "tanggal akhir berlaku lebih awal dari TMT"
                )
            )
        return (
            programme,
            ok("NO_KARTU", ""),
            segment,
            ok("KELAS"),
            status,
            valid_from,
            valid_to,
            ok("KODE_FASKES", ""),
        )

    # -- writing --------------------------------------------------------------------------
    def write_batch(self, records: list[tuple[Any, ...]]) -> BatchResult:
        return self.writer.write(records)


NO_MEMBERSHIP: tuple[Any, ...] = ("", "", "", None, "", None, None, "")
EMPTY_IS_NONE = frozenset({"KELAS", "TMT", "TGL_AKHIR"})  # membership columns whose "not given" is None
PERSON_COLUMNS = ("NIK", "NAMA", "JK", "TGL_LAHIR", "NO_KK", "TEMPAT_LAHIR", "ALAMAT", "RT", "RW", "KODE_DESA", "NO_HP")
# Columns whose values repeat (dates, codes, labels): parsed once per distinct value.
MEMOISED = ("JK", "TGL_LAHIR", "TEMPAT_LAHIR", "RT", "RW", "KODE_DESA", "PROGRAM", "SEGMEN", "KELAS", "STATUS", "TMT",
            "TGL_AKHIR", "KODE_FASKES")  # fmt: skip
PARSERS: dict[str, Any] = {
    "NIK": ParticipantImporter._nik,
    "NAMA": lambda _self, value: clean_text(value, max_length=150, label="NAMA"),
    "JK": lambda _self, value: _parse_sex(value),
    "TGL_LAHIR": lambda _self, value: parse_date(value),
    "NO_KK": lambda _self, value: digits(value, label="NO_KK", max_length=16, exact=16),
    "TEMPAT_LAHIR": lambda _self, value: _parse_birth_place(value),
    "ALAMAT": lambda _self, value: clean_text(value, max_length=300, label="ALAMAT"),
    "RT": lambda _self, value: _parse_rt(value),
    "RW": lambda _self, value: _parse_rw(value),
    "KODE_DESA": ParticipantImporter._parse_village,
    "NO_HP": lambda _self, value: _parse_phone(value),
    "PROGRAM": lambda _self, value: _parse_programme(value),
    "NO_KARTU": lambda _self, value: digits(value, label="NO_KARTU", max_length=20),
    "SEGMEN": lambda _self, value: _parse_segment(value),
    "KELAS": lambda _self, value: _parse_class(value),
    "STATUS": lambda _self, value: _parse_status(value),
    "TMT": lambda _self, value: parse_date(value),
    "TGL_AKHIR": lambda _self, value: parse_date(value),
    "KODE_FASKES": lambda _self, value: _parse_provider_code(value),
}
