"""``manage.py retention_purge``: delete uploads whose retention period has ended (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ejamkesda.privacy.retention import purge_expired


class Command(BaseCommand):
    help = "Hapus berkas unggahan yang masa simpannya sudah berakhir (jalankan setiap hari)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="hanya hitung, jangan hapus")

    def handle(self, *args: Any, **options: Any) -> None:
        report = purge_expired(dry_run=options["dry_run"])
        verb = "akan dihapus" if report.dry_run else "dihapus"
        for kind, count in sorted(report.removed.items()):
            self.stdout.write(f"{kind}: {count} berkas {verb}")
        self.stdout.write(f"Jumlah: {report.total}")
