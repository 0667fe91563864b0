"""User management: only UPT admins change users; a password reset is audited without the password."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ejamkesda.accounts.models import User
from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from tests.factories import DEFAULT_PASSWORD, user_with_role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "sandi-baru-yang-panjang-2026"


def _edit_data(user: User, **extra):
    data = {"username": user.username, "full_name": "", "email": "", "role": user.role, "is_active": "on"}
    data.update(extra)
    return data


def test_admin_password_reset_is_audited_without_the_password(client, login):
    admin = login(Role.UPT_ADMIN)
    target = user_with_role(Role.UPT_VERIFIER)
    response = client.post(reverse("accounts:user_edit", args=[target.pk]), _edit_data(target, password=NEW_PASSWORD))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD) and not target.check_password(DEFAULT_PASSWORD)
    entry = AuditLog.objects.get(action="update", object_type="accounts.User", summary__contains="kata sandi")
    assert entry.actor == admin and entry.object_id == str(target.pk)
    assert NEW_PASSWORD not in entry.summary and NEW_PASSWORD not in str(entry.changes)


@pytest.mark.parametrize("role", [r for r in Role if r != Role.UPT_ADMIN])
def test_only_admin_may_change_users(client, login, role):
    login(role)
    target = user_with_role(Role.UPT_VERIFIER)
    response = client.post(reverse("accounts:user_edit", args=[target.pk]), _edit_data(target, password=NEW_PASSWORD))
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.check_password(DEFAULT_PASSWORD)
    assert not AuditLog.objects.filter(action="update", object_type="accounts.User").exists()
