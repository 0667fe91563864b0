from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "ejamkesda.funds"
    label = "funds"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from ejamkesda.core.navigation import register_menu
        from ejamkesda.core.roles import Role

        roles = {Role.TREASURER, Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.VIEWER}
        register_menu(_("Jasa pelayanan"), "funds:index", roles)  # type: ignore[arg-type]
        # Perbup Kapuas Hulu 9/2015 Pasal 9-11: the procurement official's work queue.
        register_menu(_("Pengadaan obat, alkes, BMHP"), "funds:procurement", {Role.PROCUREMENT_OFFICER})  # type: ignore[arg-type]
