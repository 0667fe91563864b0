"""Data-subject export: UPT admins only, NIK in the body, everything on the person, audited."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from tests.enrolment.factories import ApplicationFactory
from tests.factories import MembershipFactory, PersonFactory, make_nik

pytestmark = pytest.mark.django_db
URL = "/app/privasi/permintaan-data/"


def test_address_is_stable():
    assert reverse("privacy:subject_request") == URL


@pytest.mark.parametrize("role", [r for r in Role if r != Role.UPT_ADMIN])
def test_only_upt_admin_may_export(client, login, role):
    login(role)
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/akun/" in response["Location"]


def test_export_holds_the_person_their_memberships_and_applications_and_is_audited(client, login):
    login(Role.UPT_ADMIN)
    person = PersonFactory(nik=make_nik(serial=4321), name="Siti Subjek")
    other = PersonFactory(nik=make_nik(serial=4322), name="Orang Lain")
    MembershipFactory(person=person)
    MembershipFactory(person=other)
    ApplicationFactory(nik=person.nik, name="Siti Subjek")

    response = client.post(URL, {"nik": person.nik, "reference": "045/PDP/XII/2026"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert person.nik not in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["orang"]["name"] == "Siti Subjek"
    assert len(data["data_terkait"]["participants.Membership"]) == 1
    assert data["data_terkait"]["enrolment.Application"][0]["nik"] == person.nik
    assert "Orang Lain" not in response.content.decode()
    entry = AuditLog.objects.get(action=AuditLog.Action.EXPORT, object_id=str(person.pk))
    assert "045/PDP/XII/2026" in entry.summary
    assert person.nik not in entry.summary


def test_unknown_nik_is_said_on_the_field(client, login):
    login(Role.UPT_ADMIN)
    response = client.post(URL, {"nik": make_nik(serial=9999), "reference": "1"})
    assert response.status_code == 200
    assert "Tidak ada data penduduk" in response.content.decode()
    assert not AuditLog.objects.filter(action=AuditLog.Action.EXPORT).exists()
