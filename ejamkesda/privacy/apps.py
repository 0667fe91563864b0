from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data from upload to backup (UU 27/2022 tentang Pelindungan Data Pribadi):
    encrypted backups, retention of uploads, and the data-subject export."""

    name = "ejamkesda.privacy"
    verbose_name = _("Pelindungan data pribadi")

    def ready(self) -> None:
        from ejamkesda.core.navigation import register_menu
        from ejamkesda.core.roles import Role

        register_menu(_("Permintaan data pribadi"), "privacy:subject_request", {Role.UPT_ADMIN})  # type: ignore[arg-type]
