from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "ejamkesda.portal"
    label = "portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from ejamkesda.core.navigation import register_public_menu

        # The public application's menu (Perbup PPU 29/2016 Pasal 7 ayat 1 huruf a).
        register_public_menu(_("Beranda"), "portal:home")  # type: ignore[arg-type]
        register_public_menu(_("Cek kepesertaan"), "portal:check")  # type: ignore[arg-type]
        register_public_menu(_("Cari faskes"), "portal:directory")  # type: ignore[arg-type]
        register_public_menu(_("Informasi"), "portal:info")  # type: ignore[arg-type]
