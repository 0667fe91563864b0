from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "ejamkesda.complaints"
    label = "complaints"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Pengaduan")

    def ready(self) -> None:
        from ejamkesda.core.navigation import register_menu, register_public_menu
        from ejamkesda.core.roles import Role

        register_public_menu(_("Pengaduan"), "complaints:file")  # type: ignore[arg-type]
        register_menu(_("Pengaduan"), "complaints:desk", {Role.UPT_VERIFIER, Role.UPT_ADMIN})  # type: ignore[arg-type]
