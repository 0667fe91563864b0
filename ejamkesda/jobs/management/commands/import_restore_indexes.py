"""``manage.py import_restore_indexes``: build again what an initial-load import left aside.

An import in initial-load mode (``jobs.importing.bulkload``) sets the secondary indexes and
foreign keys of the register aside and builds them again at its end. If its process was killed
(SIGKILL, OOM, power loss) they stay missing until the next participant import or the next
``manage.py migrate``, or until this command. It does nothing while an import is running.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ejamkesda.jobs.importing.bulkload import restore_pending
from ejamkesda.jobs.models import SuspendedSchemaObject


class Command(BaseCommand):
    help = "Membangun ulang indeks dan kunci asing yang dilepas sementara oleh impor muat awal yang terhenti."

    def handle(self, *args: Any, **options: Any) -> None:
        waiting = SuspendedSchemaObject.objects.count()
        if not waiting:
            self.stdout.write("Tidak ada indeks atau kunci asing yang menunggu dibangun ulang.")
            return
        restored = restore_pending()
        left = SuspendedSchemaObject.objects.count()
        self.stdout.write(f"{restored} indeks/kunci asing dibangun ulang; {left} masih menunggu.")
        if left:
            raise CommandError(
                "Masih ada yang belum dibangun ulang: impor sedang berjalan (coba lagi setelah selesai) "
                "atau kunci asing tidak valid (lihat log)."
            )
