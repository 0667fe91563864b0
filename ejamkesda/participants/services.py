"""Writes to the participant register. Every change leaves a ``ParticipantHistory`` row
and an audit entry; the NIK is checked by ``rules.nik`` before anything is stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ejamkesda.audit.services import audit_record
from ejamkesda.participants.models import Membership, ParticipantHistory, Person
from ejamkesda.rules.nik import InvalidNik, parse_nik

PERSON_FIELDS = (
    "kk_number",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "address",
    "rt",
    "rw",
    "village_id",
    "phone",
    "deceased",
    "deceased_on",
)
MEMBERSHIP_FIELDS = (
    "segment",
    "care_class",
    "status",
    "valid_from",
    "valid_to",
    "first_level_provider_code",
    "source",
    "source_date",
)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _apply(instance: Any, fields: tuple[str, ...], values: dict[str, Any]) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name in fields:
        if name not in values:
            continue
        old, new = getattr(instance, name), values[name]
        if old != new:
            changes[name] = [_jsonable(old), _jsonable(new)]
            setattr(instance, name, new)
    return changes


def nik_validate(*, nik: str, sex: str | None = None, birth_date: dt.date | None = None) -> str:
    """The cleaned NIK, or ``ValidationError`` saying what is wrong (Bahasa Indonesia)."""
    try:
        parsed = parse_nik(nik)
    except InvalidNik as error:
        raise ValidationError({"nik": str(error)}) from None
    problems = parsed.mismatches(sex=sex, birth_date=birth_date)
    if problems:
        raise ValidationError({"nik": "; ".join(problems)})
    return parsed.nik


@transaction.atomic
def person_register(*, nik: str, actor: Any = None, source: str = "", **fields: Any) -> tuple[Person, bool]:
    """Create or update a person by NIK. Returns (person, created)."""
    nik = nik_validate(nik=nik, sex=fields.get("sex"), birth_date=fields.get("birth_date"))
    person = Person.objects.select_for_update().filter(nik=nik).first()
    created = person is None
    if person is None:
        # Nothing to lock yet: two registrations of one new NIK at once both get here. The
        # unique NIK decides; the loser updates the winner's row instead of failing.
        person = Person(nik=nik)
        changes = _apply(person, PERSON_FIELDS, fields)
        person.full_clean(validate_unique=False)  # the unique index decides, below
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError:
            person = Person.objects.select_for_update().get(nik=nik)
            created = False
            changes = _apply(person, PERSON_FIELDS, fields)
            if not changes:
                return person, False
            person.full_clean()
            person.save()
    else:
        changes = _apply(person, PERSON_FIELDS, fields)
        if not changes:
            return person, False
        person.full_clean()
        person.save()
    ParticipantHistory.objects.create(person=person, actor=_user(actor), source=source, changes=changes)
    audit_record(
        action="create" if created else "update", obj=person, summary="data penduduk", changes=changes, actor=actor
    )
    return person, created


@transaction.atomic
def membership_record(
    *, person: Person, programme: str, card_number: str = "", actor: Any = None, **fields: Any
) -> tuple[Membership, bool]:
    """Create or update a membership, keyed by (person, programme, card number)."""
    membership = (
        Membership.objects.select_for_update()
        .filter(person=person, programme=programme, card_number=card_number)
        .first()
    )
    created = membership is None
    if membership is None:
        membership = Membership(person=person, programme=programme, card_number=card_number)
    changes = _apply(membership, MEMBERSHIP_FIELDS, fields)
    if not changes and not created:
        return membership, False
    membership.full_clean()
    membership.save()
    ParticipantHistory.objects.create(
        person=person,
        membership=membership,
        actor=_user(actor),
        source=fields.get("source", ""),
        changes={f"{programme}.{name}": change for name, change in changes.items()},
    )
    audit_record(
        action="create" if created else "update", obj=membership, summary="kepesertaan", changes=changes, actor=actor
    )
    return membership, created


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
