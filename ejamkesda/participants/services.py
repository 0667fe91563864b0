"""Writes to the participant register. Every change leaves a ``ParticipantHistory`` row
and an audit entry; the NIK is checked by ``rules.nik`` before anything is stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ejamkesda.audit.services import audit_record
from ejamkesda.participants import register_fields
from ejamkesda.participants.models import Membership, ParticipantHistory, Person
from ejamkesda.rules.nik import InvalidNik, parse_nik

# The register's fields, declared once for this and the import writer (register_fields).
PERSON_FIELDS = register_fields.PERSON_NAMES
MEMBERSHIP_FIELDS = (*register_fields.MEMBERSHIP_NAMES, *register_fields.PROVENANCE)


def _apply(instance: Any, fields: tuple[str, ...], values: dict[str, Any]) -> dict[str, list[Any]]:
    names = [name for name in fields if name in values]
    changes = register_fields.field_changes(
        names, [getattr(instance, name) for name in names], [values[name] for name in names]
    )
    for name in changes:
        setattr(instance, name, values[name])
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
    history = register_fields.person_created(source or "input petugas") if created else changes
    ParticipantHistory.objects.create(person=person, actor=_user(actor), source=source, changes=history)
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
    if not created and not changes.keys() - set(register_fields.PROVENANCE):
        return membership, False
    membership.full_clean()
    membership.save()
    if created:
        history = register_fields.membership_created(programme, card_number, fields)
    else:
        recorded = register_fields.MEMBERSHIP_NAMES
        history = {f"{programme}.{name}": change for name, change in changes.items() if name in recorded}
    ParticipantHistory.objects.create(
        person=person, membership=membership, actor=_user(actor), source=fields.get("source", ""), changes=history
    )
    audit_record(
        action="create" if created else "update", obj=membership, summary="kepesertaan", changes=changes, actor=actor
    )
    return membership, created


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
