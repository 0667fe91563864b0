"""SJP, referrals and claims through the REST API, with Idempotency-Key."""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading

import pytest
from django.db import connection
from django.utils import timezone

from ejamkesda.api.models import IdempotencyRecord
from ejamkesda.core.roles import Role
from ejamkesda.providers.models import Provider
from ejamkesda.services.models import Claim, Referral, Sjp
from tests.api.factories import bearer, token_for
from tests.factories import ProviderFactory, user_with_role
from tests.services.factories import PDF, approved_sjp, jamkesda_member, ppk_operator, tariff_table

pytestmark = pytest.mark.django_db


def post(client, url, body, token, key=None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, data=json.dumps(body), content_type="application/json", **bearer(token), **extra)


@pytest.fixture
def operator():
    return ppk_operator()


def sjp_body(person, **kw):
    body = {
        "nik": person.nik,
        "service_kind": "rawat_jalan",
        "diagnosis_code": "A09",
        "service_from": timezone.localdate().isoformat(),
    }
    body.update(kw)
    return body


def test_sjp_request_and_status(client, operator):
    person = jamkesda_member()
    token = token_for(operator)
    response = post(client, "/api/v1/sjp", sjp_body(person), token)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "diajukan"
    assert data["provider_id"] == operator.provider_id
    status = client.get(f"/api/v1/sjp/{data['id']}", **bearer(token))
    assert status.json()["status"] == "diajukan"
    listing = client.get("/api/v1/sjp", **bearer(token)).json()
    assert listing["count"] == 1


def test_sjp_idempotency_same_key_same_body_creates_once(client, operator):
    person = jamkesda_member()
    token = token_for(operator)
    first = post(client, "/api/v1/sjp", sjp_body(person), token, key="k-1")
    second = post(client, "/api/v1/sjp", sjp_body(person), token, key="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Sjp.objects.count() == 1
    other_body = post(client, "/api/v1/sjp", sjp_body(person, diagnosis_code="J18.9"), token, key="k-1")
    assert other_body.status_code == 422
    assert other_body.json()["code"] == "kunci_idempotensi_dipakai"
    assert Sjp.objects.count() == 1


def test_idempotency_keys_are_per_user(client):
    person = jamkesda_member()
    a, b = token_for(ppk_operator()), token_for(ppk_operator())
    assert post(client, "/api/v1/sjp", sjp_body(person), a, key="same").status_code == 201
    assert post(client, "/api/v1/sjp", sjp_body(person), b, key="same").status_code == 201
    assert Sjp.objects.count() == 2


def test_sjp_refused_for_jkn_member_with_reason(client, operator):
    from tests.factories import MembershipFactory

    member = MembershipFactory()
    response = post(client, "/api/v1/sjp", sjp_body(member.person), token_for(operator), key="x")
    assert response.status_code == 422
    assert response.json()["code"] == "sjp_tidak_dapat_diajukan"
    assert "JKN" in response.json()["message"]
    assert not IdempotencyRecord.objects.exists()  # errors are not remembered: a fixed retry may go ahead


def test_sjp_unknown_nik(client, operator):
    from tests.factories import make_nik

    response = post(client, "/api/v1/sjp", sjp_body(type("P", (), {"nik": make_nik(serial=8888)})), token_for(operator))
    assert response.status_code == 422
    assert response.json()["code"] == "nik_tidak_terdaftar"


def test_only_ppk_operators_request_sjp(client):
    person = jamkesda_member()
    for role in (Role.UPT_ADMIN, Role.TREASURER, Role.OPD_OPERATOR):
        response = post(client, "/api/v1/sjp", sjp_body(person), token_for(user_with_role(role)))
        assert response.status_code == 403


def test_referral_create_and_read_by_both_ends(client):
    fktp = ProviderFactory(level=Provider.Level.FKTP)
    hospital = ProviderFactory(level=Provider.Level.FKRTL, kind=Provider.Kind.HOSPITAL)
    sender = ppk_operator(fktp)
    receiver = ppk_operator(hospital)
    person = jamkesda_member()
    body = {"nik": person.nik, "to_provider_id": hospital.pk, "diagnosis_code": "J18.9", "reason": "Perlu spesialis"}
    response = post(client, "/api/v1/referrals", body, token_for(sender), key="r1")
    assert response.status_code == 201, response.json()
    referral_id = response.json()["id"]
    assert client.get(f"/api/v1/referrals/{referral_id}", **bearer(token_for(receiver))).status_code == 200
    assert client.get(f"/api/v1/referrals/{referral_id}", **bearer(token_for(ppk_operator()))).status_code == 404
    assert Referral.objects.count() == 1


def claim_body(sjp, **kw):
    body = {
        "sjp_id": sjp.pk,
        "admission_date": sjp.service_from.isoformat(),
        "discharge_date": sjp.service_from.isoformat(),
        "primary_diagnosis": "A09",
        "lines": [{"code": "RJ01", "quantity": 2}, {"code": "LAB01", "quantity": 1}],
        "attachments": [
            {"kind": "rincian_biaya", "filename": "rincian.pdf", "content_base64": base64.b64encode(PDF).decode()}
        ],
    }
    body.update(kw)
    return body


def test_claim_submit_with_lines_and_attachment(client, operator):
    tariff_table()
    sjp = approved_sjp(operator=operator)
    token = token_for(operator)
    response = post(client, "/api/v1/claims", claim_body(sjp), token, key="c1")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["claimed_total"] == 2 * 50_000 + 75_000
    assert [line["code"] for line in data["lines"]] == ["RJ01", "LAB01"]
    assert data["attachments"][0]["content_type"] == "application/pdf"
    assert data["status"] == "diajukan"
    again = post(client, "/api/v1/claims", claim_body(sjp), token, key="c1")
    assert again.json() == data
    assert Claim.objects.count() == 1
    detail = client.get(f"/api/v1/claims/{data['id']}", **bearer(token)).json()
    assert detail["events"][0]["to_status"] == "diajukan"


def test_claim_checks_failures_are_listed(client, operator):
    tariff_table()
    sjp = approved_sjp(operator=operator)
    body = claim_body(sjp, attachments=[], lines=[{"code": "TIDAKADA", "quantity": 1}])
    response = post(client, "/api/v1/claims", body, token_for(operator))
    assert response.status_code == 422
    payload = response.json()
    assert payload["code"] == "klaim_tidak_lolos_pemeriksaan"
    failed = {d["code"] for d in payload["details"] if not d["ok"]}
    assert {"prices", "attachments"} <= failed


def test_claim_attachment_must_be_pdf_or_image(client, operator):
    tariff_table()
    sjp = approved_sjp(operator=operator)
    body = claim_body(
        sjp,
        attachments=[
            {"kind": "rincian_biaya", "filename": "x.pdf", "content_base64": base64.b64encode(b"MZ not a pdf").decode()}
        ],
    )
    response = post(client, "/api/v1/claims", body, token_for(operator))
    assert response.status_code == 422
    bad = claim_body(sjp, attachments=[{"kind": "rincian_biaya", "filename": "x.pdf", "content_base64": "@@@@"}])
    assert post(client, "/api/v1/claims", bad, token_for(operator)).json()["code"] == "lampiran_tidak_valid"


def test_claim_for_other_providers_sjp_is_refused(client, operator):
    tariff_table()
    sjp = approved_sjp()  # another provider's
    response = post(client, "/api/v1/claims", claim_body(sjp), token_for(operator))
    assert response.status_code == 404  # as GET /sjp/{id} answers for another provider's SJP
    assert response.json()["code"] == "sjp_tidak_ditemukan"


@pytest.mark.django_db(transaction=True)
def test_concurrent_same_key_creates_one_sjp(operator):
    from django.test import Client

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL")
    person = jamkesda_member()
    token = token_for(operator)
    results = []

    def worker():
        c = Client()
        results.append(post(c, "/api/v1/sjp", sjp_body(person), token, key="race").status_code)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [201] * 4
    assert Sjp.objects.count() == 1
    assert dt.date.today()
