"""Link a membership snapshot and the month's sector lists to a population snapshot and
compute one month's coverage.

Linking is an exact NIK join, then probable links for missing or mistyped NIKs with a
review queue (``services.matching``). Sector rows count as registered when a card carries
their NIK or belongs to the resident they were linked to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
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
from ejamkesda.coverage.services.matching import (
    Candidate,
    Matcher,
    probable_links_apply,
    sector_links_apply,
    unlinked_cards,
    unlinked_entries,
)
from ejamkesda.participants.models import MembershipStatus
from ejamkesda.rules.coverage import statuses_covering_without_dates
from ejamkesda.rules.premium import add_months, month_start

# A snapshot row has a status as of the snapshot date and no validity dates: the coverage
# rule (ejamkesda/rules/coverage.py) says which statuses cover that day.
SNAPSHOT_COVERING = sorted(statuses_covering_without_dates(MembershipStatus.values))


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


Progress = Callable[[int, str], None]


def _quiet(_percent: int, _step: str) -> None:
    return None


def _lock_snapshots(snapshots: list[Snapshot]) -> None:
    """Lock the snapshots the figures are computed from; one being re-imported right now
    (or whose import stopped half-way) is refused rather than counted half."""
    locked = Snapshot.objects.select_for_update().filter(pk__in=[s.pk for s in snapshots]).order_by("pk")
    for snapshot in locked:
        if snapshot.status in (Snapshot.Status.RUNNING, Snapshot.Status.FAILED):
            raise ValueError(
                _("%(data)s sedang diimpor (atau impornya terhenti); tunggu selesai atau jalankan ulang impornya.")
                % {"data": snapshot}
            )


def resolve_snapshots(
    month: dt.date, population: Snapshot | None = None, membership: Snapshot | None = None
) -> tuple[Snapshot, Snapshot]:
    """The given snapshots, or the latest finished ones of ``month``."""
    population = population or _latest_in_month(SnapshotKind.POPULATION, month)
    membership = membership or _latest_in_month(SnapshotKind.MEMBERSHIP, month)
    if population is None or membership is None:
        raise ValueError(_("Belum ada data kependudukan dan data kepesertaan BPJS untuk bulan ini."))
    return population, membership


def coverage_period_compute(
    *,
    month: dt.date,
    population: Snapshot | None = None,
    membership: Snapshot | None = None,
    actor: Any = None,
    progress: Progress = _quiet,
) -> CoveragePeriod:
    """(Re)compute the figures of ``month`` from the given (or latest) snapshots.

    Reading and pemadanan come first (progress is reported between steps); everything is
    then written in one transaction, so a failure leaves the previous figures as they were.
    Use ``services.compute_runs`` to run it once per month at a time (web and command).
    """
    month = month_start(month)
    population, membership = resolve_snapshots(month, population, membership)
    matcher = Matcher(population)
    progress(10, _("Pemadanan kartu BPJS yang NIK-nya kosong atau tidak ada di data kependudukan"))
    card_candidates = matcher.candidates(unlinked_cards(population=population, membership=membership))
    sectors = [
        (sector_list, snapshot)
        for sector_list in SectorList.objects.order_by("pk")
        if (snapshot := latest_sector_snapshot(sector_list, month)) is not None
    ]
    sector_candidates: dict[int, list[Candidate]] = {}
    for index, (sector_list, snapshot) in enumerate(sectors):
        progress(40 + 35 * index // len(sectors), _("Pemadanan daftar sektor: %(name)s") % {"name": sector_list.name})
        sector_candidates[snapshot.pk] = matcher.candidates(unlinked_entries(population=population, sector=snapshot))
    progress(75, _("Menyimpan angka cakupan"))
    with transaction.atomic():
        _lock_snapshots([population, membership, *(snapshot for _list, snapshot in sectors)])
        membership_link(population=population, membership=membership)
        probable_links_apply(population=population, membership=membership, candidates=card_candidates)
        for _list, snapshot in sectors:
            sector_links_apply(population=population, sector=snapshot, candidates=sector_candidates[snapshot.pk])
        period, _created = CoveragePeriod.objects.select_for_update().update_or_create(
            month=month, defaults={"population": population, "membership": membership}
        )
        period.stats.all().delete()
        period.sector_stats.all().delete()
        _area_stats(period, population, membership)
        _sector_stats(period, membership, sectors)
        audit_record(
            action="compute",
            obj=period,
            summary=f"Hitung cakupan {month:%m-%Y}",
            actor=actor,
        )
    progress(100, _("Selesai"))
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
    active = linked.filter(status__in=SNAPSHOT_COVERING)
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


def sector_membership(membership: Snapshot | int, *, active_only: bool = False) -> Q:
    """Condition "this sector row has a card": by its own NIK or by the linked resident.
    Uncorrelated ``IN`` subqueries (computed once, then probed per row), not ``EXISTS``
    per row: the planner does not always pick the right index for the latter."""
    records = MembershipRecord.objects.filter(snapshot=membership)
    if active_only:
        records = records.filter(status__in=SNAPSHOT_COVERING)
    return Q(nik__in=records.exclude(nik="").values("nik")) | Q(
        resident_nik__in=records.exclude(resident_nik="").values("resident_nik")
    )


def _sector_stats(period: CoveragePeriod, membership: Snapshot, sectors: list[tuple[SectorList, Snapshot]]) -> None:
    stats = []
    for sector_list, snapshot in sectors:
        entries = snapshot.entries.all()
        registered = sector_membership(membership)
        active = sector_membership(membership, active_only=True)
        stats.append(
            SectorStat(
                period=period,
                sector_list=sector_list,
                snapshot=snapshot,
                listed=entries.count(),
                registered=entries.filter(registered).count(),
                active=entries.filter(active).count(),
            )
        )
    SectorStat.objects.bulk_create(stats)
