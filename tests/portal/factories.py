"""Data builders for the public-portal tests."""

from __future__ import annotations

import datetime as dt

from ejamkesda.participants.models import MembershipStatus, Programme, Segment
from tests.factories import MembershipFactory, PersonFactory, make_nik

BIRTH = dt.date(1990, 5, 17)


def person_with_membership(
    *,
    name: str = "SITI NURHALIZA",
    serial: int = 77,
    status: str = MembershipStatus.ACTIVE,
    programme: str = Programme.JKN,
    segment: str = Segment.PBI_APBN,
    care_class: int | None = 3,
    valid_from: dt.date | None = dt.date(2024, 1, 1),
    valid_to: dt.date | None = None,
):
    nik = make_nik(birth_date=BIRTH, sex="P", serial=serial)
    person = PersonFactory(
        nik=nik,
        name=name,
        sex="P",
        birth_date=BIRTH,
        address="Jl. Rahasia Sekali No. 9",
        kk_number="6409019999000001",
    )
    MembershipFactory(
        person=person,
        programme=programme,
        segment=segment,
        care_class=care_class,
        status=status,
        valid_from=valid_from,
        valid_to=valid_to,
        card_number="0001234567891",
    )
    return person
