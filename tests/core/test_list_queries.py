"""N+1 guard for the list pages of the reviewed apps: the number of queries of a page must
not grow with the number of rows on it (measured with a few rows, then with more)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ejamkesda.audit.services import audit_record
from ejamkesda.core.roles import Role
from ejamkesda.coverage.models import PbiProposal, PremiumBill, PremiumPayment, SectorStat, SnapshotKind
from tests.coverage.factories import (
    VILLAGE_A,
    MembershipRecordFactory,
    PopulationRecordFactory,
    SectorListFactory,
    SnapshotFactory,
    build_month,
    nik,
    regions,
)
from tests.factories import AgencyFactory, MembershipFactory, PersonFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _assert_flat(client, url: str, add_rows: Callable[[int], None]) -> None:
    add_rows(2)
    client.get(url)  # warm caches (sessions, content types, translations)
    few = _count(client, url)
    add_rows(8)
    many = _count(client, url)
    assert many == few, f"{url}: {few} queries with few rows, {many} with more (N+1)"


def test_user_list(client, login):
    login(Role.UPT_ADMIN)

    def add(n: int) -> None:
        for _ in range(n):
            UserFactory(role=Role.PPK_OPERATOR, provider=ProviderFactory())
            UserFactory(role=Role.OPD_OPERATOR, agency=AgencyFactory())

    _assert_flat(client, reverse("accounts:users"), add)


def test_audit_list(client, login):
    login(Role.UPT_ADMIN)

    def add(n: int) -> None:
        for _ in range(n):
            audit_record(action="view", obj=UserFactory(), summary="uji")

    _assert_flat(client, reverse("audit:list"), add)


def test_provider_list_and_public_directory(client, login):
    login(Role.UPT_VERIFIER)
    regions()  # districts and villages for the provider addresses
    from ejamkesda.regions.models import Region

    village = Region.objects.get(code=VILLAGE_A)

    def add(n: int) -> None:
        for _ in range(n):
            ProviderFactory(village=village, district=village.parent)

    _assert_flat(client, reverse("providers:list"), add)
    _assert_flat(client, reverse("portal:directory"), add)


def test_person_detail(client, login):
    login(Role.UPT_ADMIN)
    person = PersonFactory()

    def add(n: int) -> None:
        for _ in range(n):
            MembershipFactory(person=person)

    _assert_flat(client, reverse("participants:detail", args=[person.pk]), add)


@pytest.fixture
def period():
    regions()
    return build_month(residents=[(nik(900), VILLAGE_A)], members=[])


def test_coverage_person_lists(client, login, period):
    login(Role.UPT_ADMIN)
    counter = iter(range(1, 1000))

    def add(n: int) -> None:
        for _ in range(n):
            number = nik(next(counter))
            PopulationRecordFactory(snapshot=period.population, nik=number, village_code=VILLAGE_A)
            MembershipRecordFactory(snapshot=period.membership, nik=number, village_code=VILLAGE_A, status="menunggak")

    _assert_flat(client, reverse("coverage:village_residents", args=[VILLAGE_A]), add)
    _assert_flat(client, reverse("coverage:inactive"), add)
    _assert_flat(client, reverse("coverage:pbi_village", args=[VILLAGE_A]), add)


def test_coverage_sector_lists_and_tasks(client, login, period):
    login(Role.VIEWER)

    def add_lists(n: int) -> None:
        for _ in range(n):
            item = SectorListFactory(agency=AgencyFactory())
            snapshot = SnapshotFactory(kind=SnapshotKind.SECTOR, sector_list=item)
            SectorStat.objects.create(
                period=period, sector_list=item, snapshot=snapshot, listed=3, registered=2, active=1
            )

    _assert_flat(client, reverse("coverage:sector_lists"), add_lists)
    _assert_flat(client, reverse("coverage:dashboard"), add_lists)

    from ejamkesda.coverage.models import InstructionTask

    counter = iter(range(1, 1000))

    def add_tasks(n: int) -> None:
        for _ in range(n):
            InstructionTask.objects.create(
                instruction="uji", point=next(counter), addressee="x", text="t", agency=AgencyFactory()
            )

    _assert_flat(client, reverse("coverage:tasks"), add_tasks)


def test_coverage_proposals_and_premium(client, login, period):
    login(Role.UPT_ADMIN)
    counter = iter(range(1, 1000))

    def add_proposals(n: int) -> None:
        for _ in range(n):
            PbiProposal.objects.create(nik=nik(next(counter)), name="Ani", decile=1)

    _assert_flat(client, reverse("coverage:proposals"), add_proposals)
    months = iter(range(0, 100))

    def add_bills(n: int) -> None:
        for _ in range(n):
            index = next(months)
            bill = PremiumBill.objects.create(month=dt.date(2020 + index // 12, index % 12 + 1, 1), billed_amount=9)
            PremiumPayment.objects.create(bill=bill, paid_on=dt.date(2026, 1, 1), amount=1)

    _assert_flat(client, reverse("coverage:premium"), add_bills)
