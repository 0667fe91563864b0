"""Link a membership snapshot to a population snapshot and compute one month's coverage.

Linking is an exact NIK join, then probable links for missing or mistyped NIKs with a
review queue (``services.matching``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.utils.translation import gettext as _

from ejamkesda.audit.services import audit_record
from ejamkesda.coverage.models import (
    CoveragePeriod,
    CoverageStat,
    MembershipRecord,
    PopulationRecord,
    SectorList,
    SectorStat,
    Snapshot,
    SnapshotKind,
)
from ejamkesda.coverage.services.matching import probable_candidates, probable_links_apply
from ejamkesda.participants.models import MembershipStatus
from ejamkesda.rules.premium import add_months, month_start


def membership_link(*, population: Snapshot, membership: Snapshot) -> int:
    """Set ``resident_nik`` and ``village_code`` on the membership records whose NIK is on
    the population snapshot; returns how many were linked."""
    records = MembershipRecord.objects.filter(snapshot=membership)
    records.update(resident_nik="", village_code="")
    resident = PopulationRecord.objects.filter(snapshot=population, nik=OuterRef("nik"))
    linked = records.exclude(nik="").filter(Exists(resident))
    return linked.update(resident_nik=F("nik"), village_code=Subquery(resident.values("village_code")[:1]))


def _latest_in_month(kind: str, month: dt.date) -> Snapshot | None:
    end = add_months(month, 1)
    return (
        Snapshot.objects.filter(kind=kind, sector_list__isnull=True, as_of__lt=end, status=Snapshot.Status.DONE)
        .order_by("-as_of", "-id")
        .first()
    )


def coverage_period_compute(
    *,
    month: dt.date,
    population: Snapshot | None = None,
    membership: Snapshot | None = None,
    actor: Any = None,
) -> CoveragePeriod:
    """(Re)compute the figures of ``month`` from the given (or latest) snapshots."""
    month = month_start(month)
    population = population or _latest_in_month(SnapshotKind.POPULATION, month)
    membership = membership or _latest_in_month(SnapshotKind.MEMBERSHIP, month)
    if population is None or membership is None:
        raise ValueError(_("Belum ada data kependudukan dan data kepesertaan BPJS untuk bulan ini."))
    with transaction.atomic():
        membership_link(population=population, membership=membership)
        probable_links_apply(
            population=population,
            membership=membership,
            candidates=probable_candidates(population=population, membership=membership),
        )
        period, _created = CoveragePeriod.objects.select_for_update().update_or_create(
            month=month, defaults={"population": population, "membership": membership}
        )
        period.stats.all().delete()
        period.sector_stats.all().delete()
        _area_stats(period, population, membership)
        _sector_stats(period, membership, month)
        audit_record(
            action="compute",
            obj=period,
            summary=f"Hitung cakupan {month:%m-%Y}",
            actor=actor,
        )
    return period


def _area_stats(period: CoveragePeriod, population: Snapshot, membership: Snapshot) -> None:
    figures: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "population": 0,
            "registered": 0,
            "active": 0,
            "active_seg": defaultdict(int),
            "reg_seg": defaultdict(int),
        }
    )
    for row in PopulationRecord.objects.filter(snapshot=population).values("village_code").annotate(n=Count("id")):
        figures[row["village_code"]]["population"] = row["n"]
    linked = MembershipRecord.objects.filter(snapshot=membership).exclude(village_code="")
    for row in linked.values("village_code").annotate(n=Count("resident_nik", distinct=True)):
        figures[row["village_code"]]["registered"] = row["n"]
    active = linked.filter(status=MembershipStatus.ACTIVE)
    for row in active.values("village_code").annotate(n=Count("resident_nik", distinct=True)):
        figures[row["village_code"]]["active"] = row["n"]
    for row in linked.values("village_code", "segment").annotate(n=Count("resident_nik", distinct=True)):
        figures[row["village_code"]]["reg_seg"][row["segment"]] = row["n"]
    for row in active.values("village_code", "segment").annotate(n=Count("resident_nik", distinct=True)):
        figures[row["village_code"]]["active_seg"][row["segment"]] = row["n"]

    totals: dict[str, dict[str, Any]] = {}
    for village, data in figures.items():
        for code, level in ((village, 4), (village[:8], 3), (village[:5], 2)):
            total = totals.setdefault(
                code,
                {"level": level, "population": 0, "registered": 0, "active": 0, "active_seg": {}, "reg_seg": {}},
            )
            for key in ("population", "registered", "active"):
                total[key] += data[key]
            for key in ("active_seg", "reg_seg"):
                for segment, count in data[key].items():
                    total[key][segment] = total[key].get(segment, 0) + count
    regency = settings.REGENCY_CODE
    totals.setdefault(
        regency, {"level": 2, "population": 0, "registered": 0, "active": 0, "active_seg": {}, "reg_seg": {}}
    )
    CoverageStat.objects.bulk_create(
        [
            CoverageStat(
                period=period,
                region_code=code,
                level=data["level"],
                population=data["population"],
                registered=data["registered"],
                active=data["active"],
                active_by_segment=dict(data["active_seg"]),
                registered_by_segment=dict(data["reg_seg"]),
            )
            for code, data in totals.items()
            if data["level"] != 2 or code == regency
        ],
        batch_size=1000,
    )


def latest_sector_snapshot(sector_list: SectorList, month: dt.date) -> Snapshot | None:
    return (
        Snapshot.objects.filter(
            kind=SnapshotKind.SECTOR,
            sector_list=sector_list,
            as_of__lt=add_months(month, 1),
            status=Snapshot.Status.DONE,
        )
        .order_by("-as_of", "-id")
        .first()
    )


def _sector_stats(period: CoveragePeriod, membership: Snapshot, month: dt.date) -> None:
    stats = []
    for sector_list in SectorList.objects.all():
        snapshot = latest_sector_snapshot(sector_list, month)
        if snapshot is None:
            continue
        entries = snapshot.entries.all()
        member = MembershipRecord.objects.filter(snapshot=membership, nik=OuterRef("nik"))
        stats.append(
            SectorStat(
                period=period,
                sector_list=sector_list,
                snapshot=snapshot,
                listed=entries.count(),
                registered=entries.filter(Exists(member)).count(),
                active=entries.filter(Exists(member.filter(status=MembershipStatus.ACTIVE))).count(),
            )
        )
    SectorStat.objects.bulk_create(stats)
