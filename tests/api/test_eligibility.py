from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from ejamkesda.audit.models import AuditLog
from ejamkesda.bpjs.fake_server import FakeBpjsServer, FakeBpjsState, FakeParticipant
from ejamkesda.core.roles import Role
from ejamkesda.participants.models import MembershipStatus, Programme, Segment
from tests.api.factories import bearer, token_for
from tests.factories import MembershipFactory, PersonFactory, make_nik, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def upt_token():
    return token_for(user_with_role(Role.UPT_VERIFIER))


def check(client, token, nik, date="2025-06-01"):
    body = {"nik": nik} if date is None else {"nik": nik, "date": date}
    return client.post("/api/v1/eligibility", data=json.dumps(body), content_type="application/json", **bearer(token))


def test_local_jamkesda_membership(client, upt_token):
    m = MembershipFactory(programme=Programme.JAMKESDA, segment="", care_class=3)
    data = check(client, upt_token, m.person.nik).json()
    assert data["covered"] is True
    assert data["programme"] == "jamkesda"
    assert data["source"] == "jamkesda_lokal"
    assert data["care_class"] == 3
    # Minimal answer: no name, birth date or address.
    text = json.dumps(data)
    assert m.person.name not in text
    assert "1985" not in text


def test_imported_jkn_is_preferred_and_latest_import_wins(client, upt_token):
    person = PersonFactory()
    MembershipFactory(person=person, programme=Programme.JAMKESDA, segment="")
    MembershipFactory(person=person, segment=Segment.PBI_APBN, care_class=3, source_date=dt.date(2024, 1, 1))
    MembershipFactory(person=person, segment=Segment.PPU, care_class=1, source_date=dt.date(2025, 1, 1))
    data = check(client, upt_token, person.nik).json()
    assert data["programme"] == "jkn"
    assert data["source"] == "jkn_impor"
    assert data["segment"] == "ppu"
    assert data["care_class"] == 1
    assert {c["programme"] for c in data["coverages"]} == {"jkn", "jamkesda"}


def test_not_covered_on_date_outside_period(client, upt_token):
    m = MembershipFactory(valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2024, 12, 31), status=MembershipStatus.ENDED)
    assert check(client, upt_token, m.person.nik, "2024-06-01").json()["covered"] is True
    later = check(client, upt_token, m.person.nik, "2025-01-01").json()
    assert later["covered"] is False
    assert later["found"] is True
    assert later["source"] == "tidak_ada"


def test_inactive_membership_is_not_coverage(client, upt_token):
    m = MembershipFactory(status=MembershipStatus.ARREARS)
    assert check(client, upt_token, m.person.nik).json()["covered"] is False


def test_deceased_person_is_not_covered(client, upt_token):
    m = MembershipFactory()
    m.person.deceased, m.person.deceased_on = True, dt.date(2025, 1, 1)
    m.person.save()
    data = check(client, upt_token, m.person.nik).json()
    assert data["covered"] is False
    assert data["warnings"]


def test_unknown_nik(client, upt_token):
    data = check(client, upt_token, make_nik(serial=9999)).json()
    assert data == {**data, "found": False, "covered": False, "source": "tidak_ada"}


def test_default_date_is_today(client, upt_token):
    m = MembershipFactory()
    data = check(client, upt_token, m.person.nik, None).json()
    assert data["date"] == dt.date.today().isoformat() or data["date"]
    assert data["covered"] is True


@pytest.mark.parametrize(
    "nik",
    [
        "640901070385000",
        "64090107038500011",
        "64090107038A0001",
        "6409013203850001",
        "6409010703850000",
        "0009010703850001",
    ],
)
def test_invalid_nik_is_422_with_code(client, upt_token, nik):
    response = check(client, upt_token, nik)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] in {"validasi_gagal", "nik_tidak_valid"}
    assert body["message"]


def test_bad_date_is_422(client, upt_token):
    response = check(client, upt_token, make_nik(), "2025-13-40")
    assert response.status_code == 422
    assert response.json()["code"] == "validasi_gagal"


def test_roles_without_person_access_are_forbidden(client):
    for role in (Role.OPD_OPERATOR, Role.VIEWER, Role.TREASURER):
        response = check(client, token_for(user_with_role(role)), make_nik())
        assert response.status_code == 403
        assert response.json()["code"] == "tidak_berwenang"


def test_anonymous_is_refused(client):
    response = client.post("/api/v1/eligibility", data=json.dumps({"nik": make_nik()}), content_type="application/json")
    assert response.status_code == 401


def test_get_is_not_allowed(client, upt_token):
    assert client.get("/api/v1/eligibility", **bearer(upt_token)).status_code == 405


def test_check_is_audited_without_nik(client, upt_token, caplog):
    m = MembershipFactory()
    with caplog.at_level(logging.DEBUG):
        check(client, upt_token, m.person.nik)
    entry = AuditLog.objects.get(object_type="participants.Person", object_id=str(m.person.pk))
    assert entry.action == "view"
    assert m.person.nik not in entry.summary + json.dumps(entry.changes)
    assert m.person.nik not in caplog.text


# --- live BPJS --------------------------------------------------------------------------
@pytest.fixture
def fake_bpjs(monkeypatch):
    state = FakeBpjsState(
        participants=[
            FakeParticipant(
                card_number="0001234567890",
                nik=make_nik(serial=777),
                name="SITI",
                segment_text="PBI (APBN)",
                care_class=3,
            ),
        ]
    )
    with FakeBpjsServer(state) as server:
        monkeypatch.setenv("BPJS_CONS_ID", state.cons_id)
        monkeypatch.setenv("BPJS_SECRET", state.secret)
        monkeypatch.setenv("BPJS_USER_KEY", state.user_key)
        monkeypatch.setenv("BPJS_VCLAIM_URL", server.vclaim_url)
        monkeypatch.setenv("BPJS_RETRIES", "0")
        monkeypatch.setenv("BPJS_TIMEOUT_SECONDS", "2")
        yield server


def test_live_bpjs_answers_when_local_data_has_no_jkn(client, upt_token, fake_bpjs):
    data = check(client, upt_token, make_nik(serial=777)).json()
    assert data["covered"] is True
    assert data["source"] == "bpjs_langsung"
    assert data["segment"] == "pbi_apbn"
    assert data["care_class"] == 3


def test_local_jkn_answer_does_not_call_bpjs(client, upt_token, fake_bpjs):
    m = MembershipFactory()
    assert check(client, upt_token, m.person.nik).json()["source"] == "jkn_impor"
    assert fake_bpjs.state.requests == 0


def test_bpjs_outage_falls_back_to_local_with_warning(client, upt_token, fake_bpjs):
    fake_bpjs.state.fail_with_status = 503
    m = MembershipFactory(programme=Programme.JAMKESDA, segment="")
    data = check(client, upt_token, m.person.nik).json()
    assert data["covered"] is True
    assert data["source"] == "jamkesda_lokal"
    assert any("BPJS" in w for w in data["warnings"])


# --- PostgreSQL hot path (docs/integrasi-api.md) ---------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_postgresql_prepared_look_up_survives_a_lost_connection():
    """The look-up runs as a prepared statement; a connection the server closed is replaced, not a 500."""
    import psycopg
    from django.db import connection

    from ejamkesda.api.eligibility import eligibility_check

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    m = MembershipFactory()
    on = dt.date(2025, 6, 1)
    assert eligibility_check(nik=m.person.nik, on=on, use_bpjs=False).covered
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%participants_person%%'")
        assert cursor.fetchone()[0] == 1
    pid = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    answer = eligibility_check(nik=m.person.nik, on=on, use_bpjs=False)
    assert answer.covered
    assert connection.connection.info.backend_pid != pid
