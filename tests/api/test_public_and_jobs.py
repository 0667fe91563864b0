from __future__ import annotations

import datetime as dt

import pytest

from ejamkesda.core.roles import Role
from ejamkesda.jobs.models import Job
from tests.api.factories import bearer, token_for
from tests.coverage.factories import VILLAGE_A, VILLAGE_C, build_month, nik, regions
from tests.factories import AgencyFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_public_coverage_without_token(client):
    regions()
    residents = [(nik(i), VILLAGE_A) for i in range(1, 5)] + [(nik(i, "640902"), VILLAGE_C) for i in range(1, 3)]
    members = [(nik(1), "pbi_apbn", "aktif"), (nik(2), "ppu", "nonaktif"), (nik(1, "640902"), "ppu", "aktif")]
    build_month(dt.date(2026, 10, 1), residents=residents, members=members)
    response = client.get("/api/v1/public/coverage")
    assert response.status_code == 200
    data = response.json()
    assert data["period"] == "2026-10"
    regency = next(a for a in data["areas"] if a["region_code"] == "64.09")
    assert (regency["population"], regency["registered"], regency["active"]) == (6, 3, 2)
    assert regency["active_percent"] == "33.33"
    assert {a["region_code"] for a in data["areas"]} >= {"64.09.01", "64.09.02"}
    # Aggregates only: no NIK anywhere.
    assert nik(1) not in response.content.decode()


def test_public_coverage_empty(client):
    assert client.get("/api/v1/public/coverage").json() == {"period": None, "areas": []}


def test_jobs_scoped_by_agency(client):
    agency = AgencyFactory()
    mine = Job.objects.create(kind="sector_list", agency=agency, rows_read=10)
    Job.objects.create(kind="sector_list", agency=AgencyFactory())
    token = token_for(user_with_role(Role.OPD_OPERATOR, agency=agency))
    data = client.get("/api/v1/jobs", **bearer(token)).json()
    assert [j["id"] for j in data["results"]] == [mine.pk]
    assert data["results"][0]["rows_read"] == 10
    upt = token_for(user_with_role(Role.UPT_ADMIN))
    assert client.get("/api/v1/jobs", **bearer(upt)).json()["count"] == 2
