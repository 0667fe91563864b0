from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "ejamkesda.services"
    label = "services"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Layanan: SJP, rujukan, klaim")

    def ready(self) -> None:
        from ejamkesda.core.navigation import register_menu
        from ejamkesda.core.roles import Role

        ppk_upt = {Role.PPK_OPERATOR, Role.UPT_VERIFIER, Role.UPT_ADMIN}
        register_menu(_("SJP"), "services:sjp_list", ppk_upt)  # type: ignore[arg-type]
        register_menu(_("Rujukan"), "services:referral_list", ppk_upt)  # type: ignore[arg-type]
        register_menu(_("Klaim"), "services:claim_list", ppk_upt | {Role.TREASURER})  # type: ignore[arg-type]
        register_menu(_("Tarif"), "services:tariff_list", ppk_upt | {Role.VIEWER})  # type: ignore[arg-type]
        payers = {Role.PPK_OPERATOR, Role.TREASURER, Role.UPT_ADMIN, Role.UPT_VERIFIER}
        readers = {Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.VIEWER, Role.PPK_OPERATOR, Role.TREASURER}
        register_menu(_("Pembayaran"), "services:payment_list", payers)  # type: ignore[arg-type]
        register_menu(_("Laporan klaim"), "services:reports", readers)  # type: ignore[arg-type]
