from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "ejamkesda.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ejamkesda.core.navigation import register_menu
        from ejamkesda.core.roles import Role

        register_menu(_("Log audit"), "audit:list", {Role.UPT_ADMIN})  # type: ignore[arg-type]
