"""A PPK operator reads only the people tied to its provider, on the web, REST and FHIR alike
(core.policy; docs/tinjauan-keamanan.md, "Kebijakan akses")."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ejamkesda.core import policy
from ejamkesda.core.roles import Role
from ejamkesda.services.models import Referral
from tests.api.factories import bearer, person_registered_at, token_for
from tests.factories import PersonFactory, ProviderFactory
from tests.services.factories import approved_sjp, jamkesda_member, ppk_operator, submitted_claim

pytestmark = pytest.mark.django_db


def _ties(provider, owner):
    hospital = ProviderFactory()
    registered = person_registered_at(provider, serial=9101)
    referred_in = PersonFactory()
    Referral.objects.create(
        from_provider=hospital, to_provider=provider, person=referred_in, diagnosis_code="A09", created_by=owner
    )
    served = approved_sjp(operator=owner, person=jamkesda_member()).person
    claimed = submitted_claim(sjp=approved_sjp(operator=owner, person=jamkesda_member())).person
    return {"registered": registered, "referred": referred_in, "sjp": served, "claim": claimed}


@pytest.mark.parametrize("tie", ["registered", "referred", "sjp", "claim", "stranger"])
def test_ppk_sees_its_people_on_every_channel(client, login, tie):
    provider = ProviderFactory()
    owner = ppk_operator(provider)
    people = _ties(provider, owner)
    people["stranger"] = jamkesda_member()
    person = people[tie]
    wanted = 404 if tie == "stranger" else 200
    assert policy.can_view_person(owner, person) is (tie != "stranger")
    token = token_for(owner)
    assert client.get(f"/api/v1/participants/{person.pk}", **bearer(token)).status_code == wanted
    assert client.get(f"/fhir/Patient/{person.pk}", **bearer(token)).status_code == wanted
    assert client.get(f"/fhir/Coverage?beneficiary=Patient/{person.pk}", **bearer(token)).status_code == wanted
    login(Role.PPK_OPERATOR, provider=provider)
    assert client.get(reverse("participants:detail", args=[person.pk])).status_code == wanted


@pytest.mark.parametrize("role", [Role.TREASURER, Role.OPD_OPERATOR, Role.VIEWER])
def test_roles_without_person_records_are_refused_on_every_channel(client, login, role):
    provider = ProviderFactory()
    person = person_registered_at(provider, serial=9102)
    kwargs = {"provider": provider} if role == Role.TREASURER else {}
    user = login(role, **kwargs)
    token = token_for(user)
    assert client.get(f"/api/v1/participants/{person.pk}", **bearer(token)).status_code == 403
    assert client.get(f"/fhir/Patient/{person.pk}", **bearer(token)).status_code == 403
    assert client.get(f"/fhir/Coverage?beneficiary=Patient/{person.pk}", **bearer(token)).status_code == 403
    assert client.get(reverse("participants:detail", args=[person.pk])).status_code == 403
    assert not policy.persons_visible_to(user).exists()


def test_ppk_keeps_the_eligibility_check_for_any_nik(client):
    stranger = jamkesda_member()
    token = token_for(ppk_operator())
    response = client.post(
        "/api/v1/eligibility", data={"nik": stranger.nik}, content_type="application/json", **bearer(token)
    )
    assert response.status_code == 200 and response.json()["covered"] is True
    assert client.get(f"/api/v1/participants/{stranger.pk}", **bearer(token)).status_code == 404
