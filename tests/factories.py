"""Factories for tests: every test builds its own data."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from ejamkesda.accounts.models import Agency, User
from ejamkesda.core.roles import Role
from ejamkesda.participants.models import Membership, MembershipStatus, Person, Programme, Segment
from ejamkesda.providers.models import Provider
from ejamkesda.regions.models import Region

DEFAULT_PASSWORD = "rahasia-uji-123"


def make_nik(
    *, district: str = "640901", birth_date: dt.date = dt.date(1985, 3, 7), sex: str = "L", serial: int = 1
) -> str:
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{district}{day:02d}{birth_date:%m%y}{serial:04d}"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "64.09.01.2001"
    name = factory.Sequence(lambda n: f"Desa {n}")
    level = 4
    kind = "desa"


def ensure_region_tree(village_code: str = "64.09.01.2001") -> Region:
    """Province → regency → district → village, created if missing."""
    parts = village_code.split(".")
    parent = None
    region = None
    for level in range(1, len(parts) + 1):
        code = ".".join(parts[:level])
        region, _ = Region.objects.get_or_create(
            code=code, defaults={"name": f"Wilayah {code}", "level": level, "parent": parent}
        )
        parent = region
    assert region is not None
    return region


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"OPD{n:03d}")
    name = factory.Sequence(lambda n: f"Dinas Uji {n}")


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = Provider

    code = factory.Sequence(lambda n: f"PPK{n:05d}")
    name = factory.Sequence(lambda n: f"Puskesmas Uji {n}")
    kind = Provider.Kind.PUSKESMAS
    level = Provider.Level.FKTP


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pengguna{n}")
    role = Role.UPT_ADMIN
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(role: Role, **kwargs) -> User:
    if role in (Role.PPK_OPERATOR, Role.TREASURER) and "provider" not in kwargs:
        kwargs["provider"] = ProviderFactory()
    if role == Role.OPD_OPERATOR and "agency" not in kwargs:
        kwargs["agency"] = AgencyFactory()
    if role == Role.PROCUREMENT_OFFICER and "agency" not in kwargs:
        health_office = Agency.objects.filter(health_office=True).first()
        kwargs["agency"] = health_office or AgencyFactory(name="Dinas Kesehatan", health_office=True)

    if role == Role.VILLAGE_OFFICER and "region" not in kwargs:
        kwargs["region"] = ensure_region_tree("64.09.01.2001")
    if role == Role.DISTRICT_OFFICER and "region" not in kwargs:
        kwargs["region"] = ensure_region_tree("64.09.01.2001").parent
    return UserFactory(role=role, **kwargs)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    nik = factory.Sequence(lambda n: make_nik(serial=n + 1))
    kk_number = factory.Sequence(lambda n: f"6409010101{n:06d}")
    name = factory.Sequence(lambda n: f"Warga Uji {n}")
    sex = "L"
    birth_place = "Penajam"
    birth_date = dt.date(1985, 3, 7)
    address = "Jl. Uji No. 1"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    programme = Programme.JKN
    segment = Segment.PBPU_BP_PEMDA
    card_number = factory.Sequence(lambda n: f"000{n:010d}")
    care_class = 3
    status = MembershipStatus.ACTIVE
    valid_from = dt.date(2024, 1, 1)
    valid_to = None
    source = "uji"
