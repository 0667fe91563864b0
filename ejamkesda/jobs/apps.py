import logging
from typing import Any

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "ejamkesda.jobs"
    label = "jobs"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Impor dan pekerjaan latar belakang")

    def ready(self) -> None:
        post_migrate.connect(_restore_after_migrate, sender=self)
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


def _restore_after_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """``manage.py migrate`` (run on every install and upgrade) also builds again the indexes and
    foreign keys that an initial-load import killed mid-way left aside (``importing.bulkload``)."""
    if using != DEFAULT_DB_ALIAS:
        return
    from ejamkesda.jobs.importing.bulkload import restore_pending

    restored = restore_pending()
    if restored:
        logging.getLogger(__name__).warning(
            "%s indeks/kunci asing dari impor muat awal yang terhenti dibangun ulang.", restored
        )
