from __future__ import annotations

from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CoverageConfig(AppConfig):
    name = "ejamkesda.coverage"
    label = "coverage"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = gettext_lazy("Cakupan UHC")

    def ready(self) -> None:
        from ejamkesda.core.navigation import register_menu, register_public_menu
        from ejamkesda.core.roles import Role

        def _(text: str) -> str:
            return cast(str, gettext_lazy(text))  # translated when the menu is drawn

        upt: set[str] = {Role.UPT_ADMIN, Role.UPT_VERIFIER}
        register_menu(_("Cakupan UHC"), "coverage:dashboard", upt | {Role.VIEWER, Role.OPD_OPERATOR})
        register_menu(_("Daftar sektor"), "coverage:sector_lists", upt | {Role.VIEWER, Role.OPD_OPERATOR})
        register_menu(_("PBI"), "coverage:pbi_index", upt)
        register_menu(_("Pemadanan"), "coverage:review_queue", upt)
        register_menu(_("Iuran Pemda"), "coverage:premium", upt | {Role.VIEWER})
        register_menu(_("Tugas instruksi"), "coverage:tasks", upt | {Role.VIEWER, Role.OPD_OPERATOR})
        register_menu(_("Impor data cakupan"), "coverage:imports", {Role.UPT_ADMIN})
        register_public_menu(_("Cakupan UHC"), "coverage:public")
