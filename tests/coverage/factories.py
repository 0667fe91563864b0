"""Factories and helpers for the coverage tests: every test builds its own data."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from ejamkesda.coverage.models import (
    MembershipRecord,
    PopulationRecord,
    Sector,
    SectorEntry,
    SectorList,
    Snapshot,
    SnapshotKind,
    WelfareRecord,
)
from ejamkesda.coverage.services.compute import coverage_period_compute
from tests.factories import AgencyFactory, ensure_region_tree, make_nik

VILLAGE_A = "64.09.01.2001"
VILLAGE_B = "64.09.01.2002"
VILLAGE_C = "64.09.02.2001"


def regions() -> None:
    for code in (VILLAGE_A, VILLAGE_B, VILLAGE_C):
        ensure_region_tree(code)


class SnapshotFactory(DjangoModelFactory):
    class Meta:
        model = Snapshot

    kind = SnapshotKind.POPULATION
    as_of = dt.date(2026, 10, 1)
    status = Snapshot.Status.DONE


class SectorListFactory(DjangoModelFactory):
    class Meta:
        model = SectorList

    agency = factory.SubFactory(AgencyFactory)
    sector = Sector.EDUCATION
    name = factory.Sequence(lambda n: f"Daftar guru {n}")
    instruction_point = "4"


def nik(serial: int, district: str = "640901", sex: str = "L") -> str:
    return make_nik(serial=serial, district=district, sex=sex)


class PopulationRecordFactory(DjangoModelFactory):
    class Meta:
        model = PopulationRecord

    snapshot = factory.SubFactory(SnapshotFactory)
    nik = factory.Sequence(lambda n: nik(n + 1))
    name = factory.Sequence(lambda n: f"Penduduk {n}")
    sex = "L"
    birth_date = dt.date(1985, 3, 7)
    address = "Jl. Mawar"
    rt = "001"
    rw = "002"
    village_code = VILLAGE_A
    district_code = factory.LazyAttribute(lambda o: o.village_code[:8])


class MembershipRecordFactory(DjangoModelFactory):
    class Meta:
        model = MembershipRecord

    snapshot = factory.SubFactory(SnapshotFactory, kind=SnapshotKind.MEMBERSHIP)
    card_number = factory.Sequence(lambda n: f"{n + 1:013d}")
    nik = ""
    name = factory.Sequence(lambda n: f"Peserta {n}")
    segment = "pbpu_bp_pemda"
    care_class = 3
    status = "aktif"


class WelfareRecordFactory(DjangoModelFactory):
    class Meta:
        model = WelfareRecord

    snapshot = factory.SubFactory(SnapshotFactory, kind=SnapshotKind.WELFARE)
    nik = factory.Sequence(lambda n: nik(n + 1))
    decile = 1


class SectorEntryFactory(DjangoModelFactory):
    class Meta:
        model = SectorEntry

    nik = factory.Sequence(lambda n: nik(n + 1))
    entry_key = factory.LazyAttribute(lambda o: o.nik or f"t:{o.name}")
    reported_nik = factory.LazyAttribute(lambda o: o.nik)
    name = factory.Sequence(lambda n: f"Guru {n}")


def build_month(
    month: dt.date = dt.date(2026, 10, 1),
    *,
    residents: list[tuple[str, str]],
    members: list[tuple[str, str, str]],
):
    """residents: (nik, village); members: (nik, segment, status). Returns the period."""
    population = SnapshotFactory(kind=SnapshotKind.POPULATION, as_of=month)
    membership = SnapshotFactory(kind=SnapshotKind.MEMBERSHIP, as_of=month)
    for number, village in residents:
        PopulationRecordFactory(snapshot=population, nik=number, village_code=village)
    for number, segment, status in members:
        MembershipRecordFactory(snapshot=membership, nik=number, segment=segment, status=status)
    return coverage_period_compute(month=month, population=population, membership=membership)
