from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ejamkesda.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ejamkesda.core.navigation import register_menu
        from ejamkesda.core.roles import Role

        register_menu("Log audit", "audit:list", {Role.UPT_ADMIN})
