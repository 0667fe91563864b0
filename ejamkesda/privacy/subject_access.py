"""Everything the system holds on one person, for a data-subject request (UU 27/2022 Pasal 7:
the subject's right to access and obtain a copy of their personal data).

The export is generic on purpose, so a new table cannot be forgotten: every row of every model
that points to the person (a foreign key to ``participants.Person``) or carries the person's NIK
in a ``nik`` field, plus the audit entries about the person (who looked at their data). Family
members who share the KK are other subjects and are not included.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.db import models

from ejamkesda.audit.models import AuditLog
from ejamkesda.participants.models import Person

FORMAT_VERSION = 1


def _row(values: dict[str, Any]) -> dict[str, Any]:
    """File fields give their stored name only: the export lists documents, it does not copy them."""
    return {key: getattr(value, "name", value) if hasattr(value, "url") else value for key, value in values.items()}


def _person_links(model: type[models.Model]) -> list[str]:
    return [
        field.name
        for field in model._meta.get_fields()
        if getattr(field, "many_to_one", False) and field.related_model is Person and field.concrete
    ]


def _has_nik(model: type[models.Model]) -> bool:
    return any(field.name == "nik" and field.concrete for field in model._meta.get_fields())


def person_export(*, person: Person) -> dict[str, Any]:
    """A JSON-ready dictionary: the person's record, then every related table by model label."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models():
        if model is Person or model is AuditLog:
            continue
        query = models.Q()
        for name in _person_links(model):
            query |= models.Q(**{name: person})
        if _has_nik(model) and person.nik:
            query |= models.Q(nik=person.nik)
        if not query:
            continue
        rows = [_row(values) for values in model._default_manager.filter(query).values()]
        if rows:
            tables[model._meta.label] = rows
    own = Person.objects.filter(pk=person.pk).values().get()
    accesses = AuditLog.objects.filter(object_type=Person._meta.label, object_id=str(person.pk)).values(
        "at", "actor_label", "action", "summary"
    )
    return {
        "format": FORMAT_VERSION,
        "dibuat": dt.datetime.now(dt.UTC).isoformat(),
        "dasar_hukum": "UU 27/2022 tentang Pelindungan Data Pribadi Pasal 7",
        "orang": own,
        "data_terkait": tables,
        "riwayat_akses": list(accesses),
    }
