"""Monthly changes of PBI JK recipients (Instruksi Bupati Tegal 379/2022 KEDUA 6a: Dinas
Sosial "menetapkan perubahan data PBI JK dengan berbasis DTKS"). Pure Python.

A removal frees a place; an eligible person fills it. Places are limited by the quota of
PBI places the regency funds (KEDUA 2a: contribution "sesuai kapasitas fiskal daerah"), so
additions are paired with removals first (a replacement keeps the count) and the rest are
added only while places remain; the others wait, marked "over quota".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

# Order in which removals free their place (the surest reason first) — pairs are made in this order.
REMOVAL_PRIORITY: tuple[str, ...] = ("died", "moved_out", "duplicate", "not_in_register", "decile_rose")
ADD_REASON = "eligible"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Pairing(Generic[T]):
    replacements: tuple[tuple[T, T], ...]  # (removal, addition)
    removals: tuple[T, ...]  # removals without a partner
    additions: tuple[T, ...]  # additions within the quota, without a partner
    over_quota: tuple[T, ...]  # additions that wait for a place

    def members_after(self, current: int) -> int:
        """Recipients after every accepted change, from ``current`` recipients."""
        removed = len(self.replacements) + len(self.removals)
        return current - removed + len(self.replacements) + len(self.additions)


def pair_changes(*, removals: Sequence[T], additions: Sequence[T], current: int, quota: int | None) -> Pairing[T]:
    """Pair ``removals`` (in priority order) with ``additions`` (in priority order) inside
    ``quota`` places, ``current`` recipients now; ``quota=None`` means no limit is set.

    Never plans more recipients than the quota, unless the removals alone leave more than
    the quota (then nobody is added). Every removal stays proposed.
    """
    if current < 0 or (quota is not None and quota < 0):
        raise ValueError("jumlah peserta dan kuota tidak boleh negatif")
    if current < len(removals):
        raise ValueError("usulan hapus lebih banyak dari peserta")
    after_removals = current - len(removals)
    places = len(additions) if quota is None else max(0, quota - after_removals)
    paired = min(len(removals), len(additions), places)
    plain = min(len(additions) - paired, places - paired)
    return Pairing(
        replacements=tuple(zip(removals[:paired], additions[:paired], strict=True)),
        removals=tuple(removals[paired:]),
        additions=tuple(additions[paired : paired + plain]),
        over_quota=tuple(additions[paired + plain :]),
    )


def removal_reason(
    *, died: bool, in_population: bool, duplicate: bool, in_register: bool, decile: int | None, threshold: int
) -> str | None:
    """Why a current recipient should leave PBI JK, or ``None`` to keep them."""
    if died:
        return "died"
    if not in_population:
        return "moved_out"
    if duplicate:
        return "duplicate"
    if not in_register:
        return "not_in_register"
    if decile is not None and decile > threshold:
        return "decile_rose"
    return None
