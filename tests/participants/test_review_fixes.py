"""Regression tests from the security review of the participant register."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_search_result_list_is_audited_without_nik(client, login):
    user = login(Role.UPT_VERIFIER)
    person = PersonFactory(name="Rahmat Hidayat")
    response = client.post(reverse("participants:search"), {"nik": person.nik})
    assert response.status_code == 200
    entry = AuditLog.objects.get(action="view", object_type="participants.Person")
    assert entry.actor == user
    assert entry.changes["ids"] == [person.pk]
    assert "nik" in entry.summary and person.nik not in entry.summary
    assert person.nik not in str(entry.changes)


def test_invalid_search_writes_no_audit_entry(client, login):
    login(Role.UPT_ADMIN)
    client.post(reverse("participants:search"), {})
    assert not AuditLog.objects.filter(object_type="participants.Person").exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PPK_OPERATOR, Role.TREASURER, Role.OPD_OPERATOR])
def test_search_post_forbidden_and_not_audited_for_other_roles(client, login, role):
    login(role)
    person = PersonFactory()
    assert client.post(reverse("participants:search"), {"nik": person.nik}).status_code == 403
    assert client.get(reverse("participants:detail", args=[person.pk])).status_code == 403
    assert not AuditLog.objects.filter(action="view").exists()
