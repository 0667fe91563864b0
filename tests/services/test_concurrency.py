"""Two actors at the same moment, with real concurrent transactions (PostgreSQL only:
SQLite serialises writers for the whole database, so the race cannot happen there; the
same guarantees are proven on both databases with stale objects in test_claims/test_sjp)."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from ejamkesda.core.roles import Role
from ejamkesda.rules.claims import ClaimState
from ejamkesda.services.claim_checks import ClaimConflict
from ejamkesda.services.claim_decisions import claim_approve, claim_reject
from ejamkesda.services.models import Claim, Sjp
from ejamkesda.services.sjp import sjp_approve, sjp_request
from tests.factories import user_with_role
from tests.services.factories import jamkesda_member, ppk_operator, submitted_claim, tariff_table

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions"),
]


def _race(*actions):
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except Exception as exc:  # collected for the assertions
            results[index] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_verifiers_on_one_claim_exactly_one_wins():
    tariff_table()
    claim = submitted_claim()
    first, second = user_with_role(Role.UPT_VERIFIER), user_with_role(Role.UPT_VERIFIER)
    version = claim.version
    results = _race(
        lambda: claim_approve(claim=claim, actor=first, expected_version=version),
        lambda: claim_reject(claim=claim, actor=second, reason_code="duplikat", expected_version=version),
    )
    winners = [r for r in results if isinstance(r, Claim)]
    losers = [r for r in results if isinstance(r, ClaimConflict)]
    assert len(winners) == 1 and len(losers) == 1, results
    claim.refresh_from_db()
    assert claim.status in {ClaimState.APPROVED, ClaimState.REJECTED}
    assert claim.events.count() == 2


def test_concurrent_approvals_get_distinct_numbers():
    operator = ppk_operator()
    letters = [
        sjp_request(
            actor=operator,
            person=jamkesda_member(),
            service_kind="rawat_jalan",
            diagnosis_code="A09",
            service_from=timezone.localdate(),
        )
        for _ in range(6)
    ]
    verifiers = [user_with_role(Role.UPT_VERIFIER) for _ in letters]
    results = _race(*[lambda s=s, v=v: sjp_approve(sjp=s, actor=v) for s, v in zip(letters, verifiers, strict=True)])
    assert all(isinstance(r, Sjp) for r in results), results
    numbers = list(Sjp.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 6
