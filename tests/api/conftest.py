from __future__ import annotations

import pytest
from django.core.cache import cache

from ejamkesda.api.limits import limits_reset
from ejamkesda.api.tokens import token_cache_clear
from ejamkesda.bpjs.client import breakers_reset


@pytest.fixture(autouse=True)
def _fresh_api_state(settings):
    token_cache_clear()
    limits_reset()
    cache.clear()
    breakers_reset()
    # The BPJS bridge stays off unless a test turns it on.
    settings.BPJS = {**settings.BPJS, "cons_id": "", "secret": "", "vclaim_url": "", "pcare_url": ""}
    yield
    token_cache_clear()
    breakers_reset()
