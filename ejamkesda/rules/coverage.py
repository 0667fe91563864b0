"""Universal health coverage (UHC) ratios and targets. Pure Python, no Django.

DESIGN.md §4: coverage = active JKN members ÷ population × 100; target 95%; "UHC
prioritas" = at least 98% of the population registered with at least 80% of the
registered members active. Seed 002 (Instruksi Bupati Tegal 379/2022, KEDUA angka 20
huruf a) asks every district head to make sure the residents of the district are
*active* JKN members; the 95% / 98% / 80% figures come from the national JKN roadmap,
not from the seeds, so they are parameters here (``Targets``) that a deployment may change.

Ambiguity surfaced, not hidden: national reports measure the 95% target on *registered*
members, the design on *active* members. Both ratios are computed and shown; the 95%
target is checked against the registered ratio (``target_basis = "registered"``) unless a
deployment chooses ``"active"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Literal

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Targets:
    uhc_percent: Decimal = Decimal(95)
    priority_registered_percent: Decimal = Decimal(98)
    priority_active_percent: Decimal = Decimal(80)  # of the registered members
    target_basis: Literal["registered", "active"] = "registered"


DEFAULT_TARGETS = Targets()


def percent(part: int, whole: int) -> Decimal | None:
    """part ÷ whole × 100, rounded half-up to two places; None when whole is 0."""
    if part < 0 or whole < 0:
        raise ValueError("jumlah tidak boleh negatif")
    if whole == 0:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _at_least(part: int, whole: int, threshold: Decimal) -> bool:
    # Exact comparison without rounding: part / whole >= threshold / 100.
    return whole > 0 and Decimal(part) * HUNDRED >= threshold * Decimal(whole)


@dataclass(frozen=True, slots=True)
class CoverageFigures:
    population: int
    registered: int
    active: int
    registered_percent: Decimal | None
    active_percent: Decimal | None  # active ÷ population
    active_of_registered_percent: Decimal | None
    uhc_reached: bool
    uhc_priority: bool
    gap_to_target: int  # people still to register/activate to reach the UHC target

    @property
    def not_active(self) -> int:
        return max(self.population - self.active, 0)


def coverage(population: int, registered: int, active: int, targets: Targets = DEFAULT_TARGETS) -> CoverageFigures:
    """Coverage figures for an area or a list.

    ``registered`` = residents with any JKN membership on the list (active or not),
    ``active`` = residents with an active membership. Both are capped at the population
    (a list can hold members who moved out; they never push coverage above 100%).
    """
    if min(population, registered, active) < 0:
        raise ValueError("jumlah tidak boleh negatif")
    registered = min(registered, population)
    active = min(active, registered)
    basis = registered if targets.target_basis == "registered" else active
    uhc = _at_least(basis, population, targets.uhc_percent)
    priority = _at_least(registered, population, targets.priority_registered_percent) and _at_least(
        active, registered, targets.priority_active_percent
    )
    needed = 0
    if population:
        # Smallest n with (basis + n) / population >= target.
        required = (targets.uhc_percent * population / HUNDRED).to_integral_value(rounding=ROUND_CEILING)
        needed = max(int(required) - basis, 0)
    return CoverageFigures(
        population=population,
        registered=registered,
        active=active,
        registered_percent=percent(registered, population),
        active_percent=percent(active, population),
        active_of_registered_percent=percent(active, registered),
        uhc_reached=uhc,
        uhc_priority=priority,
        gap_to_target=needed,
    )
