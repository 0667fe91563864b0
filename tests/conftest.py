from __future__ import annotations

import pytest
from django.core.cache import cache

from ejamkesda.core.roles import Role
from tests.factories import user_with_role


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def login(client):
    """login(role, **kwargs) → the logged-in user (client is logged in)."""

    def _login(role: Role, **kwargs):
        user = user_with_role(role, **kwargs)
        client.force_login(user)
        return user

    return _login
