"""``manage.py backup_create``: an encrypted, checksummed backup of the database and the uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ejamkesda.privacy.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Buat cadangan terenkripsi (age) dan ber-checksum dari basis data dan berkas unggahan."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", default=None, help="folder tujuan (bawaan: BACKUP_DIR)")
        parser.add_argument(
            "--recipient",
            action="append",
            default=None,
            help="kunci publik age penerima (age1…); boleh berulang. Bawaan: BACKUP_AGE_RECIPIENTS",
        )
        parser.add_argument("--no-media", action="store_true", help="tanpa berkas unggahan")
        parser.add_argument("--checksums", action="store_true", help="simpan juga checksum isi setiap tabel")

    def handle(self, *args: Any, **options: Any) -> None:
        recipients = options["recipient"] or list(settings.BACKUP_AGE_RECIPIENTS)
        out_dir = Path(options["out"] or settings.BACKUP_DIR)
        try:
            result = create_backup(
                out_dir=out_dir,
                recipients=recipients,
                include_media=not options["no_media"],
                checksums=options["checksums"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = result.manifest["tables"]
        self.stdout.write(
            f"Cadangan: {result.path}\nSHA-256: {result.sha256}\n"
            f"{len(tables)} tabel, {sum(tables.values())} baris, {len(result.manifest['media'])} berkas unggahan"
        )
