"""Property-based fuzzing of the REST API from its own OpenAPI document (schemathesis).

At least 200 generated cases per operation (docs/integrasi-api.md). Checks: no 5xx, status codes,
content types and bodies conform to the schema, invalid input is rejected, and no
operation that needs a token accepts a request without one (``ignored_auth``).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, reject, settings
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from ejamkesda.core.roles import Role
from ejamkesda.services.sjp import sjp_request
from tests.api.factories import token_for
from tests.factories import MembershipFactory, ProviderFactory, user_with_role
from tests.services.factories import jamkesda_member, submitted_claim

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]


def _skip_unsendable(case) -> None:
    # A query parameter whose value is an empty list does not exist on the wire (the WSGI
    # client sends nothing for it), so the server cannot be blamed for "accepting" it.
    if isinstance(case.query, dict) and any(value == [] for value in case.query.values()):
        reject()


@pytest.fixture(autouse=True)
def _keep_test_connection():
    # Calling the WSGI app directly fires request_started/finished, whose handler closes
    # the database connection and with it the test transaction (PostgreSQL). Django's own
    # test client disconnects it the same way.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_token(db):
    provider = ProviderFactory()
    MembershipFactory(first_level_provider_code=provider.code)
    return token_for(user_with_role(Role.PPK_OPERATOR, provider=provider))


@pytest.fixture
def upt_token(db):
    return token_for(user_with_role(Role.UPT_ADMIN))


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_as_provider(case, api_token):
    _skip_unsendable(case)
    case.call_and_validate(headers={"Authorization": f"Bearer {api_token}"}, checks=CHECKS)


@pytest.mark.slow
@schema.include(path_regex="participants|jobs").parametrize()
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_as_upt(case, upt_token):
    _skip_unsendable(case)
    case.call_and_validate(headers={"Authorization": f"Bearer {upt_token}"}, checks=CHECKS)


@pytest.fixture
def upt_objects(db):
    """A few real claims, SJP requests and an attachment, so fuzzed decisions reach the services."""
    claims = [submitted_claim() for _ in range(3)]
    sjps = [
        sjp_request(
            actor=claims[0].sjp.requested_by,
            person=jamkesda_member(),
            service_kind="rawat_jalan",
            diagnosis_code="A09",
            service_from=claims[0].sjp.service_from,
        )
        for _ in range(3)
    ]
    return {
        "token": token_for(user_with_role(Role.UPT_VERIFIER)),
        "claim_id": [c.pk for c in claims],
        "sjp_id": [s.pk for s in sjps] + [claims[0].sjp_id],  # the last one is approved: the letter exists
        "attachment_id": {c.pk: c.attachments.first().pk for c in claims},
    }


def _aim_at_real_objects(case, objects) -> None:
    """Half of the generated ids point at real objects (a random id is nearly always a 404).

    Only well-formed integer ids are replaced, so a deliberately invalid case stays invalid.
    """
    params = case.path_parameters or {}
    for name in ("claim_id", "sjp_id"):
        value = params.get(name)
        if type(value) is int and value % 2 == 0:
            ids = objects[name]
            params[name] = ids[value // 2 % len(ids)]
    if type(params.get("attachment_id")) is int and params.get("claim_id") in objects["attachment_id"]:
        params["attachment_id"] = objects["attachment_id"][params["claim_id"]]


@pytest.mark.slow
@schema.include(path_regex="/(approve|reject|return|letter)$|/attachments/").parametrize()
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_upt_decisions_and_downloads(case, upt_objects):
    """UPT decisions and downloads with a UPT token on real objects: 200, 409 once decided, never 5xx."""
    _skip_unsendable(case)
    _aim_at_real_objects(case, upt_objects)
    case.call_and_validate(headers={"Authorization": f"Bearer {upt_objects['token']}"}, checks=CHECKS)
