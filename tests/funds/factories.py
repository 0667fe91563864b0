"""Factories for funds tests."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from ejamkesda.funds.models import Attendance, RegulationProfile, StaffMember
from ejamkesda.rules.profile import profile_text
from tests.factories import ProviderFactory


def stored_profile(code: str = "tanah-datar-29-2017") -> RegulationProfile:
    profile, _ = RegulationProfile.objects.get_or_create(
        code=code, version=1, defaults={"title": code, "text": profile_text(code), "based_on": code}
    )
    return profile


class StaffMemberFactory(DjangoModelFactory):
    class Meta:
        model = StaffMember

    provider = factory.SubFactory(ProviderFactory)
    employee_no = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"Pegawai Uji {n}")
    jenis_tenaga = "nakes_d3"
    education = "D3"
    started_on = dt.date(2015, 1, 1)
    status = "pns"
    golongan = "III/a"
    bank_name = "Bank Daerah"
    bank_account = factory.Sequence(lambda n: f"00{n:08d}")


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    staff = factory.SubFactory(StaffMemberFactory)
    period = dt.date(2025, 1, 1)
    days_present = 20
    days_excused = 0
    minutes_late = 0
    skp = None
