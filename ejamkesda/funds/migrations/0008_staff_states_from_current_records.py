"""Existing staff records become their first effective-dated state, holding since the start
date (there was no history before)."""

from django.db import migrations

FIELDS = ("provider_id", "jenis_tenaga", "education", "status", "golongan", "roles", "program_jkn", "active")


def forwards(apps, schema_editor):
    StaffMember = apps.get_model("funds", "StaffMember")
    StaffState = apps.get_model("funds", "StaffState")
    have = set(StaffState.objects.values_list("staff_id", flat=True))
    StaffState.objects.bulk_create(
        [
            StaffState(staff_id=member.pk, valid_from=member.started_on, **{f: getattr(member, f) for f in FIELDS})
            for member in StaffMember.objects.exclude(pk__in=have).iterator()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("funds", "0007_staff_history_and_monthly_run_lines")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
