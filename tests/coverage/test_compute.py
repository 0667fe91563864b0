from __future__ import annotations

import datetime as dt

import pytest

from ejamkesda.coverage.models import CoverageStat, SectorStat, SnapshotKind
from ejamkesda.coverage.services.compute import coverage_period_compute
from tests.coverage.factories import (
    VILLAGE_A,
    VILLAGE_B,
    VILLAGE_C,
    SectorEntryFactory,
    SectorListFactory,
    SnapshotFactory,
    build_month,
    nik,
)

pytestmark = pytest.mark.django_db


def test_coverage_counts_per_village_district_regency_and_segment():
    period = build_month(
        residents=[(nik(1), VILLAGE_A), (nik(2), VILLAGE_A), (nik(3), VILLAGE_B), (nik(4, "640902"), VILLAGE_C)],
        members=[
            (nik(1), "pbi_apbn", "aktif"),
            (nik(1), "ppu", "nonaktif"),  # two cards, one person
            (nik(2), "pbpu", "menunggak"),
            (nik(4, "640902"), "pbpu_bp_pemda", "aktif"),
            (nik(9), "ppu", "aktif"),  # not a resident: not counted
        ],
    )
    stats = {s.region_code: s for s in CoverageStat.objects.filter(period=period)}
    assert (stats[VILLAGE_A].population, stats[VILLAGE_A].registered, stats[VILLAGE_A].active) == (2, 2, 1)
    assert (stats[VILLAGE_B].population, stats[VILLAGE_B].registered, stats[VILLAGE_B].active) == (1, 0, 0)
    assert (stats["64.09.01"].population, stats["64.09.01"].registered, stats["64.09.01"].active) == (3, 2, 1)
    regency = stats["64.09"]
    assert (regency.population, regency.registered, regency.active) == (4, 3, 2)
    assert regency.active_by_segment == {"pbi_apbn": 1, "pbpu_bp_pemda": 1}
    assert regency.registered_by_segment["ppu"] == 1
    assert stats[VILLAGE_A].level == 4 and stats["64.09.01"].level == 3 and regency.level == 2


def test_recompute_replaces_figures_and_months_are_kept():
    october = build_month(residents=[(nik(1), VILLAGE_A)], members=[])
    november = build_month(dt.date(2026, 11, 1), residents=[(nik(1), VILLAGE_A)], members=[(nik(1), "ppu", "aktif")])
    again = coverage_period_compute(
        month=dt.date(2026, 10, 15), population=october.population, membership=october.membership
    )
    assert again.pk == october.pk
    assert CoverageStat.objects.filter(period=october, region_code="64.09").get().active == 0
    assert CoverageStat.objects.filter(period=november, region_code="64.09").get().active == 1
    assert CoverageStat.objects.filter(period=october).count() == 3


def test_sector_list_stats_use_latest_list_of_the_month():
    period = build_month(residents=[], members=[(nik(1), "ppu", "aktif"), (nik(2), "ppu", "nonaktif")])
    teachers = SectorListFactory()
    old = SnapshotFactory(kind=SnapshotKind.SECTOR, sector_list=teachers, as_of=dt.date(2026, 9, 1))
    SectorEntryFactory(snapshot=old, nik=nik(5))
    new = SnapshotFactory(kind=SnapshotKind.SECTOR, sector_list=teachers, as_of=dt.date(2026, 10, 5))
    for serial in (1, 2, 3):
        SectorEntryFactory(snapshot=new, nik=nik(serial))
    coverage_period_compute(month=period.month, population=period.population, membership=period.membership)
    stat = SectorStat.objects.get(period=period, sector_list=teachers)
    assert (stat.listed, stat.registered, stat.active) == (3, 2, 1)


def test_compute_without_data_says_so():
    with pytest.raises(ValueError, match="Belum ada data"):
        coverage_period_compute(month=dt.date(2026, 1, 1))
