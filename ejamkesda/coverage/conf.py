"""Settings of the coverage app: a typed view over ``django.conf.settings``, read at each
access so ``override_settings`` reaches them (variables documented in the README).

* ``MAX_ERRORS_KEPT``: import errors kept per file.
* ``PBI_PROPOSAL_DECILES``: PBI proposals come from the lowest welfare deciles (Instruksi
  Bupati Tegal 379/2022 KEDUA 6b); ``"1-4"`` or ``"1,2,3"``.
* ``SOCIAL_AGENCY_CODE``: code of Dinas Sosial (``accounts.Agency.code``), whose OPD operators
  may see PBI lists (KEDUA 6).
* ``PBI_SEGMENTS``: segments counted as PBI on the monthly village lists (KEDUA 6d).
* ``MATCH_ACCEPT``, ``MATCH_REVIEW``: probable links are accepted at or above the first score
  and reviewed between the two.
* ``MATCHER``: ``engine`` (ejamkesda.matching) or ``simple`` (same name and birth date only).
* ``EVIDENCE_SUFFIXES``, ``EVIDENCE_MAX_BYTES``: accepted evidence files of task progress.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings

EVIDENCE_SUFFIXES = frozenset({"pdf", "jpg", "jpeg", "png", "webp"})

MAX_ERRORS_KEPT: int
PBI_PROPOSAL_DECILES: tuple[int, ...]
SOCIAL_AGENCY_CODE: str
PBI_SEGMENTS: tuple[str, ...]
MATCH_ACCEPT: Decimal
MATCH_REVIEW: Decimal
MATCHER: str
EVIDENCE_MAX_BYTES: int


def _deciles(text: str) -> tuple[int, ...]:
    if "-" in text:
        low, high = text.split("-", 1)
        return tuple(range(int(low), int(high) + 1))
    return tuple(int(part) for part in text.split(",") if part.strip())


_VIEWS: dict[str, Callable[[], Any]] = {
    "MAX_ERRORS_KEPT": lambda: int(settings.COVERAGE_MAX_ERRORS_KEPT),
    "PBI_PROPOSAL_DECILES": lambda: _deciles(settings.COVERAGE_PBI_DECILES),
    "SOCIAL_AGENCY_CODE": lambda: settings.COVERAGE_SOCIAL_AGENCY_CODE,
    "PBI_SEGMENTS": lambda: tuple(part.strip() for part in settings.COVERAGE_PBI_SEGMENTS.split(",") if part.strip()),
    "MATCH_ACCEPT": lambda: Decimal(str(settings.COVERAGE_MATCH_ACCEPT)),
    "MATCH_REVIEW": lambda: Decimal(str(settings.COVERAGE_MATCH_REVIEW)),
    "MATCHER": lambda: settings.COVERAGE_MATCHER,
    "EVIDENCE_MAX_BYTES": lambda: int(settings.COVERAGE_EVIDENCE_MAX_BYTES),
}


def __getattr__(name: str) -> Any:
    try:
        return _VIEWS[name]()
    except KeyError:
        raise AttributeError(name) from None
