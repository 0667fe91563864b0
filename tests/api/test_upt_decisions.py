"""UPT decisions through the REST API: SJP approve/reject, claim approve/adjust/return/reject.

The API calls the same service functions as the web pages; these tests check what a client
sees: roles (provider 403, anonymous 401), Idempotency-Key, optimistic concurrency (409 with a
stable code) and that the decision is recorded exactly like a web decision (events, audit).
"""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import connection
from django.test import Client

from ejamkesda.api.models import IdempotencyRecord
from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.services.models import Claim, ClaimEvent, Sjp
from ejamkesda.services.sjp import sjp_request
from tests.api.factories import bearer, token_for
from tests.api.test_services_api import post
from tests.factories import user_with_role
from tests.services.factories import jamkesda_member, ppk_operator, submitted_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def verifier():
    return user_with_role(Role.UPT_VERIFIER)


def requested_sjp(operator=None):
    from django.utils import timezone

    return sjp_request(
        actor=operator or ppk_operator(),
        person=jamkesda_member(),
        service_kind="rawat_jalan",
        diagnosis_code="A09",
        service_from=timezone.localdate(),
    )


# --- SJP -----------------------------------------------------------------------------------
def test_upt_approves_sjp_and_the_provider_sees_the_number(client, verifier):
    operator = ppk_operator()
    sjp = requested_sjp(operator)
    response = post(client, f"/api/v1/sjp/{sjp.pk}/approve", {"note": "lengkap"}, token_for(verifier), key="a1")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "disetujui"
    assert data["number"]
    assert data["decision_reason"] == "lengkap"
    seen = client.get(f"/api/v1/sjp/{sjp.pk}", **bearer(token_for(operator))).json()
    assert seen["number"] == data["number"]
    assert AuditLog.objects.filter(object_id=str(sjp.pk), changes__event="sjp.approve", actor=verifier).exists()


def test_sjp_approve_with_valid_until(client, verifier):
    sjp = requested_sjp()
    day = (sjp.service_from + dt.timedelta(days=10)).isoformat()
    response = post(client, f"/api/v1/sjp/{sjp.pk}/approve", {"valid_until": day}, token_for(verifier))
    assert response.json()["valid_until"] == day


def test_upt_rejects_sjp_with_reason(client, verifier):
    sjp = requested_sjp()
    response = post(client, f"/api/v1/sjp/{sjp.pk}/reject", {"reason": "Diagnosis tidak sesuai"}, token_for(verifier))
    assert response.status_code == 200
    assert response.json()["status"] == "ditolak"
    assert response.json()["decision_reason"] == "Diagnosis tidak sesuai"
    blank = post(client, f"/api/v1/sjp/{requested_sjp().pk}/reject", {"reason": "   "}, token_for(verifier))
    assert blank.status_code == 422
    assert blank.json()["code"] == "keputusan_tidak_valid"
    empty = post(client, f"/api/v1/sjp/{requested_sjp().pk}/reject", {"reason": ""}, token_for(verifier))
    assert empty.status_code == 422


def test_second_sjp_decision_is_409_with_stable_code(client, verifier):
    sjp = requested_sjp()
    assert post(client, f"/api/v1/sjp/{sjp.pk}/approve", {}, token_for(verifier)).status_code == 200
    other = user_with_role(Role.UPT_ADMIN)
    response = post(client, f"/api/v1/sjp/{sjp.pk}/reject", {"reason": "x"}, token_for(other))
    assert response.status_code == 409
    assert response.json()["code"] == "sjp_sudah_diputuskan"
    assert Sjp.objects.get(pk=sjp.pk).status == "disetujui"


def test_sjp_decision_idempotency(client, verifier):
    sjp = requested_sjp()
    token = token_for(verifier)
    first = post(client, f"/api/v1/sjp/{sjp.pk}/approve", {"note": "ok"}, token, key="k")
    again = post(client, f"/api/v1/sjp/{sjp.pk}/approve", {"note": "ok"}, token, key="k")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()  # the stored answer, not a 409
    other_body = post(client, f"/api/v1/sjp/{sjp.pk}/approve", {"note": "lain"}, token, key="k")
    assert other_body.status_code == 422
    assert other_body.json()["code"] == "kunci_idempotensi_dipakai"
    assert AuditLog.objects.filter(object_id=str(sjp.pk), changes__event="sjp.approve").count() == 1
    assert IdempotencyRecord.objects.filter(key="k").count() == 1


@pytest.mark.parametrize("role", [Role.PPK_OPERATOR, Role.TREASURER, Role.OPD_OPERATOR, Role.VIEWER])
def test_only_upt_decides(client, role):
    operator = ppk_operator()
    sjp = requested_sjp(operator)
    claim = submitted_claim(operator=operator)
    user = operator if role == Role.PPK_OPERATOR else user_with_role(role)
    token = token_for(user)
    calls = [
        (f"/api/v1/sjp/{sjp.pk}/approve", {}),
        (f"/api/v1/sjp/{sjp.pk}/reject", {"reason": "x"}),
        (f"/api/v1/claims/{claim.pk}/approve", {"expected_version": claim.version}),
        (f"/api/v1/claims/{claim.pk}/return", {"expected_version": claim.version, "note": "x"}),
        (f"/api/v1/claims/{claim.pk}/reject", {"expected_version": claim.version, "reason_code": "duplikat"}),
    ]
    for url, body in calls:
        response = post(client, url, body, token)
        assert response.status_code == 403, (url, response.json())
        assert response.json()["code"] == "tidak_berwenang"
        anonymous = client.post(url, data=json.dumps(body), content_type="application/json")
        assert anonymous.status_code == 401
    assert Sjp.objects.get(pk=sjp.pk).status == "diajukan"
    assert Claim.objects.get(pk=claim.pk).status == "diajukan"


def test_unknown_objects_are_404_for_upt(client, verifier):
    token = token_for(verifier)
    assert post(client, "/api/v1/sjp/999999/approve", {}, token).status_code == 404
    assert post(client, "/api/v1/claims/999999/approve", {"expected_version": 1}, token).status_code == 404


# --- claims --------------------------------------------------------------------------------
def test_upt_approves_claim(client, verifier):
    claim = submitted_claim()
    body = {"expected_version": claim.version}
    response = post(client, f"/api/v1/claims/{claim.pk}/approve", body, token_for(verifier))
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "disetujui"
    assert data["approved_total"] == claim.claimed_total
    assert data["version"] == claim.version + 1
    assert all(line["approved_amount"] == line["amount"] for line in data["lines"])
    assert data["events"][-1]["to_status"] == "disetujui"
    assert ClaimEvent.objects.filter(claim=claim, actor=verifier, to_status="disetujui").exists()


def test_upt_approves_claim_with_adjusted_lines(client, verifier):
    claim = submitted_claim()
    token = token_for(verifier)
    lines = client.get(f"/api/v1/claims/{claim.pk}", **bearer(token)).json()["lines"]
    first = lines[0]
    body = {
        "expected_version": claim.version,
        "adjustments": [{"line_id": first["id"], "approved_amount": first["amount"] - 10_000, "reason": "Tarif"}],
    }
    response = post(client, f"/api/v1/claims/{claim.pk}/approve", body, token)
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "disetujui_penyesuaian"
    assert data["approved_total"] == claim.claimed_total - 10_000
    assert data["lines"][0]["adjustment_reason"] == "Tarif"


def test_adjustment_without_reason_or_foreign_line_is_422(client, verifier):
    claim = submitted_claim()
    other = submitted_claim()
    token = token_for(verifier)
    line = claim.lines.first()
    no_reason = {"expected_version": 1, "adjustments": [{"line_id": line.pk, "approved_amount": 0}]}
    response = post(client, f"/api/v1/claims/{claim.pk}/approve", no_reason, token)
    assert response.status_code == 422
    assert response.json()["code"] == "keputusan_tidak_valid"
    foreign = {
        "expected_version": 1,
        "adjustments": [{"line_id": other.lines.first().pk, "approved_amount": 0, "reason": "x"}],
    }
    assert post(client, f"/api/v1/claims/{claim.pk}/approve", foreign, token).status_code == 422
    too_much = {"expected_version": 1, "adjustments": [{"line_id": line.pk, "approved_amount": line.amount + 1}]}
    assert post(client, f"/api/v1/claims/{claim.pk}/approve", too_much, token).status_code == 422
    assert Claim.objects.get(pk=claim.pk).status == "diajukan"


def test_upt_returns_claim_and_provider_can_resubmit(client, verifier):
    operator = ppk_operator()
    claim = submitted_claim(operator=operator)
    body = {"expected_version": claim.version, "note": "Lengkapi resume medis"}
    response = post(client, f"/api/v1/claims/{claim.pk}/return", body, token_for(verifier))
    assert response.status_code == 200
    assert response.json()["status"] == "dikembalikan"
    assert response.json()["verifier_note"] == "Lengkapi resume medis"
    resubmit = post(client, f"/api/v1/claims/{claim.pk}/resubmit", {"note": "sudah"}, token_for(operator))
    assert resubmit.status_code == 200, resubmit.json()
    assert resubmit.json()["status"] == "diajukan"


def test_return_needs_a_note(client, verifier):
    claim = submitted_claim()
    body = {"expected_version": 1, "note": " "}
    response = post(client, f"/api/v1/claims/{claim.pk}/return", body, token_for(verifier))
    assert response.status_code == 422
    assert response.json()["code"] == "keputusan_tidak_valid"


def test_upt_rejects_claim_with_reason_code(client, verifier):
    claim = submitted_claim()
    body = {"expected_version": claim.version, "reason_code": "duplikat", "note": "sama dengan klaim lain"}
    response = post(client, f"/api/v1/claims/{claim.pk}/reject", body, token_for(verifier))
    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["reject_reason"], data["approved_total"]) == ("ditolak", "duplikat", 0)
    unknown = post(
        client,
        f"/api/v1/claims/{submitted_claim().pk}/reject",
        {"expected_version": 1, "reason_code": "asal"},
        token_for(verifier),
    )
    assert unknown.status_code == 422
    other = post(
        client,
        f"/api/v1/claims/{submitted_claim().pk}/reject",
        {"expected_version": 1, "reason_code": "lainnya"},
        token_for(verifier),
    )
    assert other.status_code == 422  # "lainnya" needs a note (service rule)
    assert other.json()["code"] == "keputusan_tidak_valid"


def test_stale_version_is_409_klaim_konflik(client, verifier):
    claim = submitted_claim()
    token = token_for(verifier)
    first = post(client, f"/api/v1/claims/{claim.pk}/approve", {"expected_version": claim.version}, token)
    assert first.status_code == 200
    rival = token_for(user_with_role(Role.UPT_ADMIN))
    body = {"expected_version": claim.version, "reason_code": "duplikat"}
    response = post(client, f"/api/v1/claims/{claim.pk}/reject", body, rival)
    assert response.status_code == 409
    assert response.json()["code"] == "klaim_konflik"
    # The current version does not help either: a decided claim cannot be decided again.
    body["expected_version"] = claim.version + 1
    assert post(client, f"/api/v1/claims/{claim.pk}/reject", body, rival).json()["code"] == "klaim_konflik"
    assert Claim.objects.get(pk=claim.pk).status == "disetujui"


def test_claim_decision_idempotency(client, verifier):
    claim = submitted_claim()
    token = token_for(verifier)
    body = {"expected_version": claim.version, "note": "ok"}
    first = post(client, f"/api/v1/claims/{claim.pk}/approve", body, token, key="d-1")
    again = post(client, f"/api/v1/claims/{claim.pk}/approve", body, token, key="d-1")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert ClaimEvent.objects.filter(claim=claim, to_status="disetujui").count() == 1
    reused = post(client, f"/api/v1/claims/{claim.pk}/return", {**body, "note": "x"}, token, key="d-1")
    assert reused.status_code == 422
    assert reused.json()["code"] == "kunci_idempotensi_dipakai"


def test_failed_decision_is_not_remembered(client, verifier):
    """An error is not stored under the key: the corrected retry with the same key goes ahead."""
    claim = submitted_claim()
    token = token_for(verifier)
    bad = post(client, f"/api/v1/claims/{claim.pk}/approve", {"expected_version": 99}, token, key="r")
    assert bad.status_code == 409
    good = post(client, f"/api/v1/claims/{claim.pk}/approve", {"expected_version": claim.version}, token, key="r")
    assert good.status_code == 200


def _race(urls_and_bodies):
    """Send the requests at the same moment from separate threads (own connections)."""
    results: list[tuple[int, str]] = []
    barrier = threading.Barrier(len(urls_and_bodies))

    def worker(url, body, token):
        client = Client()
        barrier.wait()
        response = post(client, url, body, token)
        results.append((response.status_code, response.json().get("code", "")))
        connection.close()

    threads = [threading.Thread(target=worker, args=args) for args in urls_and_bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


def _claim_race():
    claim = submitted_claim()
    url = f"/api/v1/claims/{claim.pk}"
    calls = [
        (f"{url}/approve", {"expected_version": claim.version}),
        (f"{url}/reject", {"expected_version": claim.version, "reason_code": "duplikat"}),
    ]
    return calls, lambda: ClaimEvent.objects.filter(claim=claim).exclude(to_status="diajukan").count()


def _sjp_race():
    sjp = requested_sjp()
    calls = [(f"/api/v1/sjp/{sjp.pk}/approve", {}), (f"/api/v1/sjp/{sjp.pk}/reject", {"reason": "x"})]
    return calls, lambda: AuditLog.objects.filter(
        object_id=str(sjp.pk), changes__event__in=["sjp.approve", "sjp.reject"]
    ).count()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("setup", "code"), [(_claim_race, "klaim_konflik"), (_sjp_race, "sjp_sudah_diputuskan")])
def test_two_verifiers_race_one_wins(setup, code):
    """Two verifiers decide one object at the same moment: one 200, the other 409 with a stable code."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL")
    calls, decisions = setup()
    tokens = [token_for(user_with_role(Role.UPT_VERIFIER)) for _ in calls]
    results = _race([(url, body, token) for (url, body), token in zip(calls, tokens, strict=True)])
    assert results == [(200, ""), (409, code)], results
    assert decisions() == 1
