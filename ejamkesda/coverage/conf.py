"""Settings of the coverage app, read from the environment (documented in the README)."""

from __future__ import annotations

import os
from decimal import Decimal


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def _deciles(text: str) -> tuple[int, ...]:
    if "-" in text:
        low, high = text.split("-", 1)
        return tuple(range(int(low), int(high) + 1))
    return tuple(int(part) for part in text.split(",") if part.strip())


MAX_ERRORS_KEPT = _int("COVERAGE_MAX_ERRORS_KEPT", 1000)
# Seed 002 KEDUA angka 6 huruf b: PBI proposals come from the lowest welfare deciles.
PBI_PROPOSAL_DECILES = _deciles(os.environ.get("COVERAGE_PBI_DECILES", "1-4"))
# Code of Dinas Sosial (accounts.Agency.code): its OPD operators may see PBI lists (angka 6).
SOCIAL_AGENCY_CODE = os.environ.get("COVERAGE_SOCIAL_AGENCY_CODE", "DINSOS")
# Segments counted as PBI on the monthly village lists (angka 6 huruf d).
PBI_SEGMENTS = tuple(
    part.strip()
    for part in os.environ.get("COVERAGE_PBI_SEGMENTS", "pbi_apbn,pbpu_bp_pemda").split(",")
    if part.strip()
)
# Probable links (pemadanan): accept at or above, review between the two scores.
MATCH_ACCEPT = Decimal(os.environ.get("COVERAGE_MATCH_ACCEPT", "0.90"))
MATCH_REVIEW = Decimal(os.environ.get("COVERAGE_MATCH_REVIEW", "0.60"))
# "engine": ejamkesda.matching (Fellegi–Sunter, polars); "simple": same name + birth date only.
MATCHER = os.environ.get("COVERAGE_MATCHER", "engine")
# Evidence of task progress: accepted file kinds and the largest size (MB).
EVIDENCE_SUFFIXES = frozenset({"pdf", "jpg", "jpeg", "png", "webp"})
EVIDENCE_MAX_BYTES = _int("COVERAGE_EVIDENCE_MAX_MB", 10) * 1024 * 1024
