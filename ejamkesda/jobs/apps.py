import logging
from typing import Any

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "ejamkesda.jobs"
    label = "jobs"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Impor dan pekerjaan latar belakang")

    def ready(self) -> None:
        pre_migrate.connect(_restore_around_migrate, sender=self)
        post_migrate.connect(_restore_around_migrate, sender=self)
        from ejamkesda.core.navigation import register_menu
        from ejamkesda.core.roles import Role

        # Each domain registers its own import kinds in its own AppConfig.ready().
        register_menu(
            _("Impor data"),  # type: ignore[arg-type]
            "jobs:list",
            {Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.OPD_OPERATOR},
        )


def _restore_around_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """``manage.py migrate`` (run on every install and upgrade) builds again the indexes and
    foreign keys that an initial-load import killed mid-way left aside (``importing.bulkload``):
    before the migrations too, so that none of them alters a table whose index is missing. A
    failure is logged, not raised: the migration itself must still be able to run."""
    if using != DEFAULT_DB_ALIAS:
        return
    from django.db import DatabaseError, connection

    from ejamkesda.jobs.importing.bulkload import restore_pending
    from ejamkesda.jobs.models import SuspendedSchemaObject

    log = logging.getLogger(__name__)
    if SuspendedSchemaObject._meta.db_table not in connection.introspection.table_names():
        return  # a fresh database (pre_migrate of the first migrate)
    try:
        restored = restore_pending()
    except DatabaseError:
        log.exception("Membangun ulang indeks/kunci asing dari impor muat awal yang terhenti gagal.")
        return
    if restored:
        log.warning("%s indeks/kunci asing dari impor muat awal yang terhenti dibangun ulang.", restored)
