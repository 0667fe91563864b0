"""API tokens get scopes and an expiry.

Existing tokens keep working: each gets the scopes its user's role needs
(ejamkesda/api/scopes.py ROLE_SCOPES) and expires one year after this migration.
"""

import datetime as dt

from django.db import migrations, models
from django.utils import timezone

ROLE_SCOPES = {
    "upt_admin": "keputusan_upt kepesertaan layanan",
    "upt_verifier": "keputusan_upt kepesertaan",
    "ppk_operator": "kepesertaan layanan",
    "treasurer": "layanan",
}


def forwards(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    expires = timezone.now() + dt.timedelta(days=365)
    for token in ApiToken.objects.select_related("user").iterator():
        user = token.user
        token.scopes = (
            "keputusan_upt kepesertaan layanan" if user.is_superuser else ROLE_SCOPES.get(user.role, "kepesertaan")
        )
        token.expires_at = expires
        token.save(update_fields=["scopes", "expires_at"])


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.CharField(default="", max_length=100, verbose_name="cakupan"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="berlaku sampai"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="berlaku sampai"),
        ),
    ]
