from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from ejamkesda.core.roles import Role
from ejamkesda.coverage.models import CoverageStat, MatchReview, SnapshotKind
from ejamkesda.coverage.services.compute import coverage_period_compute
from ejamkesda.coverage.services.matching import match_review_decide
from tests.coverage.factories import (
    VILLAGE_A,
    MembershipRecordFactory,
    PopulationRecordFactory,
    SnapshotFactory,
    nik,
    regions,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def simple_matcher(request, settings):
    """The rule-based matcher has fixed scores; the engine is tested separately below."""
    if "engine" not in request.node.name:
        settings.COVERAGE_MATCHER = "simple"


def snapshots(month=dt.date(2026, 10, 1)):
    population = SnapshotFactory(kind=SnapshotKind.POPULATION, as_of=month)
    membership = SnapshotFactory(kind=SnapshotKind.MEMBERSHIP, as_of=month)
    return population, membership


def test_missing_nik_linked_by_name_and_birth_date():
    population, membership = snapshots()
    PopulationRecordFactory(snapshot=population, nik=nik(1), name="SITI AMINAH", birth_date=dt.date(1990, 5, 20))
    MembershipRecordFactory(
        snapshot=membership, nik="", name="Siti  Aminah", birth_date=dt.date(1990, 5, 20), status="aktif"
    )
    period = coverage_period_compute(month=population.as_of, population=population, membership=membership)
    assert CoverageStat.objects.get(period=period, region_code=VILLAGE_A).active == 1
    assert membership.memberships.get().resident_nik == nik(1)


def test_swapped_day_month_goes_to_review_and_confirmation_is_reused(client, login):
    regions()
    population, membership = snapshots()
    PopulationRecordFactory(snapshot=population, nik=nik(1), name="BUDI", birth_date=dt.date(1990, 5, 3))
    MembershipRecordFactory(
        snapshot=membership, card_number="77", nik="", name="Budi", birth_date=dt.date(1990, 3, 5), status="aktif"
    )
    period = coverage_period_compute(month=population.as_of, population=population, membership=membership)
    assert CoverageStat.objects.get(period=period, region_code=VILLAGE_A).active == 0
    review = MatchReview.objects.get()
    assert review.decision == "pending" and "tertukar" in review.reasons
    login(Role.UPT_VERIFIER)
    page = client.get(reverse("coverage:review_queue"))
    assert page.status_code == 200 and nik(1) not in page.content.decode()
    client.post(reverse("coverage:review_decide", args=[review.pk]), {"decision": "confirm"})
    review.refresh_from_db()
    assert review.decision == "confirmed"
    # next month's snapshot: the confirmed pair is linked without asking again
    population2, membership2 = snapshots(dt.date(2026, 11, 1))
    PopulationRecordFactory(snapshot=population2, nik=nik(1), name="BUDI", birth_date=dt.date(1990, 5, 3))
    MembershipRecordFactory(
        snapshot=membership2, card_number="77", nik="", name="Budi", birth_date=dt.date(1990, 3, 5), status="aktif"
    )
    november = coverage_period_compute(month=population2.as_of, population=population2, membership=membership2)
    assert CoverageStat.objects.get(period=november, region_code=VILLAGE_A).active == 1
    assert MatchReview.objects.count() == 1


def test_two_candidate_residents_are_never_auto_linked():
    population, membership = snapshots()
    for serial in (1, 2):
        PopulationRecordFactory(snapshot=population, nik=nik(serial), name="ANI", birth_date=dt.date(1990, 5, 20))
    MembershipRecordFactory(snapshot=membership, nik="", name="Ani", birth_date=dt.date(1990, 5, 20))
    coverage_period_compute(month=population.as_of, population=population, membership=membership)
    assert membership.memberships.get().resident_nik == ""
    assert MatchReview.objects.filter(decision="pending").count() == 2


def test_review_is_for_upt_only(client, login):
    login(Role.OPD_OPERATOR)
    assert client.get(reverse("coverage:review_queue")).status_code == 403
    login(Role.VIEWER)
    assert client.get(reverse("coverage:review_queue")).status_code == 403


def test_second_decision_refused():
    population, membership = snapshots()
    review = MatchReview.objects.create(
        card_number="1",
        resident_nik=nik(1),
        score="0.8",
        method="x",
        membership_snapshot=membership,
        population_snapshot=population,
    )
    match_review_decide(review=review, confirm=True, actor=None)
    with pytest.raises(ValidationError):
        match_review_decide(review=review, confirm=False, actor=None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_two_concurrent_reviewers_exactly_one_wins():
    population, membership = snapshots()
    review = MatchReview.objects.create(
        card_number="1",
        resident_nik=nik(1),
        score="0.8",
        method="x",
        membership_snapshot=membership,
        population_snapshot=population,
    )
    users = [UserFactory(), UserFactory()]
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def decide(user, confirm):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            match_review_decide(review=review, confirm=confirm, actor=user)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=decide, args=(users[i], i == 0)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert connection.vendor == "postgresql"


def test_engine_links_mistyped_nik_or_queues_it():
    population, membership = snapshots()
    PopulationRecordFactory(
        snapshot=population, nik=nik(1), name="MUHAMMAD RIZKI", sex="L", birth_date=dt.date(1985, 3, 7)
    )
    for serial in range(2, 30):
        PopulationRecordFactory(snapshot=population, nik=nik(serial), birth_date=dt.date(1970 + serial, 1, 2))
    typo = nik(1)[:-1] + ("9" if nik(1)[-1] != "9" else "8")
    record = MembershipRecordFactory(
        snapshot=membership,
        card_number="55",
        nik="",
        reported_nik=typo,
        name="Moh. Rizki",
        birth_date=dt.date(1985, 3, 7),
    )
    coverage_period_compute(month=population.as_of, population=population, membership=membership)
    record.refresh_from_db()
    queued = MatchReview.objects.filter(card_number="55", resident_nik=nik(1)).exists()
    assert record.resident_nik == nik(1) or queued
