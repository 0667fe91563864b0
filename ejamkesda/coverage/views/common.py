"""Helpers shared by the coverage views."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from ejamkesda.core.roles import UPT_ROLES, Role
from ejamkesda.coverage.models import CoverageStat
from ejamkesda.participants.models import MembershipStatus, Segment
from ejamkesda.rules.coverage import DEFAULT_TARGETS, CoverageFigures, coverage

INTERNAL_ROLES = (Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.VIEWER, Role.OPD_OPERATOR)
UPT = tuple(UPT_ROLES)
SEGMENT_LABELS = dict(Segment.choices)
STATUS_LABELS = dict(MembershipStatus.choices)
TARGET = DEFAULT_TARGETS.uhc_percent


@dataclass
class AreaRow:
    code: str
    name: str
    figures: CoverageFigures
    stat: CoverageStat


def figures_of(stat: CoverageStat | None) -> CoverageFigures:
    if stat is None:
        return coverage(0, 0, 0)
    return coverage(stat.population, stat.registered, stat.active)


def area_rows(stats: list[CoverageStat], names: dict[str, str]) -> list[AreaRow]:
    return [
        AreaRow(code=s.region_code, name=names.get(s.region_code, s.region_code), figures=figures_of(s), stat=s)
        for s in stats
    ]


def segment_rows(stat: CoverageStat | None) -> list[dict[str, Any]]:
    if stat is None:
        return []
    rows = []
    for value, label in Segment.choices:
        active = stat.active_by_segment.get(value, 0)
        registered = stat.registered_by_segment.get(value, 0)
        share = (Decimal(active) * 100 / stat.population).quantize(Decimal("0.01")) if stat.population else None
        rows.append({"label": label, "active": active, "registered": registered, "share": share})
    return rows


def regency_code() -> str:
    return settings.REGENCY_CODE


def status_label(value: str | None) -> str:
    if not value:
        return "Belum terdaftar"
    return str(STATUS_LABELS.get(value, value))
