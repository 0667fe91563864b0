"""Two actors approving the same run at the same time: exactly one wins (row lock)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from ejamkesda.core.roles import Role
from ejamkesda.funds import run_services
from ejamkesda.funds.models import DistributionRun, RunStatus
from tests.factories import ProviderFactory, user_with_role
from tests.funds.factories import AttendanceFactory, StaffMemberFactory, stored_profile


@pytest.mark.django_db(transaction=True)
def test_concurrent_approval_exactly_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL; SQLite serialises writers anyway")
    provider = ProviderFactory()
    AttendanceFactory(staff=StaffMemberFactory(provider=provider), period=dt.date(2025, 1, 1))
    admin = user_with_role(Role.UPT_ADMIN)
    preparer = user_with_role(Role.UPT_ADMIN)  # separation of duties: not the approver
    run = run_services.run_create(
        provider=provider, period_from=dt.date(2025, 1, 1), period_to=dt.date(2025, 1, 1),
        profile=stored_profile(), actor=preparer, pool_amount=1_000,
    )  # fmt: skip
    run_services.run_verify(run=run, actor=preparer)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve() -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            run_services.run_approve(run=DistributionRun.objects.get(pk=run.pk), actor=admin)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert DistributionRun.objects.get(pk=run.pk).status == RunStatus.APPROVED
