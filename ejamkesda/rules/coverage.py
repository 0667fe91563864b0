"""Coverage: whether a person is covered on a date, and the UHC ratios. Pure Python, no Django.

``coverage_on`` (bottom of this module) is the one rule for "covered on date D".

Coverage = active JKN members ÷ population × 100; target 95%; "UHC
prioritas" = at least 98% of the population registered with at least 80% of the
registered members active. Instruksi Bupati Tegal 379/2022 KEDUA angka 20
huruf a asks every district head to make sure the residents of the district are
*active* JKN members; the 95% / 98% / 80% figures come from the national JKN roadmap,
not from a regional regulation, so they are parameters here (``Targets``) that a deployment may change.

Ambiguity surfaced, not hidden: national reports measure the 95% target on *registered*
members, the design on *active* members. Both ratios are computed and shown; the 95%
target is checked against the registered ratio (``target_basis = "registered"``) unless a
deployment chooses ``"active"``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Generic, Literal, Protocol, TypeVar

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


# --- Covered on a date -----------------------------------------------------------------
#
# One rule for every channel that asks "is this person covered on date D, and by which
# membership?": the eligibility API and FHIR CoverageEligibility, the SJP request, the
# claim checks, the public membership check and the coverage computation.  The callers
# fetch the rows (one query, or the hot path's prepared statement) and pass them here.

PROGRAMME_JKN = "jkn"
PROGRAMME_JAMKESDA = "jamkesda"
STATUS_ACTIVE = "aktif"
STATUS_ENDED = "berakhir"

REASON_COVERED = "tertanggung"
REASON_DECEASED = "meninggal"
REASON_NOT_COVERING = "tidak_berlaku"  # a membership's dates hold D, its status does not cover
REASON_NONE = "tidak_ada"  # no membership's dates hold D


class MembershipTerms(Protocol):
    """What the rule reads of a membership (a model instance, a fetched row, a test value)."""

    @property
    def pk(self) -> int | None: ...
    @property
    def programme(self) -> str | None: ...
    @property
    def status(self) -> str | None: ...
    @property
    def valid_from(self) -> dt.date | None: ...
    @property
    def valid_to(self) -> dt.date | None: ...
    @property
    def source_date(self) -> dt.date | None: ...


M = TypeVar("M", bound=MembershipTerms)
T = TypeVar("T")  # a decision holds whatever the caller passed (bound checked by coverage_on)


def within_dates(membership: MembershipTerms, on: dt.date) -> bool:
    """``on`` lies inside the membership's dates (both ends inclusive, an empty end is open)."""
    valid_from, valid_to = membership.valid_from, membership.valid_to
    return (valid_from is None or valid_from <= on) and (valid_to is None or on <= valid_to)


def membership_covers(membership: MembershipTerms, on: dt.date) -> bool:
    """Whether this one membership covered the day ``on``.

    * ``aktif``: covers every day inside its dates.
    * ``berakhir`` (ended): still covered the days inside its dates — a claim or an SJP for
      a day before the end is judged on that day's coverage, not on today's status. An
      ended membership without an end date covers nothing: no day is known to be inside.
    * ``nonaktif``, ``menunggak`` (arrears), ``ditangguhkan`` (suspended): cover nothing.
      The register keeps only the current status, not when a suspension began, so a day
      inside the dates of a suspended membership cannot be shown to have been covered.
    """
    if not within_dates(membership, on):
        return False
    if membership.status == STATUS_ACTIVE:
        return True
    return membership.status == STATUS_ENDED and membership.valid_to is not None


def _answer_order(membership: MembershipTerms) -> tuple[bool, bool, int, int, int]:
    # JKN pays first (the Jamkesda covers residents JKN does not), then an active membership
    # before an ended one, then the latest data, the latest start, the newest record.
    return (
        membership.programme != PROGRAMME_JKN,
        membership.status != STATUS_ACTIVE,
        -(membership.source_date or dt.date.min).toordinal(),
        -(membership.valid_from or dt.date.min).toordinal(),
        -(membership.pk or 0),
    )


@dataclass(frozen=True, slots=True)
class CoverageDecision(Generic[T]):
    on: dt.date
    covered: bool
    reason: str
    covering: tuple[T, ...] = ()  # every membership that covers ``on``, the answering one first
    in_dates: T | None = None  # the first membership whose dates hold ``on``, covering or not

    @property
    def membership(self) -> T | None:
        """The membership that answers for ``on`` (JKN first), or ``None``."""
        return self.covering[0] if self.covering else None

    def by_programme(self, programme: str) -> T | None:
        """The membership of ``programme`` that covers ``on``, or ``None``."""
        return next((m for m in self.covering if getattr(m, "programme", None) == programme), None)


def coverage_on(memberships: Iterable[M], on: dt.date, *, deceased_on: dt.date | None = None) -> CoverageDecision[M]:
    """Is the person covered on ``on``, and by which membership.

    A membership covers ``on`` as ``membership_covers`` says. The person is covered when at
    least one membership does and they were alive that day.

    Death: the day of death is covered; the days after it are not. The register holds the
    date of death without the hour, so the day cannot be split; the care given on that day
    — often the emergency during which the patient died — was given to a living person and
    its SJP and claim must stand. Refusing the day of death would leave unpaid exactly the
    care a guarantee scheme exists for. Every channel applies this one reading (see
    docs/desain-teknis.md, "Aturan kepesertaan pada suatu tanggal").
    """
    dated = sorted((m for m in memberships if within_dates(m, on)), key=_answer_order)
    first = dated[0] if dated else None
    if deceased_on is not None and deceased_on < on:
        return CoverageDecision(on=on, covered=False, reason=REASON_DECEASED, in_dates=first)
    covering = tuple(m for m in dated if membership_covers(m, on))
    if covering:
        return CoverageDecision(on=on, covered=True, reason=REASON_COVERED, covering=covering, in_dates=first)
    return CoverageDecision(on=on, covered=False, reason=REASON_NOT_COVERING if dated else REASON_NONE, in_dates=first)


def statuses_covering_without_dates(statuses: Iterable[str]) -> frozenset[str]:
    """Of ``statuses``, those with which a membership that records no dates covers its day.

    For lists that carry a status as of one date and no validity dates (the JKN membership
    snapshots of the coverage computation): the rule above applied to such a row.
    """
    day = dt.date(2000, 1, 1)
    return frozenset(status for status in statuses if membership_covers(_Undated(status), day))


@dataclass(frozen=True, slots=True)
class _Undated:
    status: str
    pk: int | None = None
    programme: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source_date: dt.date | None = None
