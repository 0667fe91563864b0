"""Every REST route and FHIR URL × every role (docs/tinjauan-keamanan.md, "Kebijakan akses").

Roles: UPT admin and verifier, the PPK operator and the treasurer of the provider that owns
the objects (A) and of another provider (B), an OPD operator, a viewer, no token, a revoked
token and the token of a deactivated user. Each cell is an explicit status; a list answer
given to a user outside provider A's scope must hold none of A's objects. The last tests
make sure no route escapes the matrix (the route list comes from the ninja API and the
FHIR URL patterns).

One world per route; each role's request runs in its own savepoint, rolled back after,
so a write by one role does not change what the next one sees.
"""

from __future__ import annotations

import base64
import json
from typing import Any, NamedTuple

import pytest
from django.db import transaction

from ejamkesda.api.fhir.urls import urlpatterns as fhir_urlpatterns
from ejamkesda.api.models import ApiToken
from ejamkesda.api.rest import api
from ejamkesda.api.tokens import token_cache_clear, token_revoke
from tests.api.factories import bearer, token_for
from tests.authz import FOREIGN, STAFF, make_user, services_world
from tests.services.factories import PDF, jamkesda_member

pytestmark = pytest.mark.django_db
NIK = "https://fhir.kemkes.go.id/id/nik"
FORM = "application/x-www-form-urlencoded"
ROLES = (*STAFF, "anonymous", "revoked", "deactivated")


def expect(*statuses: int, anonymous: int = 401) -> dict[str, int]:
    """Statuses in the order of ``tests.authz.STAFF``; a revoked token and a deactivated
    user's token are answered like no token at all."""
    assert len(statuses) == len(STAFF)
    table = dict(zip(STAFF, statuses, strict=True))
    table.update(anonymous=anonymous, revoked=anonymous, deactivated=anonymous)
    return table


#                  admin verif ppk_a ppk_b tre_a tre_b opd  viewer
EVERYONE = expect(200, 200, 200, 200, 200, 200, 200, 200)
PUBLIC = expect(200, 200, 200, 200, 200, 200, 200, 200, anonymous=200)
UPT_ONLY = expect(200, 200, 403, 403, 403, 403, 403, 403)
ELIGIBILITY = expect(200, 200, 200, 200, 403, 403, 403, 403)
PERSON_OF_A = expect(200, 200, 200, 404, 403, 403, 403, 403)
PPK_LIST = expect(200, 200, 200, 200, 403, 403, 403, 403)
PPK_OBJECT_OF_A = expect(200, 200, 200, 404, 403, 403, 403, 403)
CLAIM_LIST = expect(200, 200, 200, 200, 200, 200, 403, 403)
CLAIM_OF_A = expect(200, 200, 200, 404, 200, 404, 403, 403)
MEDICAL_OF_A = expect(200, 200, 200, 404, 404, 404, 403, 403)


class Case(NamedTuple):
    name: str  # the ninja operation / FHIR URL name; "name[variant]" for a second case
    method: str
    url: Any
    body: Any
    content_type: str | None
    expected: dict[str, int]
    foreign: Any = None  # id of provider A's object that a list must not show to FOREIGN roles


def _claim_body(sjp):
    day = sjp.service_from.isoformat()
    return {
        "sjp_id": sjp.pk,
        "admission_date": day,
        "discharge_date": day,
        "primary_diagnosis": "A09",
        "lines": [{"code": "RJ01", "quantity": 1}],
        "attachments": [
            {"kind": "rincian_biaya", "filename": "a.pdf", "content_base64": base64.b64encode(PDF).decode()}
        ],
    }


def _fhir_claim(sjp):
    day = sjp.service_from.isoformat()
    return {
        "resourceType": "Claim",
        "status": "active",
        "use": "claim",
        "created": day,
        "type": {"coding": [{"code": "professional"}]},
        "patient": {"identifier": {"system": NIK, "value": sjp.person.nik}},
        "billablePeriod": {"start": day},
        "provider": {"display": "x"},
        "priority": {"coding": [{"code": "normal"}]},
        "insurance": [{"sequence": 1, "focal": True, "coverage": {"display": "J"}, "preAuthRef": [sjp.number]}],
        "diagnosis": [{"sequence": 1, "diagnosisCodeableConcept": {"coding": [{"code": "A09"}]}}],
        "item": [{"sequence": 1, "productOrService": {"coding": [{"code": "RJ01"}]}, "quantity": {"value": 1}}],
        "supportingInfo": [
            {
                "sequence": 1,
                "category": {"coding": [{"code": "attachment"}]},
                "code": {"coding": [{"code": "rincian_biaya"}]},
                "valueAttachment": {"data": base64.b64encode(PDF).decode()},
            }
        ],
    }


def _new_sjp(w):
    return {
        "nik": jamkesda_member().nik,
        "service_kind": "rawat_jalan",
        "diagnosis_code": "A09",
        "service_from": w["sjp"].service_from.isoformat(),
    }


def _referral(w):
    return {"nik": w["person"].nik, "to_provider_id": w["hospital"].pk, "diagnosis_code": "A09", "reason": "uji"}


def _attachment(key):
    return lambda w: f"/api/v1/claims/{w['claim'].pk}/attachments/{w[key].pk}"


PROVIDER_DIRECTORY = EVERYONE  # public information (also at /faskes/ without signing in)
CASES = [
    Case(
        "eligibility", "post", lambda w: "/api/v1/eligibility", lambda w: {"nik": w["person"].nik}, "json", ELIGIBILITY
    ),
    Case("me", "get", lambda w: "/api/v1/me", None, None, EVERYONE),
    Case(
        "participants_search",
        "post",
        lambda w: "/api/v1/participants/search",
        lambda w: {"nik": w["person"].nik},
        "json",
        UPT_ONLY,
    ),
    Case("participant_detail", "get", lambda w: f"/api/v1/participants/{w['person'].pk}", None, None, PERSON_OF_A),
    Case("providers", "get", lambda w: "/api/v1/providers", None, None, PROVIDER_DIRECTORY),
    Case("provider_detail", "get", lambda w: f"/api/v1/providers/{w['provider'].pk}", None, None, PROVIDER_DIRECTORY),
    Case(
        "sjp_create", "post", lambda w: "/api/v1/sjp", _new_sjp, "json", expect(403, 403, 201, 201, 403, 403, 403, 403)
    ),
    Case(
        "sjp_create[foreign referring provider]",
        "post",
        lambda w: "/api/v1/sjp",
        lambda w: {**_new_sjp(w), "referring_provider_id": 10**9},
        "json",
        expect(403, 403, 404, 404, 403, 403, 403, 403),
    ),
    Case("sjp_list", "get", lambda w: "/api/v1/sjp", None, None, PPK_LIST, foreign=lambda w: w["sjp"].pk),
    Case("sjp_detail", "get", lambda w: f"/api/v1/sjp/{w['sjp'].pk}", None, None, PPK_OBJECT_OF_A),
    Case(
        "referral_create",
        "post",
        lambda w: "/api/v1/referrals",
        _referral,
        "json",
        expect(403, 403, 201, 201, 403, 403, 403, 403),
    ),
    Case(
        "referral_create[foreign sjp_id]",
        "post",
        lambda w: "/api/v1/referrals",
        lambda w: {**_referral(w), "sjp_id": w["sjp"].pk},
        "json",
        expect(403, 403, 201, 404, 403, 403, 403, 403),
    ),
    Case(
        "referral_create[unknown to_provider_id]",
        "post",
        lambda w: "/api/v1/referrals",
        lambda w: {**_referral(w), "to_provider_id": 10**9},
        "json",
        expect(403, 403, 404, 404, 403, 403, 403, 403),
    ),
    Case(
        "referral_list", "get", lambda w: "/api/v1/referrals", None, None, PPK_LIST, foreign=lambda w: w["referral"].pk
    ),
    Case("referral_detail", "get", lambda w: f"/api/v1/referrals/{w['referral'].pk}", None, None, PPK_OBJECT_OF_A),
    Case(
        "claim_create",
        "post",
        lambda w: "/api/v1/claims",
        lambda w: _claim_body(w["fresh_sjp"]),
        "json",
        expect(403, 403, 201, 404, 403, 403, 403, 403),  # B names A's SJP in the body: 404
    ),
    Case(
        "claim_resubmit",
        "post",
        lambda w: f"/api/v1/claims/{w['claim'].pk}/resubmit",
        lambda w: {"note": "x"},
        "json",
        expect(403, 403, 409, 404, 403, 403, 403, 403),  # 409: the claim was not returned
    ),
    Case("claim_list", "get", lambda w: "/api/v1/claims", None, None, CLAIM_LIST, foreign=lambda w: w["claim"].pk),
    Case("claim_detail", "get", lambda w: f"/api/v1/claims/{w['claim'].pk}", None, None, CLAIM_OF_A),
    Case("claim_attachment_download", "get", _attachment("cost_attachment"), None, None, CLAIM_OF_A),
    Case("claim_attachment_download[medical]", "get", _attachment("medical_attachment"), None, None, MEDICAL_OF_A),
    Case("sjp_letter_download", "get", lambda w: f"/api/v1/sjp/{w['sjp'].pk}/letter", None, None, PPK_OBJECT_OF_A),
    Case(
        "sjp_approve_api",
        "post",
        lambda w: f"/api/v1/sjp/{w['requested_sjp'].pk}/approve",
        lambda w: {"note": "lengkap"},
        "json",
        UPT_ONLY,
    ),
    Case(
        "sjp_reject_api",
        "post",
        lambda w: f"/api/v1/sjp/{w['requested_sjp'].pk}/reject",
        lambda w: {"reason": "tidak sesuai"},
        "json",
        UPT_ONLY,
    ),
    Case(
        "claim_approve_api",
        "post",
        lambda w: f"/api/v1/claims/{w['claim'].pk}/approve",
        lambda w: {"expected_version": w["claim"].version},
        "json",
        UPT_ONLY,
    ),
    Case(
        "claim_return_api",
        "post",
        lambda w: f"/api/v1/claims/{w['claim'].pk}/return",
        lambda w: {"expected_version": w["claim"].version, "note": "lengkapi"},
        "json",
        UPT_ONLY,
    ),
    Case(
        "claim_reject_api",
        "post",
        lambda w: f"/api/v1/claims/{w['claim'].pk}/reject",
        lambda w: {"expected_version": w["claim"].version, "reason_code": "duplikat"},
        "json",
        UPT_ONLY,
    ),
    Case(
        "jobs",
        "get",
        lambda w: "/api/v1/jobs",
        None,
        None,
        expect(200, 200, 200, 200, 403, 403, 200, 403),
        foreign=lambda w: w["job"].pk,
    ),
    Case(
        "job_detail",
        "get",
        lambda w: f"/api/v1/jobs/{w['job'].pk}",
        None,
        None,
        expect(200, 200, 200, 404, 403, 403, 404, 403),
    ),
    Case("public_coverage", "get", lambda w: "/api/v1/public/coverage", None, None, PUBLIC),
    # FHIR
    Case("fhir_metadata", "get", lambda w: "/fhir/metadata", None, None, PUBLIC),
    Case("fhir_patient_read", "get", lambda w: f"/fhir/Patient/{w['person'].pk}", None, None, PERSON_OF_A),
    Case(
        "fhir_patient_search_post",  # an identity check by NIK (the caller holds the NIK)
        "post",
        lambda w: "/fhir/Patient/_search",
        lambda w: f"identifier={NIK}|{w['person'].nik}",
        FORM,
        ELIGIBILITY,
    ),
    Case(
        "fhir_patient_search",
        "get",
        lambda w: "/fhir/Patient",
        None,
        None,
        expect(400, 400, 400, 400, 403, 403, 403, 403),
    ),
    Case(
        "fhir_coverage_search",
        "get",
        lambda w: f"/fhir/Coverage?beneficiary=Patient/{w['person'].pk}",
        None,
        None,
        PERSON_OF_A,
    ),
    Case(
        "fhir_coverage_search_post",
        "post",
        lambda w: "/fhir/Coverage/_search",
        lambda w: f"beneficiary=Patient/{w['person'].pk}",
        FORM,
        PERSON_OF_A,
    ),
    Case(
        "fhir_organization_read",
        "get",
        lambda w: f"/fhir/Organization/{w['provider'].pk}",
        None,
        None,
        PROVIDER_DIRECTORY,
    ),
    Case("fhir_organization_search", "get", lambda w: "/fhir/Organization", None, None, PROVIDER_DIRECTORY),
    Case(
        "fhir_eligibility",
        "post",
        lambda w: "/fhir/CoverageEligibilityRequest",
        lambda w: {
            "resourceType": "CoverageEligibilityRequest",
            "patient": {"identifier": {"system": NIK, "value": w["person"].nik}},
        },
        "json",
        ELIGIBILITY,
    ),
    Case(
        "fhir_eligibility[foreign Patient reference]",
        "post",
        lambda w: "/fhir/CoverageEligibilityRequest",
        lambda w: {"resourceType": "CoverageEligibilityRequest", "patient": {"reference": f"Patient/{w['person'].pk}"}},
        "json",
        expect(200, 200, 200, 404, 403, 403, 403, 403),
    ),
    Case(
        "fhir_claim",
        "post",
        lambda w: "/fhir/Claim",
        lambda w: _fhir_claim(w["fresh_sjp"]),
        "json",
        expect(403, 403, 201, 404, 403, 403, 403, 403),  # B names A's SJP number: 404
    ),
    Case("fhir_claim_response", "get", lambda w: f"/fhir/ClaimResponse/{w['claim'].pk}", None, None, CLAIM_OF_A),
]


@pytest.fixture
def world():
    w = services_world()
    tokens = {name: token_for(make_user(spec)) for name, spec in w["users"].items()}
    revoked_raw = token_for(make_user(w["users"]["ppk_a"]))
    token_revoke(token=ApiToken.objects.get(prefix=revoked_raw.split("_")[1]))
    deactivated = make_user(w["users"]["ppk_a"])
    tokens["deactivated"] = token_for(deactivated)
    deactivated.is_active = False
    deactivated.save(update_fields=["is_active"])
    tokens.update(anonymous=None, revoked=revoked_raw)
    token_cache_clear()
    w["tokens"] = tokens
    return w


def _call(client, method, url, body, content_type, token):
    extra = bearer(token) if token else {}
    if method == "get":
        return client.get(url, **extra)
    if content_type == "json":
        return client.post(url, data=json.dumps(body), content_type="application/json", **extra)
    return client.post(url, data=body, content_type=content_type, **extra)


def _listed_ids(response) -> list[str]:
    data = response.json()
    if data.get("resourceType") == "Bundle":
        return [str(e["resource"].get("id")) for e in data.get("entry", [])]
    return [str(row.get("id")) for row in data.get("results", [])]


def _check(client, w, case: Case, role: str) -> str | None:
    url = case.url(w)
    body = case.body(w) if case.body else None
    response = _call(client, case.method, url, body, case.content_type, w["tokens"][role])
    wanted = case.expected[role]
    if response.status_code != wanted:
        return f"{role}: {response.status_code} != {wanted} {response.content[:200]!r}"
    if wanted >= 400 and url.startswith("/api/"):
        error = response.json()
        if not (error.get("code") and error.get("message")):
            return f"{role}: error body without code/message"
    if wanted >= 400 and url.startswith("/fhir/") and response.json().get("resourceType") != "OperationOutcome":
        return f"{role}: FHIR error is not an OperationOutcome"
    if case.foreign and role in FOREIGN and wanted == 200 and str(case.foreign(w)) in _listed_ids(response):
        return f"{role}: list shows provider A's object {case.foreign(w)}"
    return None


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_matrix(client, world, case):
    failures = []
    for role in ROLES:
        with transaction.atomic():
            failure = _check(client, world, case, role)
            transaction.set_rollback(True)
        if failure:
            failures.append(failure)
    assert not failures, (case.name, failures)


def _route_name(case: Case) -> str:
    return case.name.partition("[")[0]


def test_every_route_is_in_the_matrix():
    covered = {_route_name(c) for c in CASES}
    ninja_ops = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                ninja_ops.add(operation.view_func.__name__)
    assert ninja_ops - covered == set(), ninja_ops - covered
    assert len(ninja_ops) >= 25
    fhir = {p.name for p in fhir_urlpatterns}
    assert len(fhir) >= 10
    assert fhir - covered == set()
    assert covered - ninja_ops - fhir == set(), "a case names a route that no longer exists"


def test_every_case_has_every_role():
    for case in CASES:
        assert set(case.expected) == set(ROLES), case.name
