"""The demo seed runs through the real services and produces every status."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone
from faker import Faker

from ejamkesda.core.demo import DemoContext
from ejamkesda.core.roles import Role
from ejamkesda.participants.models import Membership, Programme
from ejamkesda.providers.models import Provider
from ejamkesda.services import demo
from ejamkesda.services.models import Claim, PaymentBatch, Referral, Sjp
from tests.factories import PersonFactory, ProviderFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_demo_seed():
    today = timezone.localdate()
    puskesmas = ProviderFactory()
    hospital = ProviderFactory(level=Provider.Level.FKRTL, kind=Provider.Kind.HOSPITAL)
    people = [PersonFactory() for _ in range(30)]
    for person in people:
        Membership.objects.create(
            person=person, programme=Programme.JAMKESDA, status="aktif", valid_from=today - dt.timedelta(days=365)
        )
    context = DemoContext(
        rng=random.Random(1),
        faker=Faker("id_ID"),
        regency_code="64.09",
        users={
            "demo_ppk": user_with_role(Role.PPK_OPERATOR, provider=puskesmas),
            "demo_ppk_rs": user_with_role(Role.PPK_OPERATOR, provider=hospital),
            "demo_verifikator": user_with_role(Role.UPT_VERIFIER),
            "demo_admin": user_with_role(Role.UPT_ADMIN),
            "demo_keuangan": user_with_role(Role.UPT_ADMIN),  # approves: not the batch's creator
            "demo_kasir": user_with_role(Role.UPT_ADMIN),  # pays: neither creator nor approver
        },
        person_ids=[person.pk for person in people],
        log=lambda line: None,
    )
    demo.seed(context)
    assert set(Sjp.objects.values_list("status", flat=True)) == {"diajukan", "disetujui", "ditolak"}
    statuses = set(Claim.objects.values_list("status", flat=True))
    assert {"diajukan", "dikembalikan", "dibayar"} <= statuses
    assert PaymentBatch.objects.filter(status="dibayar").exists()
    assert Referral.objects.filter(status="diterima").exists()
