from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data from upload to backup (UU 27/2022 tentang Pelindungan Data Pribadi):
    encrypted backups, retention of uploads, and the data-subject export."""

    name = "ejamkesda.privacy"
    verbose_name = _("Pelindungan data pribadi")
