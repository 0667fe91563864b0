"""Normalisation of Indonesian names, places and addresses for matching (pemadanan).

Everything is a polars expression so that a million names are normalised in Rust, in
parallel; :func:`normalize_name` applies the same expression to one string (tests, UI).

Name rules (docs/pemadanan.md, "normalised for Indonesian spelling"):

* upper case, accents removed (``É`` → ``E``), everything after the first comma dropped
  (degrees are written after a comma: ``Budi, S.Pd., M.Si.``);
* academic degrees at the end (``S.Pd``, ``S.Kom``, ``A.Md.Kep``, ``M.Si``, ``Ph.D`` …) and
  titles at the start (``H.``, ``Hj.``, ``Dr.``, ``Drs.``, ``Ir.``, ``Prof.``, ``KH.``, ``Tgk.`` …)
  removed — a name is never reduced to nothing;
* Muhammad and its spellings (``Muhamad``, ``Mohammad``, ``Mochamad``, ``Moh.``, ``Muh.``,
  ``Mhd.``, ``M.`` …) become one token, ``Abd.`` becomes ``Abdul``;
* old (pre-1972, "Ejaan Soewandi") spellings: ``dj`` → ``j``, ``tj`` → ``c``, ``nj`` → ``ny``,
  ``sj`` → ``sy``, ``oe`` → ``u``; ``ch``/``kh`` → ``h`` (Achmad/Ahmad, Khairul/Hairul),
  ``th`` → ``t``, ``ph`` → ``f``, ``dh`` → ``d``;
* repeated letters collapsed (``Sitti`` → ``SITI``), spacing normalised;
* the compact form (no spaces) makes ``Nur Hasanah`` equal ``Nurhasanah``.

The whole pipeline is repeated until nothing changes, so it is idempotent.
"""

from __future__ import annotations

import polars as pl

# Degrees (gelar akademik) as written after a name; dots and spaces between the parts are
# optional when matching ("S.Pd.I", "S. Pd. I", "SPdI").
DEGREES = [
    "S.PD.I",
    "S.PD.SD",
    "S.PD",
    "S.KOM",
    "S.I.KOM",
    "S.E.I",
    "S.E",
    "S.H.I",
    "S.H",
    "S.T",
    "S.SOS",
    "S.AG",
    "S.KEP",
    "S.KEB",
    "S.FARM",
    "S.KED",
    "S.KM",
    "S.SI",
    "S.IP",
    "S.HUT",
    "S.P",
    "S.PT",
    "S.PI",
    "S.TR.KEB",
    "S.ST",
    "S.PSI",
    "S.AK",
    "S.SY",
    "S.GZ",
    "S.KP",
    "S.TP",
    "S.IKOM",
    "S.HUM",
    "S.IKM",
    "S.TR.KES",
    "S.AP",
    "S.PAR",
    "S.STP",
    "A.MD.KEP",
    "A.MD.KEB",
    "A.MD.KES",
    "A.MD.FARM",
    "A.MD.AK",
    "A.MD.GZ",
    "A.MD",
    "A.MA.PD",
    "A.MA",
    "A.MK",
    "A.MKEB",
    "A.MKEP",
    "M.PD.I",
    "M.PD",
    "M.SI",
    "M.KES",
    "M.M",
    "M.H",
    "M.T",
    "M.KOM",
    "M.AG",
    "M.SC",
    "M.A",
    "M.E",
    "M.TI",
    "M.FARM",
    "M.AK",
    "M.KEP",
    "M.KEB",
    "M.IP",
    "M.AP",
    "M.HUM",
    "M.PH",
    "PH.D",
    "DR.H",
    "LC",
    "MBA",
    "MPH",
    "SP.OG",
    "SP.PD",
    "SP.A",
    "SP.B",
    "SP.JP",
    "SP.M",
    "SP.THT",
    "SP.KK",
    "SP.S",
    "SP.RAD",
    "SP.AN",
    "SP.P",
    "SP.U",
    "SP.KJ",
    "SP.N",
    "SP.PK",
    "SP.PA",
    "SP.OT",
    "SP.BS",
    "SP.F",
    "SP.GK",
    "SP.KG",
    "APT",
    "NS",
    "BC",
    "BA",
    "SST",
    "SKM",
    "AMK",
    "AMD",
    "SE",
    "SH",
    "ST",
    "SPD",
]

# Titles (gelar/sebutan) written before a name.
TITLES = [
    "H",
    "HJ",
    "HJH",
    "HAJI",
    "HAJJAH",
    "DR",
    "DRS",
    "DRA",
    "DRG",
    "DRH",
    "IR",
    "PROF",
    "KH",
    "KYAI",
    "TGK",
    "TEUKU",
    "CUT",
    "DT",
    "R",
    "RM",
    "RA",
    "RR",
    "NY",
    "NN",
    "TN",
    "SDR",
    "SDRI",
    "BPK",
]

MUHAMMAD = [
    "MUHAMMAD",
    "MUHAMAD",
    "MUHAMMED",
    "MUHAMED",
    "MOHAMMAD",
    "MOHAMAD",
    "MOHAMMED",
    "MOHAMED",
    "MOCHAMMAD",
    "MOCHAMAD",
    "MOCHAMED",
    "MUCHAMMAD",
    "MUCHAMAD",
    "MUHHAMMAD",
    "MOHD",
    "MOCH",
    "MOH",
    "MUH",
    "MUHD",
    "MHD",
    "MHMD",
    "MD",
    "M",
]
MUHAMMAD_CANON = "MUHAMAD"

# Old-spelling and variant digraphs, applied in this order (pairs: pattern, replacement).
TRANSLITERATIONS = (
    ("DJ", "J"),
    ("TJ", "C"),
    ("NJ", "NY"),
    ("SJ", "SY"),
    ("OE", "U"),
    ("CH", "H"),
    ("KH", "H"),
    ("TH", "T"),
    ("PH", "F"),
    ("DH", "D"),
)

_FROM = "ÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇÝ"
_TO = "AAAAAAEEEEIIIIOOOOOUUUUNCY"


def _degree_pattern(degree: str) -> str:
    parts = degree.split(".")
    return r"\.?\s*".join(parts) + r"\.?"


_DEGREE_ALT = "|".join(_degree_pattern(d) for d in sorted(DEGREES, key=len, reverse=True))
# one or more degrees at the end, each preceded by a space, comma or dot
_DEGREES_AT_END = rf"(?:[\s,.]+(?:{_DEGREE_ALT}))+[\s,.]*$"
_TITLES_AT_START = rf"^(?:(?:{'|'.join(sorted(TITLES, key=len, reverse=True))})(?:\.\s*|\s+))+"
_MUHAMMAD_TOKEN = rf"\b(?:{'|'.join(sorted(MUHAMMAD, key=len, reverse=True))})\b"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DOUBLES = [c + c for c in _LETTERS]


def _upper_ascii(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String).fill_null("").str.to_uppercase().str.replace_many(list(_FROM), list(_TO))


def _collapse_repeats(expr: pl.Expr) -> pl.Expr:
    # Aho-Corasick in one pass per call; runs of up to four letters per call, and callers
    # loop to the fixed point.
    for _ in range(2):
        expr = expr.str.replace_many(_DOUBLES, list(_LETTERS))
    return expr


def _transliterate(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_many([a for a, _ in TRANSLITERATIONS], [b for _, b in TRANSLITERATIONS])


def _name_pass(frame: pl.DataFrame, col: str) -> pl.DataFrame:
    """One pass of the name pipeline over ``frame[col]`` (upper-case ASCII).

    Steps are materialised one by one (``with_columns``) so the expression tree stays small.
    """
    c = pl.col(col)

    def keep_if_letters(candidate: pl.Expr) -> pl.Expr:
        # never reduce a name to nothing
        return pl.when(candidate.str.contains(r"[A-Z]")).then(candidate).otherwise(c).alias(col)

    # the costly regular expressions run only on the rows that can need them
    frame = _where(frame, c.str.contains(",", literal=True), keep_if_letters(c.str.replace(r",.*$", "")), col)
    frame = frame.with_columns(keep_if_letters((" " + c).str.replace(_DEGREES_AT_END, "").str.strip_chars()))
    frame = frame.with_columns(keep_if_letters(c.str.strip_chars(" .,").str.replace(_TITLES_AT_START, "")))
    frame = _where(
        frame, c.str.contains(r"[^A-Z ]|  |^ | $"), c.str.replace_all(r"[^A-Z]+", " ").str.strip_chars(), col
    )
    frame = _where(frame, c.str.contains("ABD", literal=True), c.str.replace_all(r"\bABD\b", "ABDUL"), col)
    out = _transliterate(c.str.replace_all(_MUHAMMAD_TOKEN, MUHAMMAD_CANON))
    return frame.with_columns(_collapse_repeats(out).alias(col))


def _where(frame: pl.DataFrame, condition: pl.Expr, expr: pl.Expr, col: str) -> pl.DataFrame:
    """``frame[col] = expr`` on the rows where ``condition`` holds, computed on those rows only."""
    mask = frame.select(condition.fill_null(False)).to_series()
    if not mask.any():
        return frame
    if mask.all():
        return frame.with_columns(expr.alias(col))
    rows = frame.filter(mask).select(expr.alias(col)).to_series()
    return frame.with_columns(frame[col].scatter(mask.arg_true(), rows))


def normalize_series(names: pl.Series) -> pl.Series:
    """Normalise a Series of names (null when nothing is left), each distinct name once.

    The pipeline is repeated on the names that still change, up to a fixed point, so the
    result is idempotent.
    """
    frame = pl.DataFrame({"raw": names.cast(pl.String)})
    uniq = frame.select(pl.col("raw").unique())
    uniq = uniq.with_columns(_upper_ascii(pl.col("raw")).alias("norm"))
    todo = uniq
    done = []
    for _ in range(10):
        again = _name_pass(todo.with_columns(pl.col("norm").alias("next")), "next")
        changed = again["next"] != again["norm"]
        done.append(again.filter(~changed).select("raw", "norm"))
        todo = again.filter(changed).select("raw", pl.col("next").alias("norm"))
        if todo.height == 0:
            break
    done.append(todo.select("raw", "norm"))
    uniq = pl.concat(done).with_columns(
        pl.when(pl.col("norm") == "").then(None).otherwise(pl.col("norm")).alias("norm")
    )
    return frame.join(uniq, on="raw", how="left", nulls_equal=True, maintain_order="left")["norm"]


def normalize_name(name: str | None) -> str:
    """Normalise one name (``""`` when nothing is left)."""
    return normalize_series(pl.Series([name], dtype=pl.String))[0] or ""


def compact_expr(column: str | pl.Expr) -> pl.Expr:
    """A normalised name without spaces ("NUR HASANAH" → "NURHASANAH")."""
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.str.replace_all(" ", "", literal=True)


def text_expr(column: str | pl.Expr) -> pl.Expr:
    """Generic text (birth place, address): upper ASCII, common prefixes dropped, letters/digits only."""
    expr = pl.col(column) if isinstance(column, str) else column
    out = _upper_ascii(expr)
    out = out.str.replace_all(r"\b(?:JALAN|JLN|JL|GANG|GG|DUSUN|DSN|DESA|DS|KAMPUNG|KP|KAB|KABUPATEN|KOTA)\b\.?", " ")
    out = out.str.replace_all(r"[^A-Z0-9]+", " ").str.strip_chars()
    out = _collapse_repeats(_transliterate(out))
    return pl.when(out == "").then(None).otherwise(out)


def digits_expr(column: str | pl.Expr) -> pl.Expr:
    """Digits only; leading zeros dropped (RT "003" = "3"); empty → null."""
    expr = pl.col(column) if isinstance(column, str) else column
    out = expr.cast(pl.String).str.replace_all(r"\D", "").str.replace(r"^0+", "")
    return pl.when(out == "").then(None).otherwise(out)
