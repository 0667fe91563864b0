"""One write path for the register: the same changes through the single-row services and the
set-based import writer leave the same people, memberships and history rows.

Both derive their fields and their history from ``participants.register_fields``; this test is
what notices when one of them drifts (a field added to one writer only, say).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from ejamkesda.participants import register_fields
from ejamkesda.participants.import_writer import RECORD_NAMES, BatchWriter
from ejamkesda.participants.models import Membership, ParticipantHistory, Person, name_key
from ejamkesda.participants.services import membership_record, person_register
from ejamkesda.rules.nik import parse_nik
from tests.factories import make_nik

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1985, 3, 9)
SOURCE, SOURCE_DATE = "uji satu jalur", dt.date(2026, 11, 1)
NIK = make_nik(birth_date=BIRTH, sex="L", serial=41)
OTHER = make_nik(birth_date=dt.date(2001, 7, 30), sex="P", serial=42)

# Each step: the person's given fields and, optionally, one membership (programme, card, fields).
STEPS: list[tuple[str, dict[str, Any], tuple[str, str, dict[str, Any]] | None]] = [
    (NIK, {"name": "Budi Santoso", "address": "Jl. Mawar 1", "rt": "001", "rw": "002"}, None),  # new person
    (OTHER, {"name": "Rina", "phone": "08123456789", "kk_number": "6409010101010001"}, None),  # another
    (NIK, {"name": "Budi Santoso", "address": "Jl. Melati 7"}, None),  # changed address
    (
        NIK,
        {"name": "Budi Santoso"},
        (
            "jkn",
            "0001112223334",
            {"segment": "pbi_apbn", "care_class": 3, "status": "aktif", "valid_from": dt.date(2025, 1, 1)},
        ),
    ),  # new membership
    (
        OTHER,
        {"name": "Rina"},
        (
            "jamkesda",
            "JKD000000042",
            {"status": "aktif", "valid_from": dt.date(2026, 1, 1), "valid_to": dt.date(2026, 12, 31)},
        ),
    ),
    (
        NIK,
        {"name": "Budi Santoso"},
        ("jkn", "0001112223334", {"status": "berakhir", "valid_to": dt.date(2026, 6, 30)}),
    ),  # ended membership
    (OTHER, {"name": "Rina Wati", "birth_place": "Penajam"}, None),  # changed name and birth place
    (NIK, {"name": "Budi Santoso", "address": "Jl. Melati 7"}, None),  # nothing changes
]


def _record(nik: str, person: dict[str, Any], membership: tuple[str, str, dict[str, Any]] | None) -> tuple:
    parsed = parse_nik(nik)
    values: dict[str, Any] = {name: None for name in RECORD_NAMES}
    for field in (*register_fields.IMPORTED_PERSON, *register_fields.MEMBERSHIP):
        values[field.name] = None if field.empty_is_null else ""
    values.update(nik=nik, programme="", card_number="", nik_sex=parsed.sex, nik_birth_date=parsed.birth_date)
    values.update(person)
    values["name_key"] = name_key(values["name"])
    if membership:
        programme, card, fields = membership
        values.update(programme=programme, card_number=card, **fields)
    return tuple(values[name] for name in RECORD_NAMES)


def _through_import_writer() -> None:
    writer = BatchWriter(source=SOURCE, source_date=SOURCE_DATE, actor_id=None)
    for nik, person, membership in STEPS:
        with transaction.atomic():
            writer.write([_record(nik, person, membership)])


def _through_services() -> None:
    for nik, person, membership in STEPS:
        parsed = parse_nik(nik)
        registered, _created = person_register(
            nik=nik, source=SOURCE, sex=parsed.sex, birth_date=parsed.birth_date, **person
        )
        if membership:
            programme, card, fields = membership
            membership_record(
                person=registered,
                programme=programme,
                card_number=card,
                source=SOURCE,
                source_date=SOURCE_DATE,
                **fields,
            )


def _register() -> dict[str, Any]:
    """The register as rows, without ids and timestamps."""
    people = {
        person["nik"]: person
        for person in Person.objects.values("nik", "name_key", *register_fields.PERSON_NAMES).order_by("nik")
    }
    memberships = sorted(
        Membership.objects.values_list(
            "person__nik", "programme", "card_number", *register_fields.MEMBERSHIP_NAMES, *register_fields.PROVENANCE
        )
    )
    history = [
        (row["person__nik"], row["source"], row["actor_id"], row["changes"])
        for row in ParticipantHistory.objects.order_by("id").values("person__nik", "source", "actor_id", "changes")
    ]
    return {"people": people, "memberships": memberships, "history": history}


def _clear() -> None:
    ParticipantHistory.objects.all().delete()
    Membership.objects.all().delete()
    Person.objects.all().delete()


def test_the_same_changes_through_both_writers_leave_the_same_register():
    _through_import_writer()
    imported = _register()
    _clear()
    _through_services()
    registered = _register()

    assert registered["people"] == imported["people"]
    assert registered["memberships"] == imported["memberships"]
    assert registered["history"] == imported["history"]
    # What the steps did, once: two people created, then one history row per change.
    assert [changes for _nik, _source, _actor, changes in imported["history"]] == [
        {"dibuat": [None, SOURCE]},
        {"dibuat": [None, SOURCE]},
        {"address": ["Jl. Mawar 1", "Jl. Melati 7"]},
        {
            "jkn.card_number": [None, "0001112223334"],
            "jkn.segment": [None, "pbi_apbn"],
            "jkn.care_class": [None, 3],
            "jkn.status": [None, "aktif"],
            "jkn.valid_from": [None, "2025-01-01"],
        },
        {
            "jamkesda.card_number": [None, "JKD000000042"],
            "jamkesda.status": [None, "aktif"],
            "jamkesda.valid_from": [None, "2026-01-01"],
            "jamkesda.valid_to": [None, "2026-12-31"],
        },
        {"jkn.status": ["aktif", "berakhir"], "jkn.valid_to": [None, "2026-06-30"]},
        {"name": ["Rina", "Rina Wati"], "birth_place": ["", "Penajam"]},
    ]


def test_both_writers_take_their_fields_from_one_declaration():
    from ejamkesda.participants import import_writer, services

    assert set(import_writer.PERSON_FIELDS) <= set(services.PERSON_FIELDS) == set(register_fields.PERSON_NAMES)
    assert set(import_writer.MEMBER_FIELDS) == set(register_fields.MEMBERSHIP_NAMES)
    assert set(services.MEMBERSHIP_FIELDS) == {*register_fields.MEMBERSHIP_NAMES, *register_fields.PROVENANCE}
    model_fields = {field.attname for field in Person._meta.concrete_fields} - {"id", "nik", "name_key"}
    assert model_fields - {"created_at", "updated_at"} == set(register_fields.PERSON_NAMES)
    member_fields = {field.attname for field in Membership._meta.concrete_fields}
    assert member_fields - {"id", "person_id", "programme", "card_number", "created_at", "updated_at"} == {
        *register_fields.MEMBERSHIP_NAMES,
        *register_fields.PROVENANCE,
    }
