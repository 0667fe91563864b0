"""Turn a contract frame into the columns the engine compares (vectorised, polars).

Memory (docs/kinerja.md: ≤ 1.5 GB at 1M × 1M): every value that repeats a lot (sex, birth place,
village, district, address, RT, RW, the first three letters of the name and of its last word)
is an ``Enum`` of its distinct values — 1 to 4 bytes a row instead of a 16-byte string view —
normalised once per distinct value; the raw text columns are released one by one as soon as
they are used (:func:`prepare_lists`), so the raw and the prepared lists are never both whole
in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import polars as pl

from .normalize import compact_expr, digits_expr, normalize_series, text_expr

Raw = dict[str, pl.Series]


def _distinct(series: pl.Series, fn: Callable[[pl.Expr], pl.Expr]) -> pl.DataFrame:
    """``raw → out``: ``fn`` applied once to each distinct value (villages, dates, places repeat)."""
    return pl.DataFrame({"raw": series.cast(pl.String)}).unique().with_columns(fn(pl.col("raw")).alias("out"))


def _lookup(series: pl.Series, table: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``table`` (keyed by ``raw``) for each value of ``series``, in its order."""
    values = pl.DataFrame({"raw": series.cast(pl.String)})
    return values.join(table, on="raw", how="left", nulls_equal=True, maintain_order="left").drop("raw")


def as_enum(table: pl.DataFrame, column: str) -> pl.DataFrame:
    """``table[column]`` (text) as an Enum of its distinct values (nulls stay null)."""
    categories = table[column].drop_nulls().unique().sort()
    return table.with_columns(pl.col(column).cast(pl.Enum(categories)))


def _coded(series: pl.Series, fn: Callable[[pl.Expr], pl.Expr], name: str) -> pl.Series:
    """``fn`` of each value, computed once per distinct value, as an Enum."""
    return _lookup(series, as_enum(_distinct(series, fn), "out"))["out"].alias(name)


def _date_expr(raw: pl.Expr) -> pl.Expr:
    return raw.str.strip_chars().str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)


def _sex_expr(column: str | pl.Expr) -> pl.Expr:
    raw = (pl.col(column) if isinstance(column, str) else column).cast(pl.String).str.strip_chars().str.to_uppercase()
    return (
        pl.when(raw.is_in(["L", "LK", "LAKI-LAKI", "LAKI LAKI", "LAKI", "M", "1"]))
        .then(pl.lit("L"))
        .when(raw.is_in(["P", "PR", "PEREMPUAN", "WANITA", "F", "W", "2"]))
        .then(pl.lit("P"))
        .otherwise(None)
    )


def nik16_expr(column: str = "nik") -> pl.Expr:
    """The NIK where it has the 16 digits of a NIK (ejamkesda/rules/nik.py), else null."""
    nik = pl.col(column)
    return pl.when(nik.str.len_bytes() == 16).then(nik).otherwise(None)


def _nik_parts(nik: pl.Expr, this_year_2d: int) -> tuple[pl.Expr, pl.Expr]:
    """Sex and birth date written in a 16-digit NIK (ejamkesda/rules/nik.py: day + 40 for women)."""
    day = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    month = nik.str.slice(8, 2).cast(pl.Int32, strict=False)
    yy = nik.str.slice(10, 2).cast(pl.Int32, strict=False)
    sex = pl.when(day > 40).then(pl.lit("P")).when(day > 0).then(pl.lit("L")).otherwise(None)
    real_day = pl.when(day > 40).then(day - 40).otherwise(day)
    year = pl.when(yy <= this_year_2d).then(yy + 2000).otherwise(yy + 1900)
    ok = (real_day >= 1) & (real_day <= 31) & (month >= 1) & (month <= 12)
    text = pl.format("{}-{}-{}", year, month.cast(pl.String).str.zfill(2), real_day.cast(pl.String).str.zfill(2))
    date = pl.when(ok).then(text.str.to_date("%Y-%m-%d", strict=False)).otherwise(None)
    return sex, date


_SEX = pl.Enum(["L", "P"])


def _names(raw: pl.Series) -> pl.DataFrame:
    """name, compact (String) and first3, last3 (Enum) of each raw name, each distinct name once."""
    distinct = pl.DataFrame({"raw": raw.cast(pl.String)}).unique()
    table = distinct.with_columns(name=normalize_series(distinct["raw"])).with_columns(
        compact=compact_expr("name"),
        first3=pl.col("name").str.slice(0, 3),
        last3=pl.col("name").str.extract(r"(\S+)$").str.slice(0, 3),
    )
    return _lookup(raw, as_enum(as_enum(table, "first3"), "last3"))


def _prepare(raw: Raw, today: dt.date | None) -> pl.DataFrame:
    """The engine's columns from the raw contract columns in ``raw``, which is emptied: each
    raw column is dropped as soon as it has been used (freed if nobody else holds it)."""
    today = today or dt.date.today()
    height = len(raw["id"])
    cols: dict[str, pl.Series] = {"idx": pl.Series("idx", range(height), dtype=pl.UInt32)}
    # the columns that shrink most first, the names (the largest temporary memory) last
    cols["sex"] = _coded(raw.pop("jenis_kelamin"), _sex_expr, "sex").cast(_SEX)
    cols["dob"] = _lookup(raw["tgl_lahir"], _distinct(raw.pop("tgl_lahir"), _date_expr))["out"].alias("dob")
    cols["place"] = _coded(raw.pop("tempat_lahir"), text_expr, "place")
    villages = _distinct(raw["kode_desa"], digits_expr).with_columns(district=pl.col("out").str.slice(0, 6))
    villages = as_enum(as_enum(villages, "out"), "district")
    village_cols = _lookup(raw.pop("kode_desa"), villages)
    cols["desa"], cols["district"] = village_cols["out"].alias("desa"), village_cols["district"]
    del village_cols
    cols["alamat"] = _coded(raw.pop("alamat"), text_expr, "alamat")
    cols["rt"] = _coded(raw.pop("rt"), digits_expr, "rt")
    cols["rw"] = _coded(raw.pop("rw"), digits_expr, "rw")
    cols["id"] = raw.pop("id").cast(pl.String).str.strip_chars().alias("id")
    digits = pl.col("nik").cast(pl.String).str.replace_all(r"\D", "")
    cols["nik"] = pl.DataFrame({"nik": raw.pop("nik")}).select(pl.when(digits != "").then(digits))["nik"]
    names = _names(raw.pop("nama"))
    out = pl.DataFrame([*cols.values(), *names.get_columns()])
    del cols, names

    nik16 = nik16_expr()
    nik_sex, nik_dob = _nik_parts(nik16, today.year % 100)
    dob = pl.col("dob")
    out = out.with_columns(dob_given=dob.is_not_null()).with_columns(
        # a missing sex or birth date is taken from the NIK's own structure
        sex=pl.coalesce(pl.col("sex"), nik_sex.cast(_SEX)),
        dob=pl.coalesce(dob, nik_dob),
    )
    swapped = pl.date(dob.dt.year(), dob.dt.day(), dob.dt.month())
    can_swap = (dob.dt.day() <= 12) & (dob.dt.day() != dob.dt.month())
    # does the birth date written in the NIK agree with the record's own birth date?
    nik_day = nik16.str.slice(6, 2).cast(pl.Int32, strict=False)
    out = out.with_columns(
        dob_swap=pl.when(can_swap).then(swapped).otherwise(None),
        nik_dob_ok=(
            ((nik_day % 40) == dob.dt.day()) & (nik16.str.slice(8, 4) == dob.dt.strftime("%m%y")) & pl.col("dob_given")
        ).fill_null(False),
    )
    columns = ["idx", "id", "nik", "sex", "dob", "place", "desa", "alamat", "rt", "rw", "name", "dob_given"]
    columns += ["compact", "district", "dob_swap", "first3", "last3", "nik_dob_ok"]
    return out.select(columns).rechunk()


def prepare(frame: pl.DataFrame, *, today: dt.date | None = None) -> pl.DataFrame:
    """Columns: idx, id, nik (digits), sex, dob, dob_swap, name, compact, first3, last3,
    place, desa, district, alamat, rt, rw, dob_given, nik_dob_ok. Missing values are null;
    sex, place, desa, district, alamat, rt, rw, first3 and last3 are Enums."""
    return _prepare(_columns(frame), today)


def prepare_lists(frames: list[pl.DataFrame], *, today: dt.date | None = None) -> list[pl.DataFrame]:
    """Prepare several contract frames in one go (a name or village found in more than one is
    normalised once, and their Enums are the same). ``frames`` is emptied: if the caller keeps
    no other reference to them, the raw text is freed column by column while preparing."""
    sizes = [f.height for f in frames]
    raw = _columns(pl.concat(frames, how="vertical_relaxed", rechunk=False))
    frames.clear()
    both = _prepare(raw, today)
    out, start = [], 0
    for size in sizes:
        # _prepare() returns contiguous columns, so the slices are views, not copies
        out.append(both.slice(start, size).with_columns(pl.col("idx") - start))
        start += size
    return out


def _columns(frame: pl.DataFrame) -> Raw:
    return dict(zip(frame.columns, frame.get_columns(), strict=True))


def prepare_both(left: pl.DataFrame, right: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Prepare two lists in one go: a name or village found in both is normalised once."""
    lp, rp = prepare_lists([left, right])
    return lp, rp


def nik_matrix(nik: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """(n, 16) uint8 digits of each 16-digit NIK, and a mask of rows that have one (a NIK of
    another length counts as missing)."""
    frame = pl.DataFrame({"nik": nik.cast(pl.String)})
    valid = frame.select(nik16_expr().is_not_null()).to_series()
    text = frame.select(nik16_expr().fill_null("0" * 16).str.join("")).item() if len(nik) else ""
    digits = np.frombuffer(text.encode("ascii"), dtype=np.uint8).reshape(-1, 16) - ord("0")
    return digits, valid.to_numpy()
