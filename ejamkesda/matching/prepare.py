"""Turn a contract frame into the columns the engine compares (vectorised, polars)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import polars as pl

from .normalize import compact_expr, digits_expr, normalize_series, text_expr


def _on_unique(series: pl.Series, fn: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    """Apply ``fn`` to each distinct value once (villages, dates, places repeat a lot)."""
    values = pl.DataFrame({"raw": series.cast(pl.String)})
    distinct = values.unique().with_columns(fn(pl.col("raw")).alias("out"))
    return values.join(distinct, on="raw", how="left", nulls_equal=True, maintain_order="left")["out"]


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


def _nik_parts(nik: pl.Expr, this_year_2d: int) -> tuple[pl.Expr, pl.Expr]:
    """Sex and birth date written in a 16-digit NIK (DESIGN.md §4: day + 40 for women)."""
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


def prepare(frame: pl.DataFrame, *, today: dt.date | None = None) -> pl.DataFrame:
    """Columns: idx, id, nik (digits), nik16, sex, dob, dob_swap, name, compact, first3, last3,
    place, desa, district, alamat, rt, rw. Missing values are null."""
    today = today or dt.date.today()

    def unique(column: str, fn: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
        return _on_unique(frame[column], fn).alias(column)

    out = pl.DataFrame(
        [
            pl.Series("idx", range(frame.height), dtype=pl.UInt32),
            frame["id"].cast(pl.String).str.strip_chars(),
            frame.select(pl.col("nik").cast(pl.String).str.replace_all(r"\D", ""))["nik"],
            unique("jenis_kelamin", _sex_expr).alias("sex"),
            unique("tgl_lahir", _date_expr).alias("dob"),
            unique("tempat_lahir", text_expr).alias("place"),
            unique("kode_desa", digits_expr).alias("desa"),
            unique("alamat", text_expr),
            unique("rt", digits_expr),
            unique("rw", digits_expr),
        ]
    )
    out = out.with_columns(
        name=normalize_series(frame["nama"]),
        nik=pl.when(pl.col("nik") == "").then(None).otherwise(pl.col("nik")),
    )
    nik16 = pl.when(pl.col("nik").str.len_bytes() == 16).then(pl.col("nik")).otherwise(None)
    out = out.with_columns(nik16=nik16)
    nik_sex, nik_dob = _nik_parts(pl.col("nik16"), today.year % 100)
    out = out.with_columns(dob_given=pl.col("dob").is_not_null())
    out = out.with_columns(
        # a missing sex or birth date is taken from the NIK's own structure
        sex=pl.coalesce(pl.col("sex"), nik_sex),
        dob=pl.coalesce(pl.col("dob"), nik_dob),
        compact=compact_expr("name"),
        district=pl.col("desa").str.slice(0, 6),
    )
    dob = pl.col("dob")
    swapped = pl.date(dob.dt.year(), dob.dt.day(), dob.dt.month())
    can_swap = (dob.dt.day() <= 12) & (dob.dt.day() != dob.dt.month())
    out = out.with_columns(
        dob_swap=pl.when(can_swap).then(swapped).otherwise(None),
        first3=pl.col("name").str.slice(0, 3),
        last3=pl.col("name").str.extract(r"(\S+)$").str.slice(0, 3),
    )
    # does the birth date written in the NIK agree with the record's own birth date?
    nik_day = pl.col("nik16").str.slice(6, 2).cast(pl.Int32, strict=False)
    out = out.with_columns(
        nik_dob_ok=(
            ((nik_day % 40) == dob.dt.day())
            & (pl.col("nik16").str.slice(8, 4) == dob.dt.strftime("%m%y"))
            & pl.col("dob_given")
        ).fill_null(False)
    )
    return out.rechunk()


def prepare_both(left: pl.DataFrame, right: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Prepare two lists in one go: a name or village found in both is normalised once."""
    both = prepare(pl.concat([left, right], how="vertical_relaxed", rechunk=False))
    n = left.height
    # prepare() returns contiguous columns, so the two slices are views, not copies
    return both.slice(0, n), both.slice(n).with_columns(pl.col("idx") - n)


def nik_matrix(nik16: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """(n, 16) uint8 digits of each 16-digit NIK, and a mask of rows that have one."""
    valid = nik16.is_not_null().to_numpy()
    text = "".join(nik16.fill_null("0" * 16).to_list()).encode("ascii")
    digits = np.frombuffer(text, dtype=np.uint8).reshape(-1, 16) - ord("0")
    return digits, valid
