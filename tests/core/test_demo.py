from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction

from ejamkesda.accounts.models import User
from ejamkesda.core.roles import Role
from ejamkesda.coverage.models import Instruction, InstructionTask
from ejamkesda.participants.models import Membership, Person
from ejamkesda.providers.models import Provider
from ejamkesda.rules.nik import parse_nik

pytestmark = pytest.mark.django_db


@pytest.fixture
def regency():
    from tests.factories import ensure_region_tree

    for district in ("01", "02"):
        for village in ("2001", "2002"):
            ensure_region_tree(f"64.09.{district}.{village}")


def test_seed_demo_builds_a_consistent_regency(regency, settings):
    settings.REGENCY_CODE = "64.09"
    call_command("seed_demo", people=60, seed=7)
    assert Person.objects.count() >= 60  # other apps' demo hooks may add people
    for person in Person.objects.all():
        parsed = parse_nik(person.nik)
        assert parsed.sex == person.sex and parsed.birth_date == person.birth_date
        if person.village_id:
            assert person.village_id.startswith(parsed.district_code)
    assert Membership.objects.filter(programme="jkn").exists()
    roles = set(User.objects.values_list("role", flat=True))
    assert set(Role.values) <= roles
    assert User.objects.get(username="demo_ppk").provider is not None
    providers = Provider.objects.all()
    assert providers and all(provider.phone and provider.address for provider in providers)
    assert Provider.objects.get(kind=Provider.Kind.HOSPITAL).phone


def test_seed_demo_loads_the_regency_own_instruction(regency, settings):
    settings.REGENCY_CODE = "64.09"
    call_command("seed_demo", people=20, seed=7)
    tasks = InstructionTask.objects.filter(active=True)
    assert tasks.count() == 55 and not tasks.filter(agency=None).exists()
    assert not tasks.filter(text__contains="Tegal").exists()
    assert not tasks.filter(addressee__contains="Tegal").exists()
    assert Instruction.objects.get(name=tasks.first().instruction).example


def _seed_and_capture(seed: int) -> list[tuple[str, str]]:
    with transaction.atomic():
        call_command("seed_demo", people=20, seed=seed)
        people = list(Person.objects.order_by("nik").values_list("nik", "name"))
        transaction.set_rollback(True)
    return people


def test_seed_demo_is_deterministic(regency, settings):
    settings.REGENCY_CODE = "64.09"
    first = _seed_and_capture(3)
    assert first and first == _seed_and_capture(3)
    assert first != _seed_and_capture(4)


def test_seed_demo_if_empty_skips_existing(regency, settings):
    settings.REGENCY_CODE = "64.09"
    call_command("seed_demo", people=5, seed=1)
    count_after_first = Person.objects.count()
    call_command("seed_demo", people=5, seed=1, if_empty=True)
    assert Person.objects.count() == count_after_first


def test_seed_demo_refuses_production(regency, settings):
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("seed_demo", people=5)
