from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ejamkesda.api"
    label = "api"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from ejamkesda.core.navigation import register_menu
        from ejamkesda.core.roles import Role

        register_menu(_("Token API"), "api_tokens:list", {Role.UPT_ADMIN})  # type: ignore[arg-type]
