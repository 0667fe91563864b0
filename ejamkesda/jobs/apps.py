from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "ejamkesda.jobs"
    label = "jobs"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Impor dan pekerjaan latar belakang")

    def ready(self) -> None:
        from ejamkesda.core.navigation import register_menu
        from ejamkesda.core.roles import Role
        from ejamkesda.jobs.registry import ImportKind, register_import_kind

        register_import_kind(
            ImportKind(
                key="participants",
                label=_("Data peserta (penduduk dan kepesertaan)"),
                factory="ejamkesda.participants.importing.ParticipantImporter",
                roles=frozenset({Role.UPT_ADMIN}),
                upload_url_name="jobs:participants_upload",
            )
        )
        register_menu(
            _("Impor data"),  # type: ignore[arg-type]
            "jobs:list",
            {Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.OPD_OPERATOR},
        )
