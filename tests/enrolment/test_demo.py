from __future__ import annotations

import random

import pytest
from faker import Faker

from ejamkesda.complaints import demo as complaints_demo
from ejamkesda.complaints.models import Complaint, ComplaintStatus
from ejamkesda.core.demo import DemoContext
from ejamkesda.core.roles import Role
from ejamkesda.enrolment import demo as enrolment_demo
from ejamkesda.enrolment.models import Application, ApplicationStatus
from tests.factories import ensure_region_tree, user_with_role

pytestmark = pytest.mark.django_db


def test_demo_seeds_queue_and_decisions(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ensure_region_tree("64.09.01.2001")
    faker = Faker("id_ID")
    faker.seed_instance(1)
    context = DemoContext(
        rng=random.Random(1),
        faker=faker,
        regency_code="64.09",
        users={
            "demo_verifikator": user_with_role(Role.UPT_VERIFIER, username="demo_verifikator"),
            "demo_admin": user_with_role(Role.UPT_ADMIN, username="demo_admin"),
        },
        log=lambda line: None,
    )
    enrolment_demo.seed(context)
    complaints_demo.seed(context)
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == {ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED, ApplicationStatus.REJECTED}
    assert set(Complaint.objects.values_list("status", flat=True)) == set(ComplaintStatus.values)
