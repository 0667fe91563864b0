"""Lock-out: failed passkeys count like failed codes; the per-username count is atomic."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from ejamkesda.accounts import signin
from ejamkesda.accounts.models import UsernameFailures
from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from tests.factories import DEFAULT_PASSWORD, user_with_role


def _sign_in(client, user, ip="127.0.0.1"):
    credentials = {"username": user.username, "password": DEFAULT_PASSWORD}
    return client.post(reverse("accounts:login"), credentials, REMOTE_ADDR=ip)


def _failed_passkey(client):
    client.post(reverse("otp_webauthn:credential-authentication-begin"))
    return client.post(
        reverse("otp_webauthn:credential-authentication-complete"),
        {"id": "bm90LWEta2V5", "rawId": "bm90LWEta2V5", "type": "public-key", "response": {}},
        content_type="application/json",
    )


@pytest.mark.django_db
def test_failed_passkeys_lock_the_sign_in_like_wrong_codes(client, settings):
    user = user_with_role(Role.UPT_ADMIN)
    WebAuthnCredential.objects.create(
        user=user, name="kunci", confirmed=True, credential_id=b"id-1", public_key=b"pk", sign_count=0
    )
    _sign_in(client, user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        refused = _failed_passkey(client)
        assert 400 <= refused.status_code < 500 and refused.status_code != 429
    locked = _failed_passkey(client)
    assert locked.status_code == 429
    assert client.get(reverse("core:dashboard"))["Location"].startswith(reverse("accounts:login"))  # signed out
    assert _sign_in(client, user).status_code == 429  # the right password does not unlock it
    failed = AuditLog.objects.filter(action="login_failed", summary__contains=user.username)
    assert failed.count() >= settings.AXES_FAILURE_LIMIT


@pytest.mark.django_db
def test_a_passkey_is_not_tried_while_the_username_is_slowed(client, settings):
    settings.LOGIN_USERNAME_SLOWDOWN_AFTER = 1
    user = user_with_role(Role.UPT_ADMIN)
    _sign_in(client, user)
    signin.username_failure_record(user.username)
    assert _failed_passkey(client).status_code == 429


@pytest.mark.django_db
def test_the_username_count_expires_after_the_cool_off(settings):
    signin.username_failure_record("budi")
    signin.username_failure_record("BUDI ")
    row = UsernameFailures.objects.get()
    assert row.failures == 2 and "budi" not in row.key  # one row per name, hashed
    settings.AXES_COOLOFF_TIME = 0  # everything recorded is now older than the cool-off
    assert signin.username_brake_for("budi") == signin.username_brake_for("nobody")
    signin.username_failure_record("budi")
    assert UsernameFailures.objects.get().failures == 1
    signin.username_failures_clear("budi")
    assert not UsernameFailures.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_failures_all_count():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite locks the whole file)")
    threads, per_thread = 8, 5
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def fail_many() -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                signin.username_failure_record("serbu")
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=fail_many) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert UsernameFailures.objects.get().failures == threads * per_thread
