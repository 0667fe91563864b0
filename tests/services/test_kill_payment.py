"""Crash safety, proven: marking a claim payment batch paid, killed with SIGKILL in mid-flight
(after the batch and its claims were changed, before the commit), leaves the batch and every
claim as they were; marking it paid again finishes it, and each claim is paid exactly once.

The payment runs in a real ``manage.py shell`` process against a database of its own, on the
same database engine the suite runs on (the helpers in tests/crash.py).
"""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from tests.crash import finish, fresh_database, manage, process_env

CLAIMS = 12
pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SETUP = f"""
from ejamkesda.core.roles import Role
from ejamkesda.services.claim_decisions import claim_approve
from ejamkesda.services.payments import payment_batch_approve, payment_batch_create
from tests.factories import user_with_role
from tests.services.factories import approved_sjp, ppk_operator, submitted_claim, tariff_table

tariff_table()
operator = ppk_operator()
verifier = user_with_role(Role.UPT_VERIFIER)
claims = [
    claim_approve(claim=submitted_claim(sjp=approved_sjp(operator=operator)), actor=verifier)
    for _ in range({CLAIMS})
]
day = claims[0].discharge_date
creator = user_with_role(Role.UPT_ADMIN)
batch = payment_batch_create(actor=creator, provider=operator.provider, year=day.year, month=day.month)
batch = payment_batch_approve(batch=batch, actor=user_with_role(Role.UPT_ADMIN))  # a second admin approves
user_with_role(Role.UPT_ADMIN, username="pembayar")  # a third one pays
print(batch.pk)
"""

PAY = """
import datetime as dt
from ejamkesda.accounts.models import User
from ejamkesda.services import payments
from ejamkesda.services.models import PaymentBatch

payments.payment_batch_mark_paid(
    batch=PaymentBatch.objects.get(pk={batch}),
    actor=User.objects.get(username="pembayar"),
    order_number="SPM-900/2026",
    order_date=dt.date(2026, 3, 2),
)
"""

# Stops inside the transaction, once the batch and every claim are marked paid and the claim
# events written, and waits there to be killed.
STALL = """
import time
from pathlib import Path
from ejamkesda.services import payments

def _stall(**kwargs):
    Path({marker!r}).touch()
    time.sleep(600)

payments.audit_event = _stall
"""

STATE = """
import json
from ejamkesda.audit.models import AuditLog
from ejamkesda.rules.claims import ClaimState
from ejamkesda.services.models import Claim, ClaimEvent, PaymentBatch

batch = PaymentBatch.objects.get(pk={batch})
claims = Claim.objects.filter(payment_batch=batch)
print(json.dumps({{
    "batch": batch.status,
    "order_number": batch.order_number,
    "claims": sorted(set(claims.values_list("status", flat=True))),
    "claims_paid_at": claims.exclude(paid_at=None).count(),
    "paid_events": list(
        ClaimEvent.objects.filter(claim__in=claims, to_status=ClaimState.PAID.value)
        .values_list("claim_id", flat=True)
    ),
    "audit": AuditLog.objects.filter(summary__startswith=f"Batch #{{batch.pk}} dibayar").count(),
}}))
"""


def _state(env: dict[str, str], batch: int) -> dict:
    return json.loads(finish(manage(env, "shell", "-c", STATE.format(batch=batch))).strip().splitlines()[-1])


def test_sigkill_while_marking_paid_leaves_no_half_paid_batch_and_a_rerun_pays_once(tmp_path):
    marker = tmp_path / "stalled"
    with fresh_database(tmp_path) as url:
        env = process_env(url, tmp_path)
        finish(manage(env, "migrate", "--noinput", "-v", "0"))
        batch = int(finish(manage(env, "shell", "-c", SETUP)).strip().splitlines()[-1])
        before = _state(env, batch)
        assert before["batch"] == "disetujui" and before["claims"] == ["proses_bayar"]

        victim = manage(env, "shell", "-c", STALL.format(marker=str(marker)) + PAY.format(batch=batch))
        deadline = time.monotonic() + 120
        while not marker.exists():
            if victim.poll() is not None or time.monotonic() > deadline:
                victim.kill()
                pytest.fail(f"the payment never reached its commit: {victim.communicate()[1][-3000:]}")
            time.sleep(0.05)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()

        assert _state(env, batch) == before  # nothing half-paid: not the batch, not one claim

        finish(manage(env, "shell", "-c", PAY.format(batch=batch)))
        after = _state(env, batch)
        assert after["batch"] == "dibayar" and after["order_number"] == "SPM-900/2026"
        assert after["claims"] == ["dibayar"] and after["claims_paid_at"] == CLAIMS
        assert sorted(after["paid_events"]) == sorted(set(after["paid_events"])) and len(after["paid_events"]) == CLAIMS
        assert after["audit"] == 1

        again = manage(env, "shell", "-c", PAY.format(batch=batch))
        _out, err = again.communicate(timeout=120)
        assert again.returncode != 0 and "PaymentError" in err  # a second run pays nothing
        assert _state(env, batch) == after
