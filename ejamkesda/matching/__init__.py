"""Data matching (pemadanan) — pure Python (polars, rapidfuzz, numpy), no Django.

Public API::

    from ejamkesda.matching import match_frames, read_contract_csv
    matches = match_frames(read_contract_csv("register.csv"), read_contract_csv("bpjs.csv"), threshold=0.9)

See ``docs/pemadanan.md`` for the method.
"""

from .engine import (
    DEFAULT_REVIEW_THRESHOLD,
    DEFAULT_THRESHOLD,
    METHOD_DECISION,
    METHOD_NIK,
    METHOD_NIK_TYPO,
    METHOD_PROBABILISTIC,
    STATUS_ACCEPTED,
    STATUS_REVIEW,
    MatchResult,
    apply_decisions,
    find_duplicates,
    match_frames,
    run_matching,
)
from .io import COLUMNS, OUTPUT_COLUMNS, ContractError, conform, read_contract_csv, write_matches_csv
from .normalize import normalize_name

__all__ = [
    "COLUMNS",
    "DEFAULT_REVIEW_THRESHOLD",
    "DEFAULT_THRESHOLD",
    "METHOD_DECISION",
    "METHOD_NIK",
    "METHOD_NIK_TYPO",
    "METHOD_PROBABILISTIC",
    "OUTPUT_COLUMNS",
    "STATUS_ACCEPTED",
    "STATUS_REVIEW",
    "ContractError",
    "MatchResult",
    "apply_decisions",
    "conform",
    "find_duplicates",
    "match_frames",
    "normalize_name",
    "read_contract_csv",
    "run_matching",
    "write_matches_csv",
]
