"""An audit write never fails because of what a request put in it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ejamkesda.audit.models import AuditLog
from ejamkesda.audit.services import audit_record
from ejamkesda.core.roles import Role
from tests.coverage.factories import build_month, nik, regions
from tests.factories import make_nik

pytestmark = pytest.mark.django_db


def test_long_object_id_and_type_are_cut_to_the_columns():
    entry = audit_record(action="view", object_type="x" * 300, object_id="9" * 300, summary="s" * 900)
    entry.refresh_from_db()
    assert len(entry.object_type) == 100 and len(entry.summary) == 500
    assert len(entry.object_id) <= 64


def test_nik_as_object_id_is_redacted():
    entry = audit_record(action="view", object_type="uji", object_id=make_nik(serial=5))
    assert make_nik(serial=5) not in entry.object_id


def test_long_village_filter_on_inactive_list_is_not_a_server_error(client, login):
    regions()
    build_month(residents=[(nik(1), "64.09.01.2001")], members=[])
    login(Role.UPT_VERIFIER)
    response = client.get(reverse("coverage:inactive"), {"desa": "6" * 200})
    assert response.status_code == 200
    assert AuditLog.objects.filter(object_type="coverage.inactive_list").exists()


def test_huge_period_id_is_404_not_500(client, login):
    login(Role.VIEWER)
    assert client.get(reverse("coverage:dashboard"), {"periode": "9" * 40}).status_code == 404


def test_unknown_audit_action_is_refused():
    with pytest.raises(ValueError, match="unknown audit action"):
        audit_record(action="peek", object_type="x", object_id=1)
