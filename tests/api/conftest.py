from __future__ import annotations

import pytest
from django.core.cache import cache

from ejamkesda.api.limits import limits_reset
from ejamkesda.api.tokens import token_cache_clear
from ejamkesda.bpjs.client import breakers_reset


@pytest.fixture(autouse=True)
def _fresh_api_state(monkeypatch):
    token_cache_clear()
    limits_reset()
    cache.clear()
    breakers_reset()
    for name in ("BPJS_CONS_ID", "BPJS_SECRET", "BPJS_VCLAIM_URL", "BPJS_PCARE_URL"):
        monkeypatch.delenv(name, raising=False)
    yield
    token_cache_clear()
    breakers_reset()
