"""Demo data for coverage: three monthly snapshots built from the demo register, sector
lists of some agencies, a DTKS/DTSEN extract, PBI proposals, the instruction checklist and
one reconciled premium bill. Deterministic from ``context.rng``."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from ejamkesda.core.demo import DemoContext
from ejamkesda.coverage.models import (
    MembershipRecord,
    PopulationRecord,
    PremiumBill,
    Sector,
    SectorEntry,
    SectorList,
    Snapshot,
    SnapshotKind,
    WelfareRecord,
)
from ejamkesda.coverage.services.compute import coverage_period_compute
from ejamkesda.coverage.services.duplicates import sector_duplicates_find
from ejamkesda.coverage.services.pbi import pbi_proposals_generate
from ejamkesda.coverage.services.premium import (
    current_rates,
    pemda_members,
    premium_bill_reconcile,
    premium_payment_record,
)
from ejamkesda.participants.models import Membership, MembershipStatus, Person, Programme
from ejamkesda.rules.premium import add_months, rate_on

SECTOR_LISTS = [
    ("DISDIK", Sector.EDUCATION, "Guru dan tenaga kependidikan SD/SMP", "4"),
    ("BKPSDM", Sector.ASN, "ASN dan non-ASN Pemda", "3"),
    ("DPMD", Sector.VILLAGE_OFFICIALS, "Kepala desa dan perangkat desa", "15b"),
]


def _snapshot(kind: str, as_of: dt.date, sector_list: SectorList | None = None) -> Snapshot:
    snapshot, _created = Snapshot.objects.get_or_create(
        kind=kind,
        as_of=as_of,
        sector_list=sector_list,
        defaults={"status": Snapshot.Status.DONE, "source_name": "demo", "message": "data demo"},
    )
    return snapshot


def seed(context: DemoContext) -> None:
    rng = context.rng
    people = list(
        Person.objects.filter(id__in=context.person_ids)
        .exclude(village=None)
        .values("nik", "kk_number", "name", "sex", "birth_place", "birth_date", "address", "rt", "rw", "village_id")
    )
    if not people:
        return
    jkn = {
        m["person__nik"]: m
        for m in Membership.objects.filter(person_id__in=context.person_ids, programme=Programme.JKN).values(
            "person__nik", "card_number", "segment", "care_class", "status"
        )
    }
    by_nik = {p["nik"]: p for p in people}
    latest = dt.date.today().replace(day=1)
    months = [add_months(latest, -2), add_months(latest, -1), latest]
    periods = []
    for index, month in enumerate(months):
        population = _snapshot(SnapshotKind.POPULATION, month)
        membership = _snapshot(SnapshotKind.MEMBERSHIP, month)
        PopulationRecord.objects.bulk_create(
            [
                PopulationRecord(
                    snapshot=population,
                    nik=p["nik"],
                    kk_number=p["kk_number"],
                    name=p["name"],
                    sex=p["sex"],
                    birth_place=p["birth_place"],
                    birth_date=p["birth_date"],
                    address=p["address"],
                    rt=p["rt"],
                    rw=p["rw"],
                    village_code=p["village_id"],
                    district_code=p["village_id"][:8],
                )
                for p in people
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        records = []
        for nik, member in jkn.items():
            person = by_nik.get(nik)
            status = member["status"]
            # Earlier months: fewer people active (coverage grows month to month).
            if status == MembershipStatus.ACTIVE and rng.random() < 0.04 * (2 - index):
                status = MembershipStatus.INACTIVE
            # A few cards arrive without NIK (pemadanan has work to do).
            missing_nik = rng.random() < 0.01
            records.append(
                MembershipRecord(
                    snapshot=membership,
                    card_number=member["card_number"],
                    nik="" if missing_nik else nik,
                    name=person["name"] if person else "-",
                    birth_date=person["birth_date"] if person else None,
                    segment=member["segment"],
                    care_class=member["care_class"],
                    status=status,
                )
            )
        MembershipRecord.objects.bulk_create(records, batch_size=2000, ignore_conflicts=True)
        periods.append((population, membership))

    agencies = {agency.code: agency for agency in context.agencies}
    for code, sector, name, point in SECTOR_LISTS:
        agency = agencies.get(code)
        if agency is None:
            continue
        sector_list, _created = SectorList.objects.get_or_create(
            agency=agency, name=name, defaults={"sector": sector, "instruction_point": point}
        )
        snapshot = _snapshot(SnapshotKind.SECTOR, months[-1], sector_list)
        adults = [p for p in people if (latest - p["birth_date"]).days > 22 * 365]
        chosen = rng.sample(adults, min(len(adults), 120))
        # The first rows come without a NIK (linked by pemadanan), the last one is the first
        # person again under another spelling (a probable duplicate inside the list).
        rows = [(p, index >= 3) for index, p in enumerate(chosen)] + [(chosen[0], False)] if chosen else []
        SectorEntry.objects.bulk_create(
            [
                SectorEntry(
                    snapshot=snapshot,
                    entry_key=p["nik"] if with_nik else f"t:demo-{index}",
                    nik=p["nik"] if with_nik else "",
                    reported_nik=p["nik"] if with_nik else "",
                    name=p["name"] if index < len(chosen) else p["name"].upper(),
                    birth_date=p["birth_date"],
                    unit=f"Unit {rng.randint(1, 12)}",
                    village_code=p["village_id"],
                )
                for index, (p, with_nik) in enumerate(rows)
            ],
            ignore_conflicts=True,
        )
        sector_duplicates_find(snapshot=snapshot)

    computed = [
        coverage_period_compute(month=month, population=population, membership=membership)
        for month, (population, membership) in zip(months, periods, strict=True)
    ]

    welfare = _snapshot(SnapshotKind.WELFARE, months[-1])
    WelfareRecord.objects.bulk_create(
        [
            WelfareRecord(
                snapshot=welfare, nik=p["nik"], kk_number=p["kk_number"], name=p["name"], decile=rng.randint(1, 10)
            )
            for p in people
            if rng.random() < 0.4
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    admin = context.users.get("demo_admin")
    pbi_proposals_generate(welfare=welfare, period=computed[-1], actor=admin)
    call_command("seed_instruction_tasks", file="ppu_contoh_demo", verbosity=0)

    previous = computed[-2]
    if not PremiumBill.objects.filter(month=previous.month).exists():
        cards = list(pemda_members(previous).values_list("card_number", flat=True))
        billed = [*cards[:-2], "0009999999991"] if len(cards) > 2 else cards
        rate = rate_on(previous.month, current_rates()).monthly_rupiah
        bill = premium_bill_reconcile(
            month=previous.month, billed_amount=len(billed) * rate, card_numbers=billed, actor=admin, note="demo"
        )
        premium_payment_record(
            bill=bill,
            paid_on=add_months(previous.month, 1),
            amount=max(len(billed) - 5, 1) * rate,
            reference="SP2D/DEMO/1",
            actor=admin,
        )
    context.log(f"Cakupan: {len(months)} bulan, {len(people)} penduduk, {len(SECTOR_LISTS)} daftar sektor.")
