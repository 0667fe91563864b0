from __future__ import annotations

import pytest
from django.core.management import call_command

from ejamkesda.accounts.models import User
from ejamkesda.core.roles import Role
from ejamkesda.participants.models import Membership, Person
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
    assert Person.objects.count() == 60
    for person in Person.objects.all():
        parsed = parse_nik(person.nik)
        assert parsed.sex == person.sex and parsed.birth_date == person.birth_date
        assert person.village_id.startswith(parsed.district_code)
    assert Membership.objects.filter(programme="jkn").exists()
    roles = set(User.objects.values_list("role", flat=True))
    assert set(Role.values) <= roles
    assert User.objects.get(username="demo_ppk").provider is not None


def test_seed_demo_is_deterministic(regency, settings):
    settings.REGENCY_CODE = "64.09"
    call_command("seed_demo", people=20, seed=3)
    first = list(Person.objects.order_by("nik").values_list("nik", "name"))
    Membership.objects.all().delete()
    Person.objects.all().delete()
    User.objects.all().delete()
    from ejamkesda.accounts.models import Agency
    from ejamkesda.providers.models import Provider

    Provider.objects.all().delete()
    Agency.objects.all().delete()
    call_command("seed_demo", people=20, seed=3)
    assert list(Person.objects.order_by("nik").values_list("nik", "name")) == first


def test_seed_demo_if_empty_skips_existing(regency, settings):
    settings.REGENCY_CODE = "64.09"
    call_command("seed_demo", people=5, seed=1)
    call_command("seed_demo", people=5, seed=1, if_empty=True)
    assert Person.objects.count() == 5


def test_seed_demo_refuses_production(regency, settings):
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("seed_demo", people=5)
