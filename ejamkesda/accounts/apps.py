from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ejamkesda.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ejamkesda.accounts import signals  # noqa: F401
        from ejamkesda.core.navigation import register_menu
        from ejamkesda.core.roles import Role

        register_menu(_("Pengguna"), "accounts:users", {Role.UPT_ADMIN})  # type: ignore[arg-type]
        register_menu(_("Keamanan akun"), "accounts:factors", set(Role))  # type: ignore[arg-type]
