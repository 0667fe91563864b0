"""Find columns by header name: case, spaces, punctuation and Indonesian aliases ignored.

``"Tgl. Lahir"``, ``"TANGGAL_LAHIR"`` and ``"tgl lahir"`` all mean ``TGL_LAHIR`` when the
importer lists those aliases. Unknown headers are ignored (reported as such), a header
that maps twice to one column and missing required columns are errors.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from ejamkesda.jobs.importing.base import Column, ImportFileError

_NOT_ALNUM = re.compile(r"[^A-Z0-9]")


def header_key(text: object) -> str:
    """Comparable form of a header: accents dropped, upper case, letters and digits only."""
    value = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return _NOT_ALNUM.sub("", value.upper())


@dataclass
class HeaderMap:
    positions: dict[str, int]  # canonical key → index in the row
    ignored: list[str] = field(default_factory=list)  # headers that mean nothing to this importer

    def has(self, key: str) -> bool:
        return key in self.positions


def map_headers(header: Sequence[object], columns: Sequence[Column]) -> HeaderMap:
    lookup: dict[str, str] = {}
    for column in columns:
        for name in column.names:
            lookup.setdefault(header_key(name), column.key)
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, raw in enumerate(header):
        key = lookup.get(header_key(raw))
        if key is None:
            if str(raw or "").strip():
                ignored.append(str(raw).strip())
            continue
        if key in positions:
            raise ImportFileError(
                f"Kolom {key} muncul lebih dari sekali (kolom ke-{positions[key] + 1} dan ke-{index + 1})."
            )
        positions[key] = index
    missing = [column.key for column in columns if column.required and column.key not in positions]
    if missing:
        found = ", ".join(str(raw).strip() for raw in header if str(raw or "").strip()) or "-"
        raise ImportFileError(
            f"Kolom wajib tidak ditemukan: {', '.join(missing)}. Judul kolom yang ada di berkas: {found[:500]}."
        )
    return HeaderMap(positions=positions, ignored=ignored)
