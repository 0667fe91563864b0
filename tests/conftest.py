from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, settings

from ejamkesda.core.roles import Role
from tests.auth import force_login_verified, login_verified
from tests.factories import user_with_role

# Properties check correctness, not speed: on a loaded two-core CI machine input generation and
# a single example can be slow, which must not fail a property that holds.
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _clear_cache():
    from ejamkesda.api.limits import limits_reset

    cache.clear()
    limits_reset()  # per-process API rate counters must not carry over from another test
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(monkeypatch):
    """``client.force_login`` skips the password; here it also stands for the second factor
    (tests/auth.py). Tests of the sign-in itself go through the real login views, or use
    ``tests.auth.login_password_only``."""
    monkeypatch.setattr(Client, "force_login", force_login_verified)


@pytest.fixture
def login(client):
    """login(role, **kwargs) → the signed-in user (password and second factor passed)."""

    def _login(role: Role, **kwargs):
        return login_verified(client, user_with_role(role, **kwargs))

    return _login
