"""Comparison features of candidate pairs: one small integer level per attribute.

Level -1 means "no evidence" (a value is missing on one side, or — for the NIK — the
difference lies only in the serial, see below) and weighs nothing in the model.

NIK evidence (docs/pemadanan.md; NIK structure in ejamkesda/rules/nik.py):

* ``exact`` — the same 16 digits;
* ``typo`` — one mistyped digit or two swapped neighbouring digits that no true difference
  explains, or one digit missing/extra: a clerical error, evidence of the same person;
* ``no evidence`` — the NIKs differ only where two different people's NIKs naturally differ,
  so this is *not* evidence of the same person, and not against it either (weight 0):

  - only the serial (digits 13–16): two people born on the same day in the same district
    get NIKs that differ exactly there (twins!);
  - only the district digits (5–6): people born on the same day in neighbouring districts
    often both have serial 0001;
* ``different, each consistent`` — two valid NIKs that differ otherwise while each agrees with
  its own record's birth date: two people (weighs more than a plain ``different``);
* ``different`` — anything else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import Indel, JaroWinkler, Levenshtein

MISSING = -1


@dataclass(frozen=True)
class Feature:
    name: str
    levels: tuple[str, ...]  # label of level 0, 1, … (Bahasa Indonesia, used in the reasons)
    neutral: tuple[int, ...] = ()  # levels that carry no evidence (besides MISSING)


FEATURES = (
    Feature(
        "nik",
        ("beda, masing-masing sesuai tgl lahirnya", "beda", "beda wajar (bukan bukti)", "salah ketik", "sama"),
        neutral=(2,),
    ),
    Feature("nama", ("beda", "agak mirip", "mirip", "sangat mirip", "sama")),
    Feature("jk", ("beda", "sama")),
    Feature("tgl_lahir", ("beda", "tahun sama", "salah ketik", "hari-bulan tertukar", "sama")),
    Feature("tempat_lahir", ("beda", "mirip", "sama")),
    # one address feature: village and street are strongly dependent (a household shares both)
    Feature("alamat", ("beda", "kecamatan sama", "desa sama", "desa sama, jalan mirip", "desa dan alamat sama")),
)
FEATURE_NAMES = tuple(f.name for f in FEATURES)
NIK_EXACT, NIK_TYPO, NIK_SERIAL, NIK_DIFFERENT, NIK_DIFFERENT_CONSISTENT = 4, 3, 2, 1, 0


def _similarity(left: pl.Series, right: pl.Series, *, strict: bool = False) -> np.ndarray:
    """Jaro-Winkler similarity (0–1) of two aligned string Series; 1 where equal.

    ``strict``: the better of Jaro-Winkler and the Indel ratio, but at most the Indel ratio +
    0.08, so a long shared beginning (MUHAMAD…, SITI…) does not make two names look alike."""
    n = len(left)
    sim = np.ones(n, dtype=np.float32)
    differ = (left != right).fill_null(False).to_numpy()
    if differ.any():
        a, b = left.filter(differ).to_list(), right.filter(differ).to_list()
        jw = process.cpdist(a, b, scorer=JaroWinkler.normalized_similarity, workers=-1)
        if strict:
            indel = process.cpdist(a, b, scorer=Indel.normalized_similarity, workers=-1)
            # Jaro-Winkler is weak on a letter missing near the start (STI/SITI): the better
            # of the two, but never far above the Indel ratio
            jw = np.minimum(np.maximum(jw, indel), indel + 0.08)
        sim[differ] = jw
    return sim


def _token_subset(left: pl.Series, right: pl.Series) -> np.ndarray:
    """True where all words of the shorter name appear in the longer one (M. YUSUF ⊂ …)."""
    frame = pl.DataFrame({"a": left.str.split(" "), "b": right.str.split(" ")})
    inter = frame.select(pl.col("a").list.set_intersection(pl.col("b")).list.len().alias("n"))["n"]
    shorter = frame.select(pl.min_horizontal(pl.col("a").list.len(), pl.col("b").list.len()).alias("s"))["s"]
    longer = frame.select(pl.max_horizontal(pl.col("a").list.len(), pl.col("b").list.len()).alias("s"))["s"]
    # one word inside a long name ("SITI" ⊂ "SITI SAFINA PAULIN") says little
    enough = (shorter >= 2) | ((shorter == 1) & (longer == 2))
    return ((inter == shorter) & enough).fill_null(False).to_numpy()


def nik_levels(
    left_digits: np.ndarray,
    right_digits: np.ndarray,
    left_nik: pl.Series,
    right_nik: pl.Series,
    dob_ok: np.ndarray | None = None,
) -> np.ndarray:
    """NIK level of each pair (see module doc). ``*_digits``: (P, 16) uint8, rows aligned;
    ``dob_ok``: both NIKs agree with their own record's birth date."""
    n = len(left_nik)
    level = np.full(n, MISSING, dtype=np.int8)
    present = (left_nik.is_not_null() & right_nik.is_not_null()).to_numpy()
    equal = (left_nik == right_nik).fill_null(False).to_numpy()
    level[present] = NIK_DIFFERENT
    level[equal] = NIK_EXACT
    both16 = present & ~equal & (left_nik.str.len_bytes() == 16).fill_null(False).to_numpy()
    both16 &= (right_nik.str.len_bytes() == 16).fill_null(False).to_numpy()
    rows = np.flatnonzero(both16)
    if len(rows):
        a, b = left_digits[rows], right_digits[rows]
        diff = a != b
        count = diff.sum(axis=1)
        first = diff.argmax(axis=1)
        last = 15 - diff[:, ::-1].argmax(axis=1)
        in_dob = (first >= 6) & (last <= 11)
        explained = (first >= 12) | ((first >= 4) & (last <= 5))
        # birth-date digits that differ while each NIK agrees with its own record: two people
        # born on different days — a real difference, not a typo
        real_dob = in_dob & dob_ok[rows] if dob_ok is not None else np.zeros(len(rows), dtype=bool)
        typo = (count == 1) & ~explained & ~real_dob
        # two swapped neighbours: positions p and p+1 differ and hold each other's digit
        p = np.minimum(first, 14)
        ar = np.arange(len(rows))
        swapped = (count == 2) & diff[ar, p + 1] & (a[ar, p] == b[ar, p + 1]) & (a[ar, p + 1] == b[ar, p]) & (p < 12)
        swapped &= ~explained & ~real_dob
        sub = np.full(len(rows), NIK_DIFFERENT, dtype=np.int8)
        if dob_ok is not None:
            # two valid NIKs, each agreeing with its own record's birth date: two people
            sub[dob_ok[rows]] = NIK_DIFFERENT_CONSISTENT
        sub[explained] = NIK_SERIAL
        sub[typo | swapped] = NIK_TYPO
        level[rows] = sub
    # other lengths (a digit missing or extra): one edit apart is a typo
    other = np.flatnonzero(present & ~equal & ~both16)
    if len(other):
        dist = process.cpdist(
            left_nik.gather(other).to_list(), right_nik.gather(other).to_list(), scorer=Levenshtein.distance, workers=-1
        )
        level[other[dist <= 1]] = NIK_TYPO
    return level


def dob_levels(ld: pl.Series, rd: pl.Series, r_swap: pl.Series) -> np.ndarray:
    """4 same, 3 day and month swapped, 2 a typo (one digit, or one part off by one),
    1 same year only, 0 different, -1 missing."""
    frame = pl.DataFrame({"l": ld, "r": rd, "s": r_swap})
    lc, r = pl.col("l"), pl.col("r")
    as_int = [d.dt.year().cast(pl.Int32) * 10000 + d.dt.month().cast(pl.Int32) * 100 + d.dt.day() for d in (lc, r)]
    digits_differ = pl.sum_horizontal(
        [((as_int[0] // 10**k) % 10 != (as_int[1] // 10**k) % 10).cast(pl.Int8) for k in range(8)]
    )
    year, month, day = (lc.dt.year() == r.dt.year()), (lc.dt.month() == r.dt.month()), (lc.dt.day() == r.dt.day())
    off_by_one = (
        (year & month & ((lc.dt.day().cast(pl.Int32) - r.dt.day().cast(pl.Int32)).abs() <= 1))
        | (year & day & ((lc.dt.month().cast(pl.Int32) - r.dt.month().cast(pl.Int32)).abs().is_in([1, 11])))
        | (month & day & ((lc.dt.year() - r.dt.year()).abs() <= 1))
    )
    expr = (
        pl.when(lc.is_null() | r.is_null())
        .then(MISSING)
        .when(lc == r)
        .then(4)
        .when(lc == pl.col("s"))
        .then(3)
        .when((digits_differ == 1) | off_by_one)
        .then(2)
        .when(year)
        .then(1)
        .otherwise(0)
    )
    return frame.select(expr.cast(pl.Int8).alias("x"))["x"].to_numpy()


def _three_levels(sim: np.ndarray, present: np.ndarray, equal: np.ndarray, near: float) -> np.ndarray:
    level = np.where(equal, 2, np.where(sim >= near, 1, 0)).astype(np.int8)
    level[~present] = MISSING
    return level


CHUNK = 200_000  # pairs compared at a time: bounds the memory of the gathered columns


def compare(left: pl.DataFrame, right: pl.DataFrame, li: np.ndarray, ri: np.ndarray, nik_digits) -> pl.DataFrame:
    """Levels of every feature for the pairs (li[k], ri[k]); also the name similarity."""
    if len(li) > CHUNK:
        return pl.concat(
            [_compare(left, right, li[i : i + CHUNK], ri[i : i + CHUNK], nik_digits) for i in range(0, len(li), CHUNK)]
        )
    return _compare(left, right, li, ri, nik_digits)


def _compare(left: pl.DataFrame, right: pl.DataFrame, li: np.ndarray, ri: np.ndarray, nik_digits) -> pl.DataFrame:
    cols = ["nik", "name", "compact", "sex", "dob", "place", "desa", "district", "alamat", "rt", "rw", "nik_dob_ok"]
    lp = left.select(cols)[pl.Series(li)] if len(li) else left.select(cols).clear()
    rp = right.select([*cols, "dob_swap"])[pl.Series(ri)] if len(ri) else right.select([*cols, "dob_swap"]).clear()
    # Enums of two lists prepared apart (prepare_lists gives both the same) compare as text
    differ = [c for c in cols if lp[c].dtype != rp[c].dtype]
    if differ:
        lp, rp = (p.with_columns(pl.col(differ).cast(pl.String)) for p in (lp, rp))
    text = [c for c in ("place", "alamat") if lp[c].dtype != pl.String]
    lp, rp = (p.with_columns(pl.col(text).cast(pl.String)) for p in (lp, rp))
    out: dict[str, np.ndarray] = {}
    ld, rd = nik_digits
    dob_ok = (lp["nik_dob_ok"] & rp["nik_dob_ok"]).to_numpy()
    out["nik"] = nik_levels(ld[0][li], rd[0][ri], lp["nik"], rp["nik"], dob_ok)

    sim = _similarity(lp["compact"], rp["compact"], strict=True)
    # word subset (M. YUSUF ⊂ MUHAMAD YUSUF BAHRI) matters only where the names are not alike
    subset = np.zeros(len(li), dtype=bool)
    unlike = sim < 0.86
    if unlike.any():
        subset[unlike] = _token_subset(lp["name"].filter(unlike), rp["name"].filter(unlike))
        # one name is the beginning of the other (PAULINCINTA, PAULINCINTAMAYASARI)
        pre = pl.DataFrame({"a": lp["compact"].filter(unlike), "b": rp["compact"].filter(unlike)}).select(
            (
                (pl.col("a").str.starts_with(pl.col("b")) | pl.col("b").str.starts_with(pl.col("a")))
                & (pl.min_horizontal(pl.col("a").str.len_chars(), pl.col("b").str.len_chars()) >= 6)
            ).fill_null(False)
        )
        subset[unlike] |= pre.to_series().to_numpy()
    present = (lp["compact"].is_not_null() & rp["compact"].is_not_null()).to_numpy()
    name = np.select([sim >= 0.9999, sim >= 0.94, (sim >= 0.86) | subset, sim >= 0.75], [4, 3, 2, 1], 0).astype(np.int8)
    name[~present] = MISSING
    out["nama"] = name

    sex_present = (lp["sex"].is_not_null() & rp["sex"].is_not_null()).to_numpy()
    sex = (lp["sex"] == rp["sex"]).fill_null(False).to_numpy().astype(np.int8)
    sex[~sex_present] = MISSING
    out["jk"] = sex
    out["tgl_lahir"] = dob_levels(lp["dob"], rp["dob"], rp["dob_swap"])

    place_present = (lp["place"].is_not_null() & rp["place"].is_not_null()).to_numpy()
    out["tempat_lahir"] = _three_levels(
        _similarity(lp["place"].fill_null(""), rp["place"].fill_null("")),
        place_present,
        (lp["place"] == rp["place"]).fill_null(False).to_numpy(),
        0.88,
    )
    desa_present = (lp["desa"].is_not_null() & rp["desa"].is_not_null()).to_numpy()
    same_desa = (lp["desa"] == rp["desa"]).fill_null(False).to_numpy()
    same_district = (lp["district"] == rp["district"]).fill_null(False).to_numpy()
    same_rt = ((lp["rt"] == rp["rt"]) & (lp["rw"] == rp["rw"])).fill_null(True).to_numpy()
    addr_sim = np.zeros(len(li), dtype=np.float32)
    if same_desa.any():
        addr_sim[same_desa] = _similarity(
            lp["alamat"].filter(same_desa).fill_null(""), rp["alamat"].filter(same_desa).fill_null("")
        )
    addr_present = (lp["alamat"].is_not_null() & rp["alamat"].is_not_null()).to_numpy()
    addr = np.select(
        [
            same_desa & addr_present & (addr_sim >= 0.97) & same_rt,
            same_desa & addr_present & (addr_sim >= 0.85),
            same_desa,
            same_district,
        ],
        [4, 3, 2, 1],
        0,
    ).astype(np.int8)
    addr[~desa_present] = MISSING
    out["alamat"] = addr

    frame = pl.DataFrame({k: pl.Series(v, dtype=pl.Int8) for k, v in out.items()})
    return frame.with_columns(
        li=pl.Series(li, dtype=pl.UInt32), ri=pl.Series(ri, dtype=pl.UInt32), name_sim=pl.Series(sim, dtype=pl.Float32)
    )


def reasons_expr(columns: dict[str, str] | None = None) -> pl.Expr:
    """Human-readable reasons, e.g. ``nik: sama; nama: mirip; tgl_lahir: hari-bulan tertukar``."""
    parts = []
    for feature in FEATURES:
        mapping = {i: f"{feature.name}: {label}" for i, label in enumerate(feature.levels)}
        mapping[MISSING] = f"{feature.name}: kosong"
        parts.append(pl.col(feature.name).replace_strict(mapping, return_dtype=pl.String, default=None))
    return pl.concat_str(parts, separator="; ", ignore_nulls=True)
