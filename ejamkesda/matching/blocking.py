"""Blocking: which pairs of records are compared at all.

Comparing every record with every other is 10¹² pairs at a million × a million; instead each
rule below joins the two lists on a key, and only pairs sharing at least one key are scored.
Keys are 64-bit hashes (small, fast joins). Each rule catches what the others miss:

* ``nik`` — the same NIK;
* ``nik_typo`` — the same NIK with two neighbouring digits of the first 13 masked (one mistyped
  digit or two swapped neighbours) and the same first three letters of the name;
* ``dob_initial`` / ``dob_last`` — same birth date and same first letter of the name / first
  three letters of its last word;
* ``swap_first`` — the right record's birth date with day and month swapped;
* ``dob_desa`` — same birth date and village (name badly written);
* ``name_year`` / ``name_daymonth`` — same normalised name and birth year / day+month (one part
  of the date wrong);
* ``name_desa`` — same name and village (birth date missing or wrong);
* ``household`` — same village, address and first letter of the name (name and date both
  mistyped);
* ``full_name`` — the same name of two words or more, anywhere (moved, birth date missing).
"""

from __future__ import annotations

import polars as pl

from .prepare import nik16_expr

NIK_MASKS = tuple(range(12))
# rules whose key alone should single a person out: a larger block is a common name, skipped
SMALL_BLOCKS = {"full_name": 8}  # mask digits (i, i+1) for i in 0..11


def _nik_mask(i: int) -> pl.Expr:
    """The 16-digit NIK (as a number, column ``nik_number``) with digits i and i+1 zeroed."""
    nik = pl.col("nik_number")  # see candidate_pairs
    return nik // 10 ** (16 - i) * 10 ** (16 - i) + nik % 10 ** (14 - i)


def _key(*parts: pl.Expr) -> pl.Expr:
    """A 64-bit hash of the parts (of their values: no key text is built); null when one of
    them is missing. An Enum hashes by its text, so lists prepared apart get the same keys."""
    present = pl.all_horizontal([p.is_not_null() for p in parts])
    return pl.when(present).then(pl.struct([p.alias(f"p{i}") for i, p in enumerate(parts)]).hash(seed=7))


# rule name → (key on the left, key on the right)
RULES: dict[str, tuple[pl.Expr, pl.Expr]] = {
    "dob_initial": (_key(pl.col("dob"), pl.col("compact").str.slice(0, 1)),) * 2,
    "dob_last": (_key(pl.col("dob"), pl.col("last3")),) * 2,
    "swap_first": (_key(pl.col("dob"), pl.col("first3")), _key(pl.col("dob_swap"), pl.col("first3"))),
    "dob_desa": (_key(pl.col("dob"), pl.col("desa")),) * 2,
    "name_year": (_key(pl.col("compact"), pl.col("dob").dt.year()),) * 2,
    "name_daymonth": (_key(pl.col("compact"), pl.col("dob").dt.month(), pl.col("dob").dt.day()),) * 2,
    "name_desa": (_key(pl.col("compact"), pl.col("desa")),) * 2,
    "household": (_key(pl.col("desa"), pl.col("alamat"), pl.col("compact").str.slice(0, 1)),) * 2,
    "full_name": (_key(pl.when(pl.col("name").str.contains(" ", literal=True)).then(pl.col("compact"))),) * 2,
}


def _pairs_on(left: pl.DataFrame, right: pl.DataFrame, lkey: pl.Expr, rkey: pl.Expr, max_block: int) -> pl.DataFrame:
    lk = left.select(pl.col("idx").alias("li"), lkey.alias("k")).drop_nulls("k")
    rk = right.select(pl.col("idx").alias("ri"), rkey.alias("k")).drop_nulls("k")
    lk = lk.join(rk.select("k").unique(), on="k", how="semi")  # only the blocks the right side reaches
    # a block too large to be useful (e.g. a placeholder value shared by thousands) is skipped
    big = lk.group_by("k").len().filter(pl.col("len") > max_block).select("k")
    if big.height:
        lk = lk.join(big, on="k", how="anti")
    return rk.join(lk, on="k", how="inner").select("li", "ri")


def candidate_pairs(
    left: pl.DataFrame,
    right: pl.DataFrame,
    *,
    rules: tuple[str, ...] | None = None,
    nik_typos: bool = True,
    max_block: int = 50,
) -> pl.DataFrame:
    """Distinct (li, ri) candidate pairs between prepared frames ``left`` and ``right``."""
    parts = []
    for name in rules if rules is not None else tuple(RULES):
        lkey, rkey = RULES[name]
        parts.append(_pairs_on(left, right, lkey, rkey, SMALL_BLOCKS.get(name, max_block)))
    if nik_typos:
        # only the columns the keys need (a filter of the whole frame would copy every column)
        number = nik16_expr().cast(pl.UInt64, strict=False).alias("nik_number")  # 16 digits < 2⁶⁴
        lnik, rnik = (side.select("idx", number, "first3").drop_nulls("nik_number") for side in (left, right))
        for i in NIK_MASKS:
            # with the first three letters of the name: NIKs are dense (serial 0001 everywhere),
            # so a masked NIK alone is shared by many people
            key = _key(_nik_mask(i), pl.col("first3"))
            parts.append(_pairs_on(lnik, rnik, key, key, max_block))
    if not parts:
        return pl.DataFrame(schema={"li": pl.UInt32, "ri": pl.UInt32})
    # distinct pairs as one 64-bit number each: a far smaller hash table than two columns
    pair = pl.col("li").cast(pl.UInt64) * 2**32 + pl.col("ri").cast(pl.UInt64)
    distinct = pl.concat([p.select(pair.alias("pair")) for p in parts]).unique()
    return distinct.select(
        (pl.col("pair") // 2**32).cast(pl.UInt32).alias("li"), (pl.col("pair") % 2**32).cast(pl.UInt32).alias("ri")
    )


def nik_pairs(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    """Pairs with exactly the same NIK."""
    lk = left.select(pl.col("idx").alias("li"), pl.col("nik")).drop_nulls("nik")
    rk = right.select(pl.col("idx").alias("ri"), pl.col("nik")).drop_nulls("nik")
    return rk.join(lk, on="nik", how="inner").select("li", "ri")
