from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest
from django.urls import reverse

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.logging import RedactNikFilter
from ejamkesda.core.roles import Role
from tests.factories import DEFAULT_PASSWORD, user_with_role

pytestmark = pytest.mark.django_db


def test_login_form_logs_in_and_audits(client):
    user = user_with_role(Role.UPT_ADMIN)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="login", actor=user).exists()


def test_repeated_failures_lock_the_account(client, settings):
    user = user_with_role(Role.UPT_ADMIN)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "salah"})
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert "dikunci" in response.content.decode()
    assert AuditLog.objects.filter(action="login_failed").count() >= settings.AXES_FAILURE_LIMIT


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from django.conf import settings as django_settings

    assert "django.contrib.auth.hashers.Argon2PasswordHasher" in django_settings.PASSWORD_HASHERS


@pytest.mark.parametrize("role", [Role.PPK_OPERATOR, Role.VIEWER, Role.UPT_VERIFIER])
def test_user_management_is_for_upt_admin_only(client, login, role):
    login(role)
    assert client.get(reverse("accounts:users")).status_code == 403
    assert client.get(reverse("audit:list")).status_code == 403


def test_upt_admin_creates_a_provider_bound_user(client, login):
    from tests.factories import ProviderFactory

    login(Role.UPT_ADMIN)
    provider = ProviderFactory()
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "operator1",
            "role": Role.PPK_OPERATOR,
            "provider": provider.pk,
            "password": "Kuat-sekali-2026",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="create", object_type="accounts.User").exists()


def test_ppk_operator_without_provider_is_refused(client, login):
    login(Role.UPT_ADMIN)
    response = client.post(reverse("accounts:user_create"), {"username": "op2", "role": Role.PPK_OPERATOR})
    assert response.status_code == 200
    assert "terikat pada satu PPK" in response.content.decode()


def test_django_admin_is_for_superusers_only(client, login):
    login(Role.UPT_ADMIN)
    response = client.get("/admin-sistem/")
    assert response.status_code == 302


def test_log_filter_redacts_nik():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "cek %s selesai", ("6409014703850001",), None)
    RedactNikFilter().filter(record)
    assert "6409014703850001" not in record.getMessage()


def test_security_headers(client):
    response = client.get(reverse("portal:home"))
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "EJAMKESDA_ENV": "production",
        "SECRET_KEY": "x" * 64 + "-production-only-for-this-check",
        "ALLOWED_HOSTS": "jamkesda.example.go.id",
        "EJAMKESDA_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "SECRET_KEY_FILE"}}
    env.update({"EJAMKESDA_ENV": "production", "ALLOWED_HOSTS": "x", "EJAMKESDA_VAR_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
