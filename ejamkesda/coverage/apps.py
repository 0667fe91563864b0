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
        from ejamkesda.core import policy
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
        register_menu(_("Peserta tidak aktif"), "coverage:inactive", set(policy.INACTIVE_LIST_ROLES))
        register_menu(_("Impor data cakupan"), "coverage:imports", {Role.UPT_ADMIN})
        register_menu(_("Perubahan PBI"), "coverage:pbi_changes", upt)
        register_menu(_("Piutang iuran"), "coverage:receivables", upt | {Role.VIEWER})
        register_menu(_("Daftar desa saya"), "coverage:my_villages", {Role.VILLAGE_OFFICER, Role.DISTRICT_OFFICER})
        register_public_menu(_("Cakupan UHC"), "coverage:public")
        _register_import_kinds()


def _register_import_kinds() -> None:
    """Each snapshot kind is a job kind of the shared import machinery (upload → background
    job → progress → error report); sector lists are uploaded by their agency's operators."""
    from ejamkesda.core.roles import Role
    from ejamkesda.coverage.models import SnapshotKind
    from ejamkesda.jobs.registry import ImportKind, register_import_kind

    kinds = (
        (SnapshotKind.POPULATION, "PopulationImporter", {Role.UPT_ADMIN}, "coverage:imports"),
        (SnapshotKind.MEMBERSHIP, "MembershipImporter", {Role.UPT_ADMIN}, "coverage:imports"),
        (SnapshotKind.WELFARE, "WelfareImporter", {Role.UPT_ADMIN}, "coverage:imports"),
        (SnapshotKind.SECTOR, "SectorImporter", {Role.UPT_ADMIN, Role.OPD_OPERATOR}, "coverage:sector_upload"),
    )
    for kind, factory, roles, url_name in kinds:
        register_import_kind(
            ImportKind(
                key=f"coverage_{kind}",
                label=kind.label,
                factory=f"ejamkesda.coverage.importing.{factory}",
                roles=frozenset(roles),
                upload_url_name=url_name,
            )
        )
