"""Bulk import of participants (issue 2 §4): people and their memberships from CSV/XLSX.

Columns (found by header name, aliases accepted — see ``COLUMNS``): NIK and NAMA are
required; everything else is optional. One row = one person (+ at most one membership).

* NIK is checked with ``rules.nik.parse_nik``; a sex or birth date given in the row must
  agree with the NIK (DESIGN.md §4), otherwise the row is rejected. When JK or TGL_LAHIR
  is missing, it is taken from the NIK.
* Upsert key of a person: NIK. Upsert key of a membership: (person, programme, card
  number) — the same key as ``services.membership_record``; a row without card number
  updates the person's membership of that programme that has no card number.
* An empty cell means "not known": it never erases a stored value.
* A NIK that appears twice in one file: the later row is rejected (the file must say one
  thing per person, otherwise re-running it would flip values back and forth).
* Writes are bulk (multi-row inserts/COPY, executemany updates) per batch, inside the
  runner's atomic batch; a row that changes nothing writes nothing, so re-running a file
  creates no rows and no history. Each created or changed person gets one
  ``ParticipantHistory`` row ({field: [old, new]}, membership fields as "jkn.status").
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.utils import timezone

from ejamkesda.jobs.importing import Column, RowError, RowInvalid
from ejamkesda.jobs.importing.base import BatchResult
from ejamkesda.jobs.importing.bulk import insert_rows, refresh_statistics, select_in, update_rows
from ejamkesda.jobs.importing.headers import HeaderMap
from ejamkesda.jobs.importing.values import cell_text, choice, clean_text, digits, parse_date
from ejamkesda.participants.models import Membership, MembershipStatus, ParticipantHistory, Person, name_key
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
CACHE_LIMIT = 50_000
NIK_CACHE_LIMIT = 200_000
NIK_AS_NUMBER = "NIK tersimpan sebagai angka di Excel (presisi hanya 15 digit); format kolom NIK sebagai Teks"
MEMBERSHIP_COLUMNS = ("PROGRAM", "NO_KARTU", "SEGMEN", "KELAS", "STATUS", "TMT", "TGL_AKHIR", "KODE_FASKES")

# Order matters: it is the order of ``PersonRecord.values`` and of the columns written.
PERSON_FIELDS = ("kk_number", "name", "sex", "birth_place", "birth_date", "address", "rt", "rw", "village_id", "phone")
MEMBER_FIELDS = ("segment", "care_class", "status", "valid_from", "valid_to", "first_level_provider_code")


@dataclass(slots=True)
class PersonRecord:
    row: int
    nik: str
    values: tuple[Any, ...]  # PERSON_FIELDS; "" / None = not given
    from_nik: tuple[str, dt.date]  # sex and birth date read from the NIK: used when creating a person
    programme: str = ""  # "" = no membership in this row
    card_number: str = ""
    member: tuple[Any, ...] = ()  # MEMBER_FIELDS


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _given(value: Any) -> bool:
    return value is not None and value != ""


def _with_nik_defaults(record: PersonRecord) -> tuple[Any, ...]:
    """A new person's values; sex and birth date from the NIK when the file leaves them out."""
    values = list(record.values)
    values[2] = values[2] or record.from_nik[0]
    values[4] = values[4] or record.from_nik[1]
    return tuple(values)


class _Nik(NamedTuple):
    nik: str
    sex: str
    birth_date: dt.date


class _Invalid:
    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _call(parse: Any, value: Any, **kwargs: Any) -> Any:
    try:
        return parse(value, **kwargs)
    except ValueError as error:
        return _Invalid(str(error))


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
    """Importer for ``ejamkesda.jobs.importing.runner.run_import``."""

    columns: Sequence[Column] = COLUMNS

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
        self.actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
        self.default_programme = default_programme
        self.today = today or timezone.localdate()
        if isinstance(source_date, str):
            source_date = dt.date.fromisoformat(source_date)
        self.source_date = source_date or self.today
        self.seen: set[int] = set()  # NIKs of accepted rows, to refuse a second row for one person
        self.villages: frozenset[str] = frozenset()
        self.has_membership_columns = False
        self._caches: dict[str, dict[Any, Any]] = {}
        self._nik_prefixes: dict[str, Any] = {}

    # -- validation ---------------------------------------------------------------------
    def start(self, header_map: HeaderMap) -> None:
        from ejamkesda.regions.models import Region

        if header_map.has("KODE_DESA"):
            self.villages = frozenset(Region.objects.filter(level=4).values_list("code", flat=True))
        self.has_membership_columns = any(header_map.has(key) for key in MEMBERSHIP_COLUMNS)
        refresh_statistics(Person, Membership)

    def finish(self) -> None:
        refresh_statistics(Person, Membership, ParticipantHistory)

    def _cached(self, column: str, value: Any, parse: Any) -> Any:
        """``parse(value)`` memoised per column (birth dates, codes and labels repeat a lot);
        a ``ValueError`` is returned as an ``_Invalid``."""
        cache = self._caches.setdefault(column, {})
        try:
            return cache[value]
        except KeyError:
            pass
        try:
            result = parse(value)
        except ValueError as error:
            result = _Invalid(str(error))
        if len(cache) < CACHE_LIMIT:
            cache[value] = result
        return result

    def clean_row(self, row_number: int, values: dict[str, Any]) -> PersonRecord:
        errors: list[RowError] = []
        get = values.get
        cached = self._cached

        def check(column: str, result: Any) -> Any:
            if type(result) is _Invalid:
                errors.append(RowError(row_number, column, cell_text(get(column)), result.reason))
                return None
            return result

        raw_nik = get("NIK")
        parsed = None
        if isinstance(raw_nik, int | float) and not isinstance(raw_nik, bool):
            check("NIK", _Invalid(NIK_AS_NUMBER))
        else:
            parsed = check("NIK", self._parse_nik(cell_text(raw_nik).lstrip("'")))
        name = check("NAMA", _call(clean_text, get("NAMA"), max_length=150, label="NAMA"))
        if name == "":
            check("NAMA", _Invalid("NAMA wajib diisi"))
        sex = check("JK", cached("JK", get("JK"), _parse_sex))
        birth_date = check("TGL_LAHIR", cached("TGL_LAHIR", get("TGL_LAHIR"), parse_date))
        if parsed is not None:
            if sex and sex != parsed.sex:
                check("JK", _Invalid(f"jenis kelamin {sex} tidak sesuai NIK ({parsed.sex})"))
            if birth_date and birth_date != parsed.birth_date:
                check(
                    "TGL_LAHIR",
                    _Invalid(f"tanggal lahir {birth_date:%d-%m-%Y} tidak sesuai NIK ({parsed.birth_date:%d-%m-%Y})"),
                )
        kk = check("NO_KK", _call(digits, get("NO_KK"), label="NO_KK", max_length=16, exact=16))
        birth_place = check("TEMPAT_LAHIR", cached("TEMPAT_LAHIR", get("TEMPAT_LAHIR"), _parse_birth_place))
        address = check("ALAMAT", _call(clean_text, get("ALAMAT"), max_length=300, label="ALAMAT"))
        rt = check("RT", cached("RT", get("RT"), _parse_rt))
        rw = check("RW", cached("RW", get("RW"), _parse_rw))
        village = check("KODE_DESA", cached("KODE_DESA", get("KODE_DESA"), self._parse_village))
        phone = check("NO_HP", _call(_parse_phone, get("NO_HP")))
        record = None
        if parsed is not None:
            if int(parsed.nik) in self.seen:
                check("NIK", _Invalid("NIK ganda: NIK ini sudah ada di baris sebelumnya dalam berkas yang sama"))
            record = PersonRecord(
                row=row_number,
                nik=parsed.nik,
                values=(
                    kk or "",
                    name or "",
                    sex or "",
                    birth_place or "",
                    birth_date,
                    address or "",
                    rt or "",
                    rw or "",
                    village,
                    phone or "",
                ),
                from_nik=(parsed.sex, parsed.birth_date),
            )
        if self.has_membership_columns:
            self._membership(get, record, check)
        if errors:
            raise RowInvalid(errors)
        assert record is not None
        self.seen.add(int(record.nik))
        return record

    def _parse_nik(self, nik: str) -> _Nik | _Invalid:
        """``rules.nik.parse_nik``, memoised on the first 12 digits (region + birth date): the
        serial only has to differ from 0000, so people born the same day in the same district
        share one parse. Anything unusual goes to ``parse_nik`` itself for its message."""
        if len(nik) == 16 and nik.isascii() and nik.isdigit() and nik[12:] != "0000":
            known = self._nik_prefixes.get(nik[:12])
            if known is None:
                try:
                    parsed = parse_nik(nik, today=self.today)
                    known = (parsed.sex, parsed.birth_date)
                except InvalidNik as error:
                    known = _Invalid(str(error))
                if len(self._nik_prefixes) >= NIK_CACHE_LIMIT:
                    self._nik_prefixes.clear()
                self._nik_prefixes[nik[:12]] = known
            if type(known) is _Invalid:
                return known
            return _Nik(nik, *known)  # type: ignore[misc]
        try:
            parsed = parse_nik(nik, today=self.today)
        except InvalidNik as error:
            return _Invalid(str(error))
        return _Nik(parsed.nik, parsed.sex, parsed.birth_date)

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

    def _membership(self, get: Any, record: PersonRecord | None, check: Any) -> None:
        for key in MEMBERSHIP_COLUMNS:
            value = get(key)
            if value is not None and (type(value) is not str or value.strip()):
                break
        else:
            return
        cached = self._cached
        programme = check("PROGRAM", cached("PROGRAM", get("PROGRAM"), _parse_programme))
        segment = check("SEGMEN", cached("SEGMEN", get("SEGMEN"), _parse_segment))
        if not programme:
            programme = "jkn" if segment else self.default_programme
        if segment and programme != "jkn":
            check("SEGMEN", _Invalid("SEGMEN hanya berlaku untuk program JKN"))
        card = check("NO_KARTU", _call(digits, get("NO_KARTU"), label="NO_KARTU", max_length=20))
        care_class = check("KELAS", cached("KELAS", get("KELAS"), _parse_class))
        status = check("STATUS", cached("STATUS", get("STATUS"), _parse_status))
        if status == "":
            check("STATUS", _Invalid("STATUS kepesertaan wajib diisi bila ada data kepesertaan"))
        valid_from = check("TMT", cached("TMT", get("TMT"), parse_date))
        valid_to = check("TGL_AKHIR", cached("TGL_AKHIR", get("TGL_AKHIR"), parse_date))
        if valid_from and valid_to and valid_to < valid_from:
            check("TGL_AKHIR", _Invalid("tanggal akhir berlaku lebih awal dari TMT"))
        provider = check("KODE_FASKES", cached("KODE_FASKES", get("KODE_FASKES"), _parse_provider_code))
        if record is not None:
            record.programme = programme or ""
            record.card_number = card or ""
            record.member = (segment or "", care_class or None, status or "", valid_from, valid_to, provider or "")

    # -- writing --------------------------------------------------------------------------
    def write_batch(self, records: list[PersonRecord]) -> BatchResult:
        now = timezone.now()
        result = BatchResult()
        columns = ("id", "nik", *PERSON_FIELDS)
        existing = {row[1]: row for row in select_in(Person, columns, "nik", [r.nik for r in records])}
        creates: list[PersonRecord] = []
        updates: list[tuple[Any, ...]] = []
        history: dict[str, dict[str, Any] | None] = {}  # nik → changes (None = created)
        person_ids: dict[str, int] = {}
        for record in records:
            current = existing.get(record.nik)
            if current is None:
                creates.append(record)
                history[record.nik] = None  # created: one short history entry, the row holds the values
                continue
            person_ids[record.nik] = current[0]
            old = current[2:]
            merged = tuple(new if _given(new) else was for new, was in zip(record.values, old, strict=True))
            if merged != old:
                history[record.nik] = {
                    name: [_jsonable(was), _jsonable(new)]
                    for name, was, new in zip(PERSON_FIELDS, old, merged, strict=True)
                    if was != new
                }
                updates.append((*merged, name_key(merged[1]), now, current[0]))
        if creates:
            insert_rows(
                Person,
                ("nik", *PERSON_FIELDS, "name_key", "deceased", "created_at", "updated_at"),
                sorted((r.nik, *_with_nik_defaults(r), name_key(r.values[1]), False, now, now) for r in creates),
            )
            for person_id, nik in select_in(Person, ("id", "nik"), "nik", [r.nik for r in creates]):
                person_ids[nik] = person_id
        if updates:
            update_rows(Person, (*PERSON_FIELDS, "name_key", "updated_at"), updates)
        membership_links = self._write_memberships(records, person_ids, existing, history, now)
        touched = [r for r in records if r.nik in history]
        created_json = json.dumps({"dibuat": [None, self.source or "impor"]}, ensure_ascii=False)
        if touched:
            insert_rows(
                ParticipantHistory,
                ("person_id", "membership_id", "at", "actor_id", "source", "changes"),
                [
                    (
                        person_ids[r.nik],
                        membership_links.get(r.nik),
                        now,
                        self.actor_id,
                        self.source,
                        created_json if history[r.nik] is None else json.dumps(history[r.nik], ensure_ascii=False),
                    )
                    for r in touched
                ],
            )
        result.created = len(creates)
        result.updated = len(touched) - len(creates)
        result.unchanged = len(records) - len(touched)
        return result

    def _write_memberships(
        self,
        records: list[PersonRecord],
        person_ids: dict[str, int],
        existing_people: dict[str, tuple[Any, ...]],
        history: dict[str, dict[str, Any] | None],
        now: dt.datetime,
    ) -> dict[str, int]:
        """Upsert the rows' memberships; returns nik → membership id for updated memberships."""
        with_membership = [r for r in records if r.programme]
        if not with_membership:
            return {}
        known_ids = [person_ids[r.nik] for r in with_membership if r.nik in existing_people]
        current: dict[tuple[int, str, str], tuple[Any, ...]] = {}
        if known_ids:
            columns = ("id", "person_id", "programme", "card_number", *MEMBER_FIELDS)
            for row in select_in(Membership, columns, "person_id", known_ids):
                current.setdefault((row[1], row[2], row[3]), row)
        creates: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        links: dict[str, int] = {}
        for record in with_membership:
            person_id = person_ids[record.nik]
            found = current.get((person_id, record.programme, record.card_number))
            prefix = record.programme
            if found is None:
                values = record.member
                status = values[2] or MembershipStatus.ACTIVE
                values = (*values[:2], status, *values[3:])
                creates.append(
                    (person_id, record.programme, record.card_number, *values, self.source, self.source_date, now, now)
                )
                changes = history.setdefault(record.nik, {})
                if changes is not None:  # a new membership of a person already registered
                    changes[f"{prefix}.card_number"] = [None, record.card_number]
                    for name, value in zip(MEMBER_FIELDS, values, strict=True):
                        if _given(value):
                            changes[f"{prefix}.{name}"] = [None, _jsonable(value)]
                continue
            old = found[4:]
            merged = tuple(new if _given(new) else was for new, was in zip(record.member, old, strict=True))
            if merged == old:
                continue
            changes = history.setdefault(record.nik, {})
            assert changes is not None  # an existing membership belongs to an existing person
            for name, was, new in zip(MEMBER_FIELDS, old, merged, strict=True):
                if was != new:
                    changes[f"{prefix}.{name}"] = [_jsonable(was), _jsonable(new)]
            updates.append((*merged, self.source, self.source_date, now, found[0]))
            links[record.nik] = found[0]
        if creates:
            insert_rows(
                Membership,
                (
                    "person_id",
                    "programme",
                    "card_number",
                    *MEMBER_FIELDS,
                    "source",
                    "source_date",
                    "created_at",
                    "updated_at",
                ),
                creates,
            )
        if updates:
            update_rows(Membership, (*MEMBER_FIELDS, "source", "source_date", "updated_at"), updates)
        return links
