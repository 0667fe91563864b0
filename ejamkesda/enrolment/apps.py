from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentConfig(AppConfig):
    name = "ejamkesda.enrolment"
    label = "enrolment"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Pengajuan kepesertaan")

    def ready(self) -> None:
        from ejamkesda.core.navigation import register_menu, register_public_menu
        from ejamkesda.core.roles import Role

        # Perbup PPU 29/2016 Pasal 7 ayat (1): aplikasi umum (public) and aplikasi khusus (UPT).
        register_public_menu(_("Ajukan Jamkesda"), "enrolment:apply")  # type: ignore[arg-type]
        register_public_menu(_("Lacak pengajuan"), "enrolment:track")  # type: ignore[arg-type]
        register_menu(_("Pengajuan"), "enrolment:desk", {Role.UPT_VERIFIER, Role.UPT_ADMIN})  # type: ignore[arg-type]
