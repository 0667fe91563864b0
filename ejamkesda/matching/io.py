"""The CSV contract of ``manage.py match_files`` (docs/pemadanan.md).

Both inputs have the columns ``id, nik, nama, jenis_kelamin (L|P), tgl_lahir (YYYY-MM-DD),
tempat_lahir, alamat, rt, rw, kode_desa``, any of them possibly empty. Everything is read as
text (a NIK or an RT is never a number: leading zeros matter).
"""

from __future__ import annotations

import os

import polars as pl

COLUMNS = ("id", "nik", "nama", "jenis_kelamin", "tgl_lahir", "tempat_lahir", "alamat", "rt", "rw", "kode_desa")
OUTPUT_COLUMNS = ("right_id", "left_id", "score", "method", "reasons")


class ContractError(ValueError):
    """The file does not follow the contract; the message is in Bahasa Indonesia."""


def conform(frame: pl.DataFrame, *, name: str = "data") -> pl.DataFrame:
    """Check the columns and return them in contract order, all text."""
    lower = {c: c.strip().lower() for c in frame.columns}
    frame = frame.rename(lower)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ContractError(f"{name}: kolom wajib tidak ada: {', '.join(missing)}")
    # blanks and spaces are handled by the normalisation; no copy of the text here
    out = frame.select([pl.col(c).cast(pl.String) for c in COLUMNS])
    blank_id = out["id"].is_null() | (out["id"].str.strip_chars() == "")
    if blank_id.any():
        row = int(blank_id.arg_true()[0]) + 2
        raise ContractError(f"{name}: baris {row}, kolom id: id tidak boleh kosong")
    return out


def read_contract_csv(path: str | os.PathLike[str]) -> pl.DataFrame:
    """Read one input file of the contract (UTF-8, comma-separated, header row)."""
    try:
        frame = pl.read_csv(os.fspath(path), infer_schema=False, encoding="utf8-lossy")
    except pl.exceptions.NoDataError as exc:
        raise ContractError(f"{os.fspath(path)}: berkas kosong") from exc
    return conform(frame, name=os.path.basename(os.fspath(path)))


def write_matches_csv(matches: pl.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write the OUT file: ``right_id, left_id, score, method, reasons``."""
    matches.select(OUTPUT_COLUMNS).write_csv(os.fspath(path))
