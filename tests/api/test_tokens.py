from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ejamkesda.api.models import ApiToken
from ejamkesda.api.tokens import token_authenticate, token_revoke
from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from tests.api.factories import bearer, token_for
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _me(client, raw):
    return client.get("/api/v1/me", **bearer(raw))


def test_token_is_stored_hashed_and_authenticates(client):
    user = user_with_role(Role.UPT_ADMIN)
    raw = token_for(user)
    token = ApiToken.objects.get(user=user)
    assert raw not in token.token_hash
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(f"ejk_{token.prefix}_")
    response = _me(client, raw)
    assert response.status_code == 200
    assert response.json()["username"] == user.username
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_wrong_secret_with_right_prefix_is_refused(client):
    raw = token_for(user_with_role(Role.UPT_ADMIN))
    forged = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    response = _me(client, forged)
    assert response.status_code == 401
    assert response.json()["code"] == "tidak_terautentikasi"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer ", "Basic abc", "Bearer ejk_xx", "Token ejk_a_b"])
def test_missing_or_malformed_credentials_are_refused(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/me", **extra)
    assert response.status_code == 401
    assert response.json()["code"] == "tidak_terautentikasi"


def test_revoked_token_stops_working_at_once(client):
    user = user_with_role(Role.UPT_ADMIN)
    raw = token_for(user)
    assert _me(client, raw).status_code == 200  # now cached
    token_revoke(token=ApiToken.objects.get(user=user))
    assert _me(client, raw).status_code == 401
    assert AuditLog.objects.filter(object_type="api.ApiToken", action="update").exists()


def test_inactive_user_token_is_refused(client):
    user = user_with_role(Role.UPT_ADMIN)
    raw = token_for(user)
    user.is_active = False
    user.save()
    assert token_authenticate(raw) is None


def test_command_prints_token_once():
    user = user_with_role(Role.PPK_OPERATOR)
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token_create", "--user", user.username, "--name", "SIMRS RSUD", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("ejk_")
    token = ApiToken.objects.get(user=user)
    assert token.name == "SIMRS RSUD"
    assert token_authenticate(raw) == user
    assert raw not in err.getvalue()


def test_command_unknown_user():
    with pytest.raises(CommandError):
        call_command("api_token_create", "--user", "tidak-ada")


def test_me_shows_provider_scope(client):
    user = user_with_role(Role.PPK_OPERATOR)
    data = _me(client, token_for(user)).json()
    assert data["provider_id"] == user.provider_id
    assert data["provider_code"] == user.provider.code
    assert json.dumps(data)


# --- cache, last use, revocation by command (docs/integrasi-api.md) ---------------------------------
def test_a_token_revoked_elsewhere_stops_working_within_the_cache_time(client, monkeypatch, settings):
    """Another server process revokes it: this process's cache keeps it for API_TOKEN_CACHE_SECONDS at most."""
    from ejamkesda.api import tokens

    clock = [1000.0]
    monkeypatch.setattr(tokens.time, "monotonic", lambda: clock[0])
    settings.API_TOKEN_CACHE_SECONDS = 30.0
    user = user_with_role(Role.UPT_ADMIN)
    raw = token_for(user)
    assert _me(client, raw).status_code == 200  # verified and cached
    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())  # as another process would
    clock[0] += 29
    assert _me(client, raw).status_code == 200  # still within the documented bound
    clock[0] += 2
    assert _me(client, raw).status_code == 401


def test_last_used_is_written_at_most_once_per_interval(client, monkeypatch, django_assert_num_queries, settings):
    from ejamkesda.api import tokens

    clock = [1000.0]
    monkeypatch.setattr(tokens.time, "monotonic", lambda: clock[0])
    settings.API_TOKEN_LAST_USED_SECONDS = 60.0
    settings.API_TOKEN_CACHE_SECONDS = 1000.0
    user = user_with_role(Role.UPT_ADMIN)
    raw = token_for(user)
    assert token_authenticate(raw) == user
    first = ApiToken.objects.get(user=user).last_used_at
    assert first is not None
    with django_assert_num_queries(0):  # cached, last use fresh: no query at all
        for _ in range(5):
            clock[0] += 5
            assert token_authenticate(raw) == user
    clock[0] += 60
    with django_assert_num_queries(1):  # the UPDATE of last_used_at only
        token_authenticate(raw)
    assert ApiToken.objects.get(user=user).last_used_at > first


@pytest.mark.parametrize("how", ["prefix", "name", "user"])
def test_revoke_command(client, how):
    user = user_with_role(Role.PPK_OPERATOR)
    raw = token_for(user)
    other = token_for(user_with_role(Role.PPK_OPERATOR))
    token = ApiToken.objects.get(user=user)
    ApiToken.objects.filter(pk=token.pk).update(name="SIMRS RSUD")
    assert _me(client, raw).status_code == 200
    value = {"prefix": token.prefix, "name": "SIMRS RSUD", "user": user.username}[how]
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token_revoke", f"--{how}", value, stdout=out, stderr=err)
    assert token.prefix in out.getvalue()
    assert "1 token dicabut" in err.getvalue()
    assert _me(client, raw).status_code == 401
    assert _me(client, other).status_code == 200
    assert AuditLog.objects.filter(object_type="api.ApiToken", object_id=str(token.pk), action="update").exists()


def test_revoke_command_accepts_the_whole_token_and_refuses_no_match():
    raw = token_for(user_with_role(Role.PPK_OPERATOR))
    call_command("api_token_revoke", "--prefix", raw, stdout=io.StringIO(), stderr=io.StringIO())
    assert token_authenticate(raw) is None
    with pytest.raises(CommandError):
        call_command("api_token_revoke", "--prefix", raw, stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("api_token_revoke", "--user", "tidak-ada", stdout=io.StringIO(), stderr=io.StringIO())
