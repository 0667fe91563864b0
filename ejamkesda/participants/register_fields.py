"""The fields of the participant register, declared once for both of its writers.

The single-row services (``participants.services.person_register`` / ``membership_record``)
and the set-based import writer (``participants.import_writer``, a staging table and SQL)
both derive their field lists, the staging table's columns and types, and the history they
write from here. Adding a field to the register means adding it here (and to the model and
a migration); ``tests/participants/test_one_write_path.py`` runs the same changes through
both writers and requires the same rows and the same history.

History format (``ParticipantHistory.changes``), the same from both writers:

* a person created: ``{"dibuat": [None, source]}`` (the values are in the row itself);
* a person changed: ``{field: [old, new]}`` for each field that changed;
* a membership created for a registered person: ``{"<programme>.card_number": [None, card]}``
  and ``{"<programme>.<field>": [None, value]}`` for each given field;
* a membership changed: ``{"<programme>.<field>": [old, new]}``.

Provenance (``source``, ``source_date``) is stored on the membership but is not a change of
its own: the history row carries its source.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any


@dataclasses.dataclass(frozen=True)
class RegisterField:
    name: str  # model attribute and column ("village_id" for the foreign key)
    kind: str  # staging column type: "text", "date" or "integer"
    nullable: bool = False  # the stored value may be NULL (otherwise "" when not known)
    imported: bool = True  # carried by an import row (the death fields come from other channels)

    @property
    def empty_is_null(self) -> bool:
        """ "Not given" is NULL in a staging row (dates, numbers, the village), else ""."""
        return self.kind != "text" or self.nullable


PERSON = (
    RegisterField("kk_number", "text"),
    RegisterField("name", "text"),
    RegisterField("sex", "text"),
    RegisterField("birth_place", "text"),
    RegisterField("birth_date", "date"),
    RegisterField("address", "text"),
    RegisterField("rt", "text"),
    RegisterField("rw", "text"),
    RegisterField("village_id", "text", nullable=True),
    RegisterField("phone", "text"),
    RegisterField("deceased", "integer", imported=False),
    RegisterField("deceased_on", "date", nullable=True, imported=False),
)
MEMBERSHIP = (
    RegisterField("segment", "text"),
    RegisterField("care_class", "integer", nullable=True),
    RegisterField("status", "text"),
    RegisterField("valid_from", "date", nullable=True),
    RegisterField("valid_to", "date", nullable=True),
    RegisterField("first_level_provider_code", "text"),
)
PROVENANCE = ("source", "source_date")  # stored on a membership, never a change of its own

PERSON_NAMES = tuple(field.name for field in PERSON)
IMPORTED_PERSON = tuple(field for field in PERSON if field.imported)
IMPORTED_PERSON_NAMES = tuple(field.name for field in IMPORTED_PERSON)
MEMBERSHIP_NAMES = tuple(field.name for field in MEMBERSHIP)
DATE_NAMES = frozenset(field.name for field in (*PERSON, *MEMBERSHIP) if field.kind == "date")
CREATED = "dibuat"


def jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def given(value: Any) -> bool:
    """A value an import row gives (an empty cell is "not known": it never erases)."""
    return value is not None and value != ""


def person_created(source: str) -> dict[str, list[Any]]:
    return {CREATED: [None, source]}


def field_changes(
    names: Iterable[str], old: Sequence[Any], new: Sequence[Any], *, prefix: str = ""
) -> dict[str, list[Any]]:
    """``{prefix + name: [old, new]}`` for each field whose value differs."""
    return {
        f"{prefix}{name}": [jsonable(was), jsonable(value)]
        for name, was, value in zip(names, old, new, strict=True)
        if was != value
    }


def membership_created(programme: str, card_number: str, values: dict[str, Any]) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {f"{programme}.card_number": [None, card_number]}
    for name in MEMBERSHIP_NAMES:
        if given(values.get(name)):
            changes[f"{programme}.{name}"] = [None, jsonable(values[name])]
    return changes
