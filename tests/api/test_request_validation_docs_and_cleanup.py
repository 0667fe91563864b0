"""REST API: unknown parameters and malformed bodies refused, docs and OpenAPI, key clean-up,
demo token, no CSRF token needed by token clients."""

from __future__ import annotations

import datetime as dt
import io
import json
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from ejamkesda.api.models import ApiToken, IdempotencyRecord
from ejamkesda.core.roles import Role
from tests.api.factories import bearer, token_for
from tests.factories import ProviderFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_unknown_query_parameter_is_refused(client):
    token = token_for(user_with_role(Role.UPT_ADMIN))
    ok = client.get("/api/v1/providers", {"kind": "puskesmas"}, **bearer(token))
    assert ok.status_code == 200
    typo = client.get("/api/v1/providers", {"knd": "puskesmas"}, **bearer(token))
    assert typo.status_code == 422
    assert typo.json()["code"] == "parameter_tidak_dikenal"


def test_unknown_query_needs_a_token_first(client):
    assert client.get("/api/v1/providers", {"x": "1"}).status_code == 401


def test_booleans_and_numbers_are_not_dates_or_ints(client):
    token = token_for(user_with_role(Role.UPT_ADMIN))
    for body in ({"nik": "6409010703850001", "date": 0}, {"nik": "6409010703850001", "date": True}):
        response = client.post(
            "/api/v1/eligibility", data=json.dumps(body), content_type="application/json", **bearer(token)
        )
        assert response.status_code == 422
    response = client.post(
        "/api/v1/participants/search",
        data=json.dumps({"name": "abc", "offset": False}),
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 422


def test_malformed_json_is_400(client):
    token = token_for(user_with_role(Role.UPT_ADMIN))
    response = client.post("/api/v1/eligibility", data="{nik:", content_type="application/json", **bearer(token))
    assert response.status_code == 400
    assert response.json()["code"] == "permintaan_tidak_valid"


def test_docs_page_lists_operations_without_scripts(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/eligibility" in html
    assert "<script>" not in html


def test_openapi_documents_bearer_auth(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert "Idempotency-Key" in json.dumps(schema["paths"]["/api/v1/claims"])
    # No NIK in a path or query parameter anywhere.
    for path, ops in schema["paths"].items():
        assert "nik" not in path.lower()
        for op in ops.values():
            assert all(p["name"] != "nik" for p in op.get("parameters", []))


def test_api_cleanup_forgets_old_keys():
    user = user_with_role(Role.PPK_OPERATOR)
    old = IdempotencyRecord.objects.create(user=user, key="old", endpoint="x", body_hash="h", status_code=201)
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    IdempotencyRecord.objects.create(user=user, key="new", endpoint="x", body_hash="h", status_code=201)
    out = io.StringIO()
    call_command("api_cleanup", stdout=out)
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_demo_seed_creates_a_token():
    from ejamkesda.api.demo import seed
    from ejamkesda.core.demo import DemoContext

    user = user_with_role(Role.PPK_OPERATOR, provider=ProviderFactory())
    lines: list[str] = []
    seed(
        DemoContext(rng=random.Random(1), faker=None, regency_code="64.09", users={"demo_ppk": user}, log=lines.append)
    )
    assert ApiToken.objects.filter(user=user).exists()
    assert "ejk_" in lines[0]


def test_token_clients_need_no_csrf_token():
    from django.test import Client

    from tests.factories import MembershipFactory

    strict = Client(enforce_csrf_checks=True)
    token = token_for(user_with_role(Role.PPK_OPERATOR))
    nik = MembershipFactory().person.nik
    rest = strict.post(
        "/api/v1/eligibility", data=json.dumps({"nik": nik}), content_type="application/json", **bearer(token)
    )
    assert rest.status_code == 200
    fhir = strict.post(
        "/fhir/CoverageEligibilityRequest",
        content_type="application/fhir+json",
        **bearer(token),
        data=json.dumps(
            {
                "resourceType": "CoverageEligibilityRequest",
                "patient": {"identifier": {"system": "https://fhir.kemkes.go.id/id/nik", "value": nik}},
            }
        ),
    )
    assert fhir.status_code == 200


def test_nul_characters_are_refused_not_500(client):
    token = token_for(user_with_role(Role.UPT_ADMIN))
    assert client.get("/api/v1/sjp", {"status": "a\x00b"}, **bearer(token)).status_code == 422
    body = {"name": "ab\x00c"}
    response = client.post(
        "/api/v1/participants/search", data=json.dumps(body), content_type="application/json", **bearer(token)
    )
    assert response.status_code == 422
    assert client.get("/fhir/Organization", {"name": "a\x00"}, **bearer(token)).status_code in {200, 400}
