from __future__ import annotations

import random

import pytest
from faker import Faker

from ejamkesda.core.demo import DemoContext
from ejamkesda.core.roles import Role
from ejamkesda.funds.demo import ROSTER, seed
from ejamkesda.funds.models import DistributionRun, RunStatus, StaffMember
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_demo_seed_builds_a_roster_and_runs():
    treasurer = user_with_role(Role.TREASURER)
    context = DemoContext(
        rng=random.Random(1),
        faker=Faker("id_ID"),
        regency_code="64.09",
        users={"demo_bendahara": treasurer, "demo_admin": user_with_role(Role.UPT_ADMIN)},
        log=lambda _line: None,
    )
    seed(context)
    assert StaffMember.objects.filter(provider=treasurer.provider).count() == len(ROSTER)
    runs = DistributionRun.objects.filter(provider=treasurer.provider)
    assert sorted(runs.values_list("status", flat=True)) == sorted([RunStatus.APPROVED, RunStatus.DRAFT])
    for run in runs:
        assert sum(run.lines.values_list("share", flat=True)) == run.pool_amount
