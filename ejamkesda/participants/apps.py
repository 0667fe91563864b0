from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "ejamkesda.participants"
    label = "participants"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ejamkesda.core.navigation import register_menu
        from ejamkesda.core.roles import Role

        register_menu(_("Peserta"), "participants:search", {Role.UPT_ADMIN, Role.UPT_VERIFIER})  # type: ignore[arg-type]
        from ejamkesda.jobs.registry import ImportKind, register_import_kind
        from ejamkesda.participants.importing import ParticipantImporter

        register_import_kind(
            ImportKind(
                key="participants",
                label=_("Data peserta (penduduk dan kepesertaan)"),
                factory=ParticipantImporter,
                roles=frozenset({Role.UPT_ADMIN}),
                upload_url_name="jobs:participants_upload",
            )
        )
