"""Sector lists: rows with a missing or mistyped NIK are linked to the register by
pemadanan (review band to the queue, decisions reused), and probable duplicates inside a
list are reported; each agency sees only its own lists and people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.coverage.importing import import_rows
from ejamkesda.coverage.models import MatchReview, SectorDuplicate, SectorEntry, SectorStat, SnapshotKind
from ejamkesda.coverage.services.compute import coverage_period_compute
from ejamkesda.coverage.services.matching import match_review_decide
from tests.coverage.factories import (
    MembershipRecordFactory,
    PopulationRecordFactory,
    SectorListFactory,
    SnapshotFactory,
    nik,
    regions,
)
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db
OCT, NOV = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


@pytest.fixture(autouse=True)
def simple_matcher(request, settings):
    """Fixed scores of the rule-based matcher; the engine has its own test below."""
    if "engine" not in request.node.name:
        settings.COVERAGE_MATCHER = "simple"


def register(month):
    population = SnapshotFactory(kind=SnapshotKind.POPULATION, as_of=month)
    membership = SnapshotFactory(kind=SnapshotKind.MEMBERSHIP, as_of=month)
    people = [
        (1, "ANI SUSANTI", dt.date(1980, 1, 15)),
        (2, "BUDI SANTOSO", dt.date(1982, 2, 20)),
        (3, "CITRA DEWI", dt.date(1990, 5, 3)),
    ]
    for serial, name, born in people:
        PopulationRecordFactory(snapshot=population, nik=nik(serial), name=name, birth_date=born)
        MembershipRecordFactory(snapshot=membership, nik=nik(serial), name=name, status="aktif")
    return population, membership


def teachers_file(sector_list, month):
    rows = [
        (2, {"nik": nik(1), "nama": "Ani Susanti", "tgl_lahir": "1980-01-15"}),  # exact NIK
        (3, {"nik": "", "nama": "Budi  Santoso", "tgl_lahir": "1982-02-20"}),  # no NIK: same name and date
        (4, {"nik": "64090112", "nama": "Citra Dewi", "tgl_lahir": "1990-03-05"}),  # bad NIK, swapped date
        (5, {"nik": "", "nama": "Dedi", "tgl_lahir": "1970-01-01"}),  # not on the register
        (6, {"nik": "", "nama": "Tanpa Tanggal"}),  # cannot be matched: refused
    ]
    return import_rows(kind=SnapshotKind.SECTOR, as_of=month, rows=rows, sector_list=sector_list)


def test_rows_without_valid_nik_are_linked_queued_and_decisions_reused():
    regions()
    teachers = SectorListFactory()
    population, membership = register(OCT)
    imported = teachers_file(teachers, OCT)
    assert [(e["row"], e["column"]) for e in imported.errors] == [(6, "nik")]
    period = coverage_period_compute(month=OCT, population=population, membership=membership)
    entries = {e.name: e for e in SectorEntry.objects.filter(snapshot__sector_list=teachers)}
    assert (entries["Ani Susanti"].resident_nik, entries["Ani Susanti"].link_method) == (nik(1), "nik")
    assert (entries["Budi  Santoso"].resident_nik, entries["Budi  Santoso"].link_method) == (nik(2), "nama+tgl_lahir")
    assert entries["Citra Dewi"].resident_nik == ""  # swapped date: review band, not linked yet
    review = MatchReview.objects.get(sector_list=teachers)
    assert (review.resident_nik, review.card_number, review.entry_key) == (nik(3), "", entries["Citra Dewi"].entry_key)
    stat = SectorStat.objects.get(period=period, sector_list=teachers)
    assert (stat.listed, stat.registered, stat.active) == (4, 2, 2)

    match_review_decide(review=review, confirm=True, actor=UserFactory())
    # next month: a new upload of the same list; the decision is reused, nothing asked again
    population, membership = register(NOV)
    teachers_file(teachers, NOV)
    period = coverage_period_compute(month=NOV, population=population, membership=membership)
    citra = SectorEntry.objects.get(snapshot__as_of=NOV, name="Citra Dewi")
    assert (citra.resident_nik, citra.link_method) == (nik(3), "keputusan_petugas")
    assert MatchReview.objects.filter(sector_list=teachers).count() == 1
    stat = SectorStat.objects.get(period=period, sector_list=teachers)
    assert (stat.listed, stat.registered, stat.active) == (4, 3, 3)


def test_officers_confirmation_outranks_the_automatic_choice():
    from decimal import Decimal

    regions()
    teachers = SectorListFactory()
    population, membership = register(OCT)
    teachers_file(teachers, OCT)
    coverage_period_compute(month=OCT, population=population, membership=membership)
    budi = SectorEntry.objects.get(name="Budi  Santoso")
    assert budi.resident_nik == nik(2)  # the automatic choice
    MatchReview.objects.create(
        sector_list=teachers,
        entry_key=budi.entry_key,
        sector_snapshot=budi.snapshot,
        population_snapshot=population,
        resident_nik=nik(3),
        score=Decimal("0.9"),
        method="nama",
        decision=MatchReview.Decision.CONFIRMED,
    )
    coverage_period_compute(month=OCT, population=population, membership=membership)
    budi.refresh_from_db()
    assert (budi.resident_nik, budi.link_method) == (nik(3), "keputusan_petugas")


def test_rejected_pair_is_never_linked():
    regions()
    teachers = SectorListFactory()
    population, membership = register(OCT)
    teachers_file(teachers, OCT)
    coverage_period_compute(month=OCT, population=population, membership=membership)
    match_review_decide(review=MatchReview.objects.get(), confirm=False, actor=UserFactory())
    coverage_period_compute(month=OCT, population=population, membership=membership)
    assert SectorEntry.objects.get(name="Citra Dewi").resident_nik == ""
    assert MatchReview.objects.count() == 1


def test_probable_duplicates_inside_a_list_are_reported_to_its_agency_only(client, login):
    regions()
    user = login(Role.OPD_OPERATOR)
    teachers = SectorListFactory(agency=user.agency)
    rows = [
        (2, {"nik": nik(1), "nama": "MUHAMMAD RIZKI", "tgl_lahir": "1985-03-07", "unit": "SDN 1"}),
        (3, {"nik": "", "nama": "Muhammad  Rizki", "tgl_lahir": "1985-03-07", "unit": "SDN 2"}),
        (4, {"nik": nik(2), "nama": "Sari", "tgl_lahir": "1985-03-07"}),
        (5, {"nik": nik(1), "nama": "Rizki lagi"}),  # the same NIK twice: refused at import
    ]
    imported = import_rows(kind=SnapshotKind.SECTOR, as_of=OCT, rows=rows, sector_list=teachers)
    assert [(e["row"], e["column"]) for e in imported.errors] == [(5, "nik")]
    duplicate = SectorDuplicate.objects.get()
    assert {duplicate.entry_a.unit, duplicate.entry_b.unit} == {"SDN 1", "SDN 2"}
    snapshot = teachers.snapshot_set.get()
    page = client.get(reverse("coverage:snapshot", args=[snapshot.pk]))
    assert page.status_code == 200 and page.context["duplicates"] == [duplicate]
    assert nik(1) not in page.content.decode()
    listing = client.get(reverse("coverage:sector_list", args=[teachers.pk]))
    assert listing.context["snapshots"][0].duplicate_count == 1
    other = SectorListFactory(agency=AgencyFactory())
    assert client.get(reverse("coverage:sector_list", args=[other.pk])).status_code == 404
    assert AuditLog.objects.filter(object_id=str(snapshot.pk), action="view", actor=user).exists()
    login(Role.VIEWER)  # regency-wide aggregates only: the page opens without the people
    viewer_page = client.get(reverse("coverage:snapshot", args=[snapshot.pk]))
    assert viewer_page.status_code == 200 and viewer_page.context["duplicates"] == []
    assert "Muhammad  Rizki" not in viewer_page.content.decode()
    login(Role.OPD_OPERATOR)  # another agency's operator
    assert client.get(reverse("coverage:snapshot", args=[snapshot.pk])).status_code == 404
    assert client.get(reverse("coverage:sector_people", args=[teachers.pk])).status_code == 404


def test_follow_up_list_counts_linked_people_and_refuses_unknown_nik(client, login):
    regions()
    user = login(Role.OPD_OPERATOR)
    teachers = SectorListFactory(agency=user.agency)
    population, membership = register(OCT)
    teachers_file(teachers, OCT)
    coverage_period_compute(month=OCT, population=population, membership=membership)
    response = client.get(reverse("coverage:sector_people", args=[teachers.pk]))
    names = [row["obj"].name for row in response.context["rows"]]
    assert sorted(names) == ["Citra Dewi", "Dedi"]  # Ani (NIK) and Budi (pemadanan) are covered
    dedi = SectorEntry.objects.get(name="Dedi")
    follow = client.post(reverse("coverage:follow_up", args=["daftar", dedi.pk]), {"status": "contacted"}, follow=True)
    assert "belum diketahui" in follow.content.decode()


def test_review_queue_shows_sector_rows_to_upt(client, login):
    regions()
    teachers = SectorListFactory(name="Guru SD negeri")
    population, membership = register(OCT)
    teachers_file(teachers, OCT)
    coverage_period_compute(month=OCT, population=population, membership=membership)
    login(Role.UPT_VERIFIER)
    page = client.get(reverse("coverage:review_queue"))
    row = page.context["rows"][0]
    assert row["sector_list"] == teachers and row["card"].name == "Citra Dewi" and row["card_nik"] == "?"
    assert "Guru SD negeri" in page.content.decode()
    login(Role.OPD_OPERATOR)
    assert client.get(reverse("coverage:review_queue")).status_code == 403


def test_engine_links_sector_rows_or_queues_them():
    regions()
    teachers = SectorListFactory()
    population = SnapshotFactory(kind=SnapshotKind.POPULATION, as_of=OCT)
    membership = SnapshotFactory(kind=SnapshotKind.MEMBERSHIP, as_of=OCT)
    PopulationRecordFactory(
        snapshot=population, nik=nik(1), name="MUHAMMAD RIZKI", sex="L", birth_date=dt.date(1985, 3, 7)
    )
    for serial in range(2, 40):
        PopulationRecordFactory(snapshot=population, nik=nik(serial), birth_date=dt.date(1950 + serial, 1, 2))
    MembershipRecordFactory(snapshot=membership, nik=nik(1), status="aktif")
    rows = [(2, {"nik": nik(1)[:-2] + "99", "nama": "Moh. Rizki", "jenis_kelamin": "L", "tgl_lahir": "1985-03-07"})]
    rows += [(n + 3, {"nik": nik(n), "nama": f"Penduduk {n - 2}"}) for n in range(2, 12)]
    import_rows(kind=SnapshotKind.SECTOR, as_of=OCT, rows=rows, sector_list=teachers)
    coverage_period_compute(month=OCT, population=population, membership=membership)
    rizki = SectorEntry.objects.get(name="Moh. Rizki")
    assert rizki.resident_nik == nik(1) or MatchReview.objects.filter(entry_key=rizki.entry_key).exists()
