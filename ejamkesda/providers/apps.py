from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "ejamkesda.providers"
    label = "providers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from ejamkesda.core.navigation import register_menu
        from ejamkesda.core.roles import Role

        # Everyone on staff may open the register; PPK-bound roles land on their own page.
        register_menu(_("PPK"), "providers:list", set(Role))  # type: ignore[arg-type]
