"""Factories and helpers for the API tests."""

from __future__ import annotations

import datetime as dt

from ejamkesda.api.tokens import token_create
from ejamkesda.core.roles import Role
from ejamkesda.participants.models import Programme, Segment
from tests.factories import MembershipFactory, PersonFactory, ProviderFactory, make_nik, user_with_role


def token_for(user) -> str:
    return token_create(user=user, name="uji")[1]


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def ppk_user_and_token(provider=None):
    provider = provider or ProviderFactory()
    user = user_with_role(Role.PPK_OPERATOR, provider=provider)
    return user, token_for(user)


def person_registered_at(provider, *, serial: int, programme=Programme.JKN, **membership):
    person = PersonFactory(nik=make_nik(serial=serial))
    defaults = dict(
        person=person,
        programme=programme,
        first_level_provider_code=provider.code,
        segment=Segment.PBI_APBN,
        valid_from=dt.date(2024, 1, 1),
    )
    defaults.update(membership)
    MembershipFactory(**defaults)
    return person
