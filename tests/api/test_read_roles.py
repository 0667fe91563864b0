"""Least privilege on the provider-record reads: the API lets the same roles read SJPs,
referrals and claims as the web pages do, and every detail read is audited.

A viewer (leadership dashboards) or an agency (OPD) token reads no person-level service
record, although their web role sees regency-wide aggregates.
"""

from __future__ import annotations

import pytest

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from tests.api.factories import bearer, token_for
from tests.factories import user_with_role
from tests.services.factories import approved_sjp, ppk_operator, submitted_claim

pytestmark = pytest.mark.django_db


def _urls(claim, sjp):
    return [
        "/api/v1/sjp",
        f"/api/v1/sjp/{sjp.pk}",
        "/api/v1/referrals",
        "/api/v1/claims",
        f"/api/v1/claims/{claim.pk}",
    ]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.OPD_OPERATOR])
def test_roles_without_web_access_get_403_on_every_read(client, role):
    operator = ppk_operator()
    claim, sjp = submitted_claim(operator=operator), approved_sjp(operator=operator)
    token = token_for(user_with_role(role))
    for url in _urls(claim, sjp):
        response = client.get(url, **bearer(token))
        assert response.status_code == 403, url
        assert response.json()["code"] == "tidak_berwenang", url


def test_upt_verifier_reads_all_and_detail_reads_are_audited(client):
    operator = ppk_operator()
    claim, sjp = submitted_claim(operator=operator), approved_sjp(operator=operator)
    verifier = user_with_role(Role.UPT_VERIFIER)
    for url in _urls(claim, sjp):
        assert client.get(url, **bearer(token_for(verifier))).status_code == 200, url
    audited = set(AuditLog.objects.filter(actor=verifier, action="view").values_list("object_id", "summary"))
    assert (str(sjp.pk), "SJP dilihat melalui API") in audited
    assert (str(claim.pk), "Klaim dilihat melalui API") in audited


def test_treasurer_reads_claims_but_not_sjps_like_the_web(client):
    operator = ppk_operator()
    claim, sjp = submitted_claim(operator=operator), approved_sjp(operator=operator)
    treasurer = user_with_role(Role.TREASURER, provider=operator.provider)
    token = token_for(treasurer)
    assert client.get(f"/api/v1/claims/{claim.pk}", **bearer(token)).status_code == 200
    assert client.get(f"/api/v1/sjp/{sjp.pk}", **bearer(token)).status_code == 403


def test_fhir_claim_response_read_refuses_a_viewer(client):
    claim = submitted_claim()
    viewer = token_for(user_with_role(Role.VIEWER))
    response = client.get(f"/fhir/ClaimResponse/{claim.pk}", **bearer(viewer))
    assert response.status_code == 403
    assert response.json()["resourceType"] == "OperationOutcome"
