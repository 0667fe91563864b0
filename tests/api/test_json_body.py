"""A body that is not a JSON object is refused (400), never read as "no fields given"."""

from __future__ import annotations

import datetime as dt

import pytest

from ejamkesda.core.roles import Role
from ejamkesda.services.models import Sjp
from ejamkesda.services.sjp import sjp_request
from tests.api.factories import bearer, token_for
from tests.factories import user_with_role
from tests.services.factories import jamkesda_member, ppk_operator

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("body", ["[]", "[{}]", "1", '"setuju"'])
def test_a_list_or_bare_value_does_not_approve_an_sjp(client, body):
    today = dt.date.today()
    sjp = sjp_request(
        actor=ppk_operator(),
        person=jamkesda_member(),
        service_kind="rawat_jalan",
        diagnosis_code="A09",
        service_from=today,
        service_to=today,
    )
    token = token_for(user_with_role(Role.UPT_VERIFIER))
    response = client.post(f"/api/v1/sjp/{sjp.pk}/approve", data=body, content_type="application/json", **bearer(token))
    assert response.status_code == 400
    assert response.json()["code"] == "permintaan_tidak_valid"
    assert Sjp.objects.get(pk=sjp.pk).status == sjp.status
