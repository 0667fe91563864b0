"""Regulation profiles for jasa pelayanan: TOML data, loaded and validated here.

A profile (``ejamkesda/rules/profiles/<id>.toml``) holds the revenue split, the point tables,
the attendance rule, the tax rule, the point formula and the named ambiguities of one
regulation, each with its legal source. A regency adds its own by adding a file, or by
copying one in the web UI (the database keeps the TOML text and validates it with
:func:`parse_profile`).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from ejamkesda.rules.formula import Formula, FormulaError, parse_formula
from ejamkesda.rules.spending import SpendingRules, parse_spending

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"
JENIS_TENAGA: tuple[str, ...] = (
    "dokter_spesialis",
    "tenaga_medis",
    "apoteker_ners",
    "nakes_s1_d4",
    "nakes_d3",
    "non_nakes_d3",
    "nakes_bawah_d3",
    "non_nakes_bawah_d3",
)
RANGKAP: tuple[str, ...] = ("kepala", "ktu", "bendahara")
STATUS: tuple[str, ...] = ("pns", "cpns", "pppk", "kontrak")
GOLONGAN: tuple[str, ...] = ("I", "II", "III", "IV")
# The ambiguities the code knows how to apply; a profile may carry any subset.
AMBIGUITY_KINDS: dict[str, tuple[str, ...] | None] = {
    "persen_angka_huruf": ("angka", "huruf"),
    "terlambat_blok_sebagian": ("abaikan", "hitung"),
    "masa_kerja_kurang_1_tahun": None,  # integer points
    "skp_tepat_70": None,
    "skp_tepat_90": None,
    "nakes_bawah_d3_tepat_10_tahun": None,
    # Perbup Tanah Datar 29/2017 Pasal 8: non-capitation shares "kepada tenaga kesehatan".
    "nonkapitasi_tenaga": ("semua", "nakes"),
    # "1–5 tahun": at five years and a day, exact duration or whole years completed.
    "masa_kerja_batas_tahun": ("tepat", "tahun_penuh"),
}
# How a run over several months is computed; "bulanan" = each month on its own (Perbup
# Kapuas Hulu 9/2015 Pasal 20), the only reading implemented.
RANGE_METHODS: tuple[str, ...] = ("bulanan",)


TOP_LEVEL_KEYS = frozenset(
    {
        "id", "judul", "dasar_hukum", "berlaku_mulai", "catatan", "program_jkn", "rumus", "pembagian", "jenis",
        "rangkap", "kehadiran", "status", "masa_kerja", "kinerja", "pajak", "nonkapitasi", "ambiguitas",
        "belanja", "periode", "jenis_ppk",
    }
)  # fmt: skip


class ProfileError(ValueError):
    """A profile that may not be used. ``errors`` lists every problem in Bahasa Indonesia."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


@dataclass(frozen=True)
class Ambiguity:
    key: str
    value: Any
    default: Any
    note: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class SplitLine:
    code: str
    name: str
    percent: Fraction
    source: str
    minimum: Fraction | None = None
    categories: tuple[str, ...] = ()  # what this pool may pay for (``kategori``)


@dataclass(frozen=True)
class ServiceBracket:
    up_to_months: int | None  # inclusive upper bound; None = open
    points: int


@dataclass(frozen=True)
class Profile:
    id: str
    title: str
    legal_source: str
    effective_from: dt.date
    formula: Formula
    formula_needs_check: bool
    formula_note: str
    split: tuple[SplitLine, ...]
    jaspel_pool: str
    jenis: dict[str, int]
    long_service_points: int
    long_service_months: int
    rangkap: dict[str, int]
    rangkap_cumulative: bool
    points_per_day: int
    excused_counts: bool
    minutes_per_block: int
    points_per_block: int
    status: dict[str, int]
    service_from_months: int
    service_brackets: tuple[ServiceBracket, ...]
    skp_above: Decimal | None
    skp_above_points: int
    skp_from: Decimal | None
    skp_from_points: int
    skp_below_points: int
    program_jkn: int
    tax_rates: dict[str, Decimal]
    tax_other_rate: Decimal
    tax_ranked_status: tuple[str, ...]
    tax_note: str
    noncap_method: str
    ambiguities: dict[str, Ambiguity] = field(default_factory=dict)
    range_method: str = "bulanan"
    annual_previous_year: bool = False
    range_source: str = ""
    # Provider kinds the regulation is written for (``providers.Provider.Kind`` values): the
    # new-run form proposes a profile of the provider's kind.
    provider_kinds: tuple[str, ...] = ()
    spending: SpendingRules = field(default_factory=lambda: SpendingRules({}))
    sources: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    def setting(self, key: str, fallback: Any = None) -> Any:
        item = self.ambiguities.get(key)
        return item.value if item is not None else fallback

    def split_percentages(self) -> list[tuple[str, str, Fraction]]:
        return [(line.code, line.name, line.percent) for line in self.split]


class _Reader:
    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.errors: list[str] = []

    def get(
        self, table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str, default: Any = ...
    ) -> Any:
        if key not in table:
            if default is ...:
                self.errors.append(f"{where}: '{key}' wajib diisi.")
            return None if default is ... else default
        value = table[key]
        if isinstance(value, bool) and kind is not bool:
            self.errors.append(f"{where}: '{key}' harus berupa {_kind_name(kind)}.")
            return None if default is ... else default
        if not isinstance(value, kind):
            self.errors.append(f"{where}: '{key}' harus berupa {_kind_name(kind)}.")
            return None if default is ... else default
        return value

    def points(self, table: dict[str, Any], key: str, where: str, default: Any = ...) -> int:
        value = self.get(table, key, int, where, default)
        if isinstance(value, int) and value < 0:
            self.errors.append(f"{where}: '{key}' tidak boleh negatif.")
        return value if isinstance(value, int) else 0

    def percent(self, value: Any, where: str) -> Decimal:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.errors.append(f"{where}: persentase '{value}' bukan angka.")
            return Decimal(0)
        if isinstance(value, float) or not number.is_finite() or number < 0 or number > 100:
            self.errors.append(f'{where}: persentase harus angka 0–100 yang ditulis sebagai teks, mis. "5".')
            return Decimal(0)
        return number


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {int: "bilangan bulat", str: "teks", bool: "true/false", dict: "tabel", list: "daftar"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " atau ".join(names.get(k, k.__name__) for k in kinds)


def parse_profile(text: str, *, source: str = "profil") -> Profile:
    """Parse and validate a profile's TOML text; raise :class:`ProfileError` listing all problems."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError([f"{source}: TOML tidak dapat dibaca ({exc})."]) from exc
    r = _Reader(data)
    # A misspelt key would otherwise be ignored silently (e.g. program_jkn inside a table).
    for key in sorted(set(data) - TOP_LEVEL_KEYS):
        r.errors.append(f"profil: kunci '{key}' tidak dikenal.")
    pid = r.get(data, "id", str, "profil") or ""
    title = r.get(data, "judul", str, "profil") or ""
    legal = r.get(data, "dasar_hukum", str, "profil") or ""
    effective = data.get("berlaku_mulai")
    if not isinstance(effective, dt.date) or isinstance(effective, dt.datetime):
        r.errors.append("profil: 'berlaku_mulai' wajib berupa tanggal, mis. 2017-01-01.")
        effective = dt.date(1900, 1, 1)

    ambiguities: dict[str, Ambiguity] = {}
    for key, item in (r.get(data, "ambiguitas", dict, "profil", {}) or {}).items():
        where = f"ambiguitas.{key}"
        if key not in AMBIGUITY_KINDS:
            r.errors.append(f"{where}: ambiguitas tidak dikenal.")
            continue
        if not isinstance(item, dict):
            r.errors.append(f"{where}: harus berupa tabel.")
            continue
        options = AMBIGUITY_KINDS[key]
        value = item.get("nilai")
        if options is None:
            value = r.points(item, "nilai", where)
        elif value not in options:
            r.errors.append(f"{where}: 'nilai' harus salah satu dari {', '.join(options)}.")
        note = r.get(item, "catatan", str, where) or ""
        ambiguities[key] = Ambiguity(key, value, item.get("bawaan", value), note, options or ())

    formula_table = r.get(data, "rumus", dict, "profil") or {}
    formula_text = r.get(formula_table, "ekspresi", str, "rumus") or ""
    formula: Formula | None = None
    try:
        formula = parse_formula(formula_text)
    except FormulaError as exc:
        r.errors.append(f"rumus: {exc}")

    split_table = r.get(data, "pembagian", dict, "profil") or {}
    use_words = ambiguities.get("persen_angka_huruf") is not None and ambiguities["persen_angka_huruf"].value == "huruf"
    split: list[SplitLine] = []
    for index, line in enumerate(r.get(split_table, "pos", list, "pembagian") or [], start=1):
        where = f"pembagian.pos ke-{index}"
        if not isinstance(line, dict):
            r.errors.append(f"{where}: harus berupa tabel.")
            continue
        raw_percent = line.get("persen_huruf") if use_words and "persen_huruf" in line else line.get("persen")
        percent = r.percent(raw_percent, where)
        minimum = r.percent(line["minimum"], where) if "minimum" in line else None
        categories = r.get(line, "kategori", list, where, [])
        if minimum is not None and percent < minimum:
            r.errors.append(f"{where}: {percent}% kurang dari batas minimum {minimum}%.")
        split.append(
            SplitLine(
                code=r.get(line, "kode", str, where) or "",
                name=r.get(line, "nama", str, where) or "",
                percent=Fraction(percent),
                source=r.get(line, "sumber", str, where, ""),
                minimum=Fraction(minimum) if minimum is not None else None,
                categories=tuple(str(item) for item in categories or ()),
            )
        )
    if split and sum(line.percent for line in split) != 100:
        total = sum(line.percent for line in split)
        r.errors.append(f"pembagian: jumlah persentase {float(total):g}%, harus tepat 100%.")
    jaspel_pool = r.get(split_table, "pos_jasa_pelayanan", str, "pembagian") or ""
    if split and jaspel_pool not in {line.code for line in split}:
        r.errors.append(f"pembagian: pos_jasa_pelayanan '{jaspel_pool}' tidak ada di daftar pos.")

    spending, spending_errors = parse_spending(
        data,
        {line.code: line.categories for line in split if line.categories},
        [line.code for line in split],
        jaspel_pool,
    )
    r.errors.extend(spending_errors)

    jenis_table = r.get(data, "jenis", dict, "profil") or {}
    jenis: dict[str, int] = {}
    for key in JENIS_TENAGA:
        if key in jenis_table:
            jenis[key] = r.points(jenis_table, key, "jenis")
    for key in jenis_table:
        if key not in JENIS_TENAGA and key not in ("masa_kerja_panjang", "sumber"):
            r.errors.append(f"jenis: jenis tenaga '{key}' tidak dikenal.")
    if "tenaga_medis" not in jenis:
        r.errors.append("jenis: paling sedikit 'tenaga_medis' wajib diisi.")
    long_table = jenis_table.get("masa_kerja_panjang", {})
    long_points = r.points(long_table, "nilai", "jenis.masa_kerja_panjang", 0) if long_table else 0
    long_months = r.points(long_table, "bulan", "jenis.masa_kerja_panjang", 120) if long_table else 120

    rangkap_table = r.get(data, "rangkap", dict, "profil", {}) or {}
    rangkap = {key: r.points(rangkap_table, key, "rangkap") for key in RANGKAP if key in rangkap_table}
    cumulative = r.get(rangkap_table, "kumulatif", bool, "rangkap", False)

    attendance = r.get(data, "kehadiran", dict, "profil") or {}
    per_day = r.points(attendance, "poin_per_hari", "kehadiran", 1)
    excused = r.get(attendance, "izin_dihitung_hadir", bool, "kehadiran", True)
    block = r.points(attendance, "menit_per_blok", "kehadiran", 420)
    if block == 0:
        r.errors.append("kehadiran: 'menit_per_blok' harus lebih dari 0.")
        block = 420
    per_block = r.points(attendance, "poin_per_blok", "kehadiran", 1)

    status_table = r.get(data, "status", dict, "profil", {}) or {}
    status = {key: r.points(status_table, key, "status") for key in STATUS if key in status_table}

    service_table = r.get(data, "masa_kerja", dict, "profil", {}) or {}
    service_from = r.points(service_table, "mulai_bulan", "masa_kerja", 0) if service_table else 0
    brackets: list[ServiceBracket] = []
    previous = -1
    for index, item in enumerate(service_table.get("tingkat", []) if service_table else [], start=1):
        where = f"masa_kerja.tingkat ke-{index}"
        upper = item.get("sampai_bulan")
        if upper is not None and (not isinstance(upper, int) or upper <= previous):
            r.errors.append(f"{where}: 'sampai_bulan' harus bilangan bulat yang naik.")
        brackets.append(ServiceBracket(upper, r.points(item, "nilai", where)))
        previous = upper if isinstance(upper, int) else previous
    if brackets and brackets[-1].up_to_months is not None:
        r.errors.append("masa_kerja: tingkat terakhir harus tanpa 'sampai_bulan' (terbuka ke atas).")

    skp_table = r.get(data, "kinerja", dict, "profil", {}) or {}
    skp_above = Decimal(str(skp_table["lebih_dari"])) if "lebih_dari" in skp_table else None
    skp_from = Decimal(str(skp_table["paling_sedikit"])) if "paling_sedikit" in skp_table else None
    if skp_above is not None and skp_from is not None and skp_from > skp_above:
        r.errors.append("kinerja: 'paling_sedikit' tidak boleh melebihi 'lebih_dari'.")

    tax_table = r.get(data, "pajak", dict, "profil") or {}
    rates = {g: r.percent(tax_table.get(f"golongan_{g}", "0"), "pajak") for g in GOLONGAN}
    other = r.percent(tax_table.get("lainnya", "0"), "pajak")
    ranked = tuple(r.get(tax_table, "status_bergolongan", list, "pajak", ["pns", "cpns"]) or [])
    tax_note = r.get(tax_table, "catatan", str, "pajak", "")

    noncap = r.get(data, "nonkapitasi", dict, "profil", {}) or {}
    method = noncap.get("metode", "poin")
    if method not in ("poin", "per_kasus"):
        r.errors.append("nonkapitasi: 'metode' harus 'poin' atau 'per_kasus'.")

    period_table = r.get(data, "periode", dict, "profil", {}) or {}
    range_method = r.get(period_table, "rentang", str, "periode", "bulanan")
    if range_method not in RANGE_METHODS:
        r.errors.append(f"periode: 'rentang' harus salah satu dari {', '.join(RANGE_METHODS)}.")
    annual = r.get(period_table, "tahunan", str, "periode", "")
    if annual not in ("", "tahun_sebelumnya"):
        r.errors.append("periode: 'tahunan' harus 'tahun_sebelumnya' atau tidak diisi.")

    provider_kinds = r.get(data, "jenis_ppk", list, "profil", [])

    sources = {key: str(value.get("sumber", "")) for key, value in data.items() if isinstance(value, dict)}
    if r.errors or formula is None:
        raise ProfileError([f"{source}: {error}" for error in r.errors])
    return Profile(
        id=pid,
        title=title,
        legal_source=legal,
        effective_from=effective,
        formula=formula,
        formula_needs_check=bool(formula_table.get("perlu_dicek", False)),
        formula_note=str(formula_table.get("catatan", "")),
        split=tuple(split),
        jaspel_pool=jaspel_pool,
        jenis=jenis,
        long_service_points=long_points,
        long_service_months=long_months,
        rangkap=rangkap,
        rangkap_cumulative=bool(cumulative),
        points_per_day=per_day,
        excused_counts=bool(excused),
        minutes_per_block=block,
        points_per_block=per_block,
        status=status,
        service_from_months=service_from,
        service_brackets=tuple(brackets),
        skp_above=skp_above,
        skp_above_points=int(skp_table.get("nilai_lebih_dari", 0)),
        skp_from=skp_from,
        skp_from_points=int(skp_table.get("nilai_paling_sedikit", 0)),
        skp_below_points=int(skp_table.get("nilai_kurang", 0)),
        program_jkn=r.points(data, "program_jkn", "profil", 0),
        tax_rates=rates,
        tax_other_rate=other,
        tax_ranked_status=tuple(str(s) for s in ranked),
        tax_note=tax_note,
        noncap_method=str(method),
        ambiguities=ambiguities,
        range_method=str(range_method),
        annual_previous_year=annual == "tahun_sebelumnya",
        range_source=str(period_table.get("sumber", "")),
        provider_kinds=tuple(str(kind) for kind in provider_kinds or ()),
        spending=spending,
        sources=sources,
        raw=data,
    )


def shipped_profile_ids() -> list[str]:
    return sorted(path.stem for path in PROFILE_DIR.glob("*.toml"))


def profile_text(profile_id: str) -> str:
    if profile_id not in shipped_profile_ids():
        raise ProfileError([f"Profil '{profile_id}' tidak ada. Pilihan: {', '.join(shipped_profile_ids())}."])
    return (PROFILE_DIR / f"{profile_id}.toml").read_text(encoding="utf-8")


def load_profile(profile_id: str) -> Profile:
    """A shipped profile by id (the file name without ``.toml``)."""
    return parse_profile(profile_text(profile_id), source=f"{profile_id}.toml")
