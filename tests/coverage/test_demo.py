from __future__ import annotations

import datetime as dt
import random

import pytest
from faker import Faker

from ejamkesda.accounts.models import Agency
from ejamkesda.core.demo import DemoContext
from ejamkesda.coverage import demo
from ejamkesda.coverage.models import CoveragePeriod, InstructionTask, PremiumBill, SectorStat
from tests.coverage.factories import VILLAGE_A, VILLAGE_B, regions
from tests.factories import MembershipFactory, PersonFactory, UserFactory, make_nik

pytestmark = pytest.mark.django_db


def test_demo_seed_builds_three_months_and_is_rerunnable():
    regions()
    from ejamkesda.regions.models import Region

    people = []
    for serial in range(1, 61):
        village = Region.objects.get(code=VILLAGE_A if serial % 2 else VILLAGE_B)
        person = PersonFactory(nik=make_nik(serial=serial), village=village, birth_date=dt.date(1980, 1, 1))
        people.append(person.pk)
        if serial % 5:
            MembershipFactory(person=person, segment="pbpu_bp_pemda" if serial % 3 else "pbi_apbn")
    agencies = [Agency.objects.create(code=code, name=code) for code in ("DISDIK", "BKPSDM", "DPMD", "DINSOS")]
    context = DemoContext(
        rng=random.Random(1),
        faker=Faker("id_ID"),
        regency_code="64.09",
        users={"demo_admin": UserFactory()},
        agencies=agencies,
        person_ids=people,
        log=lambda _line: None,
    )
    demo.seed(context)
    demo.seed(context)
    assert CoveragePeriod.objects.count() == 3
    latest = CoveragePeriod.objects.first()
    regency = latest.stats.get(region_code="64.09")
    assert regency.population == 60 and 0 < regency.active <= 48
    assert SectorStat.objects.filter(period=latest).count() == 3
    assert InstructionTask.objects.count() == 55
    assert PremiumBill.objects.count() == 1
