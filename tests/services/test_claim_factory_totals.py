from __future__ import annotations

import pytest

from tests.services.factories import submitted_claim


@pytest.mark.django_db
def test_claim_can_be_submitted():
    claim = submitted_claim()
    assert claim.claimed_total == 2 * 50_000 + 75_000
