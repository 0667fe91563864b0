"""Every endpoint × {owner, another provider, anonymous} (issue 6 §1), REST and FHIR.

``owner`` is the PPK operator whose provider owns the objects (or a UPT user for the
UPT-only endpoints); ``other`` is the operator of another provider. The last test makes
sure no route escapes the matrix.
"""

from __future__ import annotations

import base64
import json

import pytest

from ejamkesda.api.fhir.urls import urlpatterns as fhir_urlpatterns
from ejamkesda.api.rest import api
from ejamkesda.core.roles import Role
from ejamkesda.jobs.models import Job
from ejamkesda.providers.models import Provider
from ejamkesda.services.models import Referral
from ejamkesda.services.sjp import sjp_request
from tests.api.factories import bearer, token_for
from tests.factories import MembershipFactory, ProviderFactory, user_with_role
from tests.services.factories import PDF, approved_sjp, jamkesda_member, ppk_operator, submitted_claim, tariff_table

pytestmark = pytest.mark.django_db
NIK = "https://fhir.kemkes.go.id/id/nik"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def world():
    tariff_table()
    provider = ProviderFactory(level=Provider.Level.FKTP)
    hospital = ProviderFactory(level=Provider.Level.FKRTL, kind=Provider.Kind.HOSPITAL)
    owner = ppk_operator(provider)
    other = ppk_operator(ProviderFactory())
    upt = user_with_role(Role.UPT_ADMIN)
    person = jamkesda_member()
    MembershipFactory(
        person=person,
        programme="jamkesda",
        segment="",
        first_level_provider_code=provider.code,
        status="berakhir",
        valid_to=person.memberships.first().valid_from,
    )
    sjp = approved_sjp(operator=owner, person=person)
    claim = submitted_claim(sjp=sjp, operator=owner)
    fresh_sjp = approved_sjp(operator=owner, person=jamkesda_member())
    requested = sjp_request(
        actor=owner,
        person=jamkesda_member(),
        service_kind="rawat_jalan",
        diagnosis_code="A09",
        service_from=sjp.service_from,
    )
    referral = Referral.objects.create(
        from_provider=provider,
        to_provider=hospital,
        person=person,
        diagnosis_code="A09",
        reason="uji",
        created_by=owner,
    )
    job = Job.objects.create(kind="participants", provider=provider, created_by=owner)
    return {
        "owner": token_for(owner),
        "other": token_for(other),
        "upt": token_for(upt),
        "person": person,
        "sjp": sjp,
        "claim": claim,
        "fresh_sjp": fresh_sjp,
        "requested_sjp": requested,
        "referral": referral,
        "provider": provider,
        "hospital": hospital,
        "job": job,
    }


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


# (name, method, url(w), body(w) or None, content type, owner role, expected: owner, other, anonymous)
# For list endpoints ``other`` gets 200 but must not see the owner's object (checked below).
CASES = [
    (
        "eligibility",
        "post",
        lambda w: "/api/v1/eligibility",
        lambda w: {"nik": w["person"].nik},
        "json",
        "owner",
        200,
        200,
        401,
    ),
    ("me", "get", lambda w: "/api/v1/me", None, None, "owner", 200, 200, 401),
    (
        "participants_search",
        "post",
        lambda w: "/api/v1/participants/search",
        lambda w: {"nik": w["person"].nik},
        "json",
        "upt",
        200,
        403,
        401,
    ),
    (
        "participant_detail",
        "get",
        lambda w: f"/api/v1/participants/{w['person'].pk}",
        None,
        None,
        "owner",
        200,
        404,
        401,
    ),
    ("providers", "get", lambda w: "/api/v1/providers", None, None, "owner", 200, 200, 401),
    ("provider_detail", "get", lambda w: f"/api/v1/providers/{w['provider'].pk}", None, None, "owner", 200, 200, 401),
    (
        "sjp_create",
        "post",
        lambda w: "/api/v1/sjp",
        lambda w: {
            "nik": jamkesda_member().nik,
            "service_kind": "rawat_jalan",
            "diagnosis_code": "A09",
            "service_from": w["sjp"].service_from.isoformat(),
        },
        "json",
        "owner",
        201,
        201,
        401,
    ),
    ("sjp_list", "get", lambda w: "/api/v1/sjp", None, None, "owner", 200, 200, 401),
    ("sjp_detail", "get", lambda w: f"/api/v1/sjp/{w['sjp'].pk}", None, None, "owner", 200, 404, 401),
    (
        "referral_create",
        "post",
        lambda w: "/api/v1/referrals",
        lambda w: {
            "nik": w["person"].nik,
            "to_provider_id": w["hospital"].pk,
            "diagnosis_code": "A09",
            "reason": "uji",
        },
        "json",
        "owner",
        201,
        201,
        401,
    ),
    ("referral_list", "get", lambda w: "/api/v1/referrals", None, None, "owner", 200, 200, 401),
    ("referral_detail", "get", lambda w: f"/api/v1/referrals/{w['referral'].pk}", None, None, "owner", 200, 404, 401),
    (
        "claim_create",
        "post",
        lambda w: "/api/v1/claims",
        lambda w: _claim_body(w["fresh_sjp"]),
        "json",
        "owner",
        201,
        422,
        401,
    ),
    (
        "claim_resubmit",
        "post",
        lambda w: f"/api/v1/claims/{w['claim'].pk}/resubmit",
        lambda w: {"note": "x"},
        "json",
        "owner",
        409,
        404,
        401,
    ),
    ("claim_list", "get", lambda w: "/api/v1/claims", None, None, "owner", 200, 200, 401),
    ("claim_detail", "get", lambda w: f"/api/v1/claims/{w['claim'].pk}", None, None, "owner", 200, 404, 401),
    # documents: the owner provider downloads (the UPT too: tests/api/test_upt_attachments.py)
    (
        "claim_attachment_download",
        "get",
        lambda w: f"/api/v1/claims/{w['claim'].pk}/attachments/{w['claim'].attachments.first().pk}",
        None,
        None,
        "owner",
        200,
        404,
        401,
    ),
    ("sjp_letter_download", "get", lambda w: f"/api/v1/sjp/{w['sjp'].pk}/letter", None, None, "owner", 200, 404, 401),
    # UPT decisions: "owner" is a UPT user; a provider token is refused by role (403)
    (
        "sjp_approve_api",
        "post",
        lambda w: f"/api/v1/sjp/{w['requested_sjp'].pk}/approve",
        lambda w: {"note": "lengkap"},
        "json",
        "upt",
        200,
        403,
        401,
    ),
    (
        "sjp_reject_api",
        "post",
        lambda w: f"/api/v1/sjp/{w['requested_sjp'].pk}/reject",
        lambda w: {"reason": "tidak sesuai"},
        "json",
        "upt",
        200,
        403,
        401,
    ),
    (
        "claim_approve_api",
        "post",
        lambda w: f"/api/v1/claims/{w['claim'].pk}/approve",
        lambda w: {"expected_version": w["claim"].version},
        "json",
        "upt",
        200,
        403,
        401,
    ),
    (
        "claim_return_api",
        "post",
        lambda w: f"/api/v1/claims/{w['claim'].pk}/return",
        lambda w: {"expected_version": w["claim"].version, "note": "lengkapi"},
        "json",
        "upt",
        200,
        403,
        401,
    ),
    (
        "claim_reject_api",
        "post",
        lambda w: f"/api/v1/claims/{w['claim'].pk}/reject",
        lambda w: {"expected_version": w["claim"].version, "reason_code": "duplikat"},
        "json",
        "upt",
        200,
        403,
        401,
    ),
    ("jobs", "get", lambda w: "/api/v1/jobs", None, None, "owner", 200, 200, 401),
    ("job_detail", "get", lambda w: f"/api/v1/jobs/{w['job'].pk}", None, None, "owner", 200, 404, 401),
    ("public_coverage", "get", lambda w: "/api/v1/public/coverage", None, None, "owner", 200, 200, 200),
    # FHIR
    ("fhir_metadata", "get", lambda w: "/fhir/metadata", None, None, "owner", 200, 200, 200),
    ("fhir_patient_read", "get", lambda w: f"/fhir/Patient/{w['person'].pk}", None, None, "owner", 200, 404, 401),
    (
        "fhir_patient_search_post",
        "post",
        lambda w: "/fhir/Patient/_search",
        lambda w: f"identifier={NIK}|{w['person'].nik}",
        FORM,
        "owner",
        200,
        200,
        401,
    ),
    ("fhir_patient_search", "get", lambda w: "/fhir/Patient", None, None, "owner", 400, 400, 401),
    (
        "fhir_coverage_search",
        "get",
        lambda w: f"/fhir/Coverage?beneficiary=Patient/{w['person'].pk}",
        None,
        None,
        "owner",
        200,
        404,
        401,
    ),
    (
        "fhir_coverage_search_post",
        "post",
        lambda w: "/fhir/Coverage/_search",
        lambda w: f"beneficiary=Patient/{w['person'].pk}",
        FORM,
        "owner",
        200,
        404,
        401,
    ),
    (
        "fhir_organization_read",
        "get",
        lambda w: f"/fhir/Organization/{w['provider'].pk}",
        None,
        None,
        "owner",
        200,
        200,
        401,
    ),
    ("fhir_organization_search", "get", lambda w: "/fhir/Organization", None, None, "owner", 200, 200, 401),
    (
        "fhir_eligibility",
        "post",
        lambda w: "/fhir/CoverageEligibilityRequest",
        lambda w: {
            "resourceType": "CoverageEligibilityRequest",
            "patient": {"identifier": {"system": NIK, "value": w["person"].nik}},
        },
        "json",
        "owner",
        200,
        200,
        401,
    ),
    (
        "fhir_claim",
        "post",
        lambda w: "/fhir/Claim",
        lambda w: _fhir_claim(w["fresh_sjp"]),
        "json",
        "owner",
        201,
        400,
        401,
    ),
    (
        "fhir_claim_response",
        "get",
        lambda w: f"/fhir/ClaimResponse/{w['claim'].pk}",
        None,
        None,
        "owner",
        200,
        404,
        401,
    ),
]


def _call(client, method, url, body, content_type, token):
    extra = bearer(token) if token else {}
    if method == "get":
        return client.get(url, **extra)
    if content_type == "json":
        return client.post(url, data=json.dumps(body), content_type="application/json", **extra)
    return client.post(url, data=body, content_type=content_type, **extra)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("who", ["owner", "other", "anonymous"])
def test_matrix(client, world, case, who):
    name, method, url, body, content_type, owner_key, *expected = case
    token = {"owner": world[owner_key], "other": world["other"], "anonymous": None}[who]
    status = expected[["owner", "other", "anonymous"].index(who)]
    response = _call(client, method, url(world), body(world) if body else None, content_type, token)
    assert response.status_code == status, (name, who, response.content[:300])
    if who == "other" and status == 200 and name.endswith("_list"):
        assert response.json()["count"] == 0
    if who == "other" and name == "jobs":
        assert response.json()["count"] == 0
    if status >= 400 and url(world).startswith("/api/"):
        assert response.json()["code"] and response.json()["message"]


def test_every_route_is_in_the_matrix():
    covered = {c[0] for c in CASES}
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
