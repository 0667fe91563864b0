"""Fewer indexes to maintain on bulk imports (docs/impor-data.md), none that a query needs:

* ``person.village_id`` and ``membership.person_id`` had an index of their own besides the
  composite indexes that start with the same column (``person_village_name``,
  ``membership_person_prog``): the composite ones serve the same lookups (search by village,
  foreign-key checks, a person's memberships).
* ``participanthistory.membership_id`` and ``actor_id`` are empty on most rows (every imported
  person's "created" row): partial indexes (``… IS NOT NULL``) serve the same lookups (a
  deleted membership or user) and those rows skip them.
* PostgreSQL only: Django adds a second ``varchar_pattern_ops`` index (``…_like``) to every
  indexed or unique ``CharField`` for ``LIKE 'x%'``. NIK, KK, card number and status are only
  ever compared whole (search by NIK and KK is exact), so those copies only cost writes.
  Name prefix search keeps its own pattern index (``person_name_prefix``).

Only indexes are dropped (no table rebuild on SQLite); the reverse migration recreates them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OWN_INDEXES = (
    ("participants_person", "village_id"),
    ("participants_membership", "person_id"),
    ("participants_participanthistory", "membership_id"),
    ("participants_participanthistory", "actor_id"),
)
LIKE_INDEXES = (
    ("participants_person", "nik"),
    ("participants_person", "kk_number"),
    ("participants_person", "village_id"),
    ("participants_membership", "card_number"),
    ("participants_membership", "status"),
)


def _names(schema_editor):
    name = schema_editor._create_index_name
    own = [(name(table, [column]), table, column, "") for table, column in OWN_INDEXES]
    like = []
    if schema_editor.connection.vendor == "postgresql":
        like = [
            (name(table, [column], suffix="_like"), table, column, " varchar_pattern_ops")
            for table, column in LIKE_INDEXES
        ]
    return own + like


def _concurrently(schema_editor):
    # PostgreSQL: build and drop without blocking reads and writes of 2M-row tables (eligibility
    # checks go on during an upgrade); needs a migration outside a transaction (atomic = False).
    return " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""


def drop_indexes(apps, schema_editor):
    quote, how = schema_editor.quote_name, _concurrently(schema_editor)
    for index, _table, _column, _opclass in _names(schema_editor):
        schema_editor.execute(f"DROP INDEX{how} IF EXISTS {quote(index)}")


def create_indexes(apps, schema_editor):
    quote, how = schema_editor.quote_name, _concurrently(schema_editor)
    for index, table, column, opclass in _names(schema_editor):
        schema_editor.execute(
            f"CREATE INDEX{how} IF NOT EXISTS {quote(index)} ON {quote(table)} ({quote(column)}{opclass})"
        )


HISTORY_INDEXES = (
    models.Index(condition=models.Q(("membership__isnull", False)), fields=["membership"], name="history_membership"),
    models.Index(condition=models.Q(("actor__isnull", False)), fields=["actor"], name="history_actor"),
)


def _history_indexes(apps, schema_editor, *, add):
    model = apps.get_model("participants", "ParticipantHistory")
    change = schema_editor.add_index if add else schema_editor.remove_index
    for index in HISTORY_INDEXES:
        if schema_editor.connection.vendor == "postgresql":
            change(model, index, concurrently=True)
        else:
            change(model, index)


def add_history_indexes(apps, schema_editor):
    _history_indexes(apps, schema_editor, add=True)


def remove_history_indexes(apps, schema_editor):
    _history_indexes(apps, schema_editor, add=False)


class Migration(migrations.Migration):
    atomic = False  # each index is built or dropped CONCURRENTLY on PostgreSQL

    dependencies = [
        ("participants", "0002_name_key_single_index"),
        ("regions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="village",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="regions.region",
                        verbose_name="desa/kelurahan",
                    ),
                ),
                migrations.AlterField(
                    model_name="participanthistory",
                    name="membership",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="participants.membership",
                    ),
                ),
                migrations.AlterField(
                    model_name="participanthistory",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="membership",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to="participants.person",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="participanthistory", index=index) for index in HISTORY_INDEXES
            ],
            database_operations=[migrations.RunPython(add_history_indexes, remove_history_indexes)],
        ),
    ]
