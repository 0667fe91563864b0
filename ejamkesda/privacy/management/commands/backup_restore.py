"""``manage.py backup_restore``: restore a backup into an empty database and media folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ejamkesda.privacy.backup import BackupError, connection_params, restore_backup


class Command(BaseCommand):
    help = (
        "Pulihkan cadangan terenkripsi ke basis data KOSONG (bawaan: basis data yang dikonfigurasi) "
        "dan folder unggahan kosong, lalu periksa jumlah baris dan checksum berkas."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help="berkas .tar.age (berkas .sha256 harus ada di sebelahnya)")
        parser.add_argument("--identity", required=True, help="berkas kunci privat age (AGE-SECRET-KEY-…)")
        parser.add_argument("--sqlite-target", default=None, help="berkas SQLite tujuan (cadangan SQLite)")
        parser.add_argument("--dbname", default=None, help="nama basis data PostgreSQL tujuan (harus kosong)")
        parser.add_argument("--media-root", default=None, help="folder unggahan tujuan (bawaan: MEDIA_ROOT)")
        parser.add_argument("--no-media", action="store_true", help="jangan pulihkan berkas unggahan")

    def handle(self, *args: Any, **options: Any) -> None:
        database: dict[str, Any] | Path
        if options["sqlite_target"]:
            database = Path(options["sqlite_target"])
        elif connection.vendor == "sqlite":
            database = Path(settings.DATABASES["default"]["NAME"])
        else:
            source = connection.settings_dict
            database = {**connection_params(source), "dbname": options["dbname"] or source["NAME"]}
        media_root = None if options["no_media"] else Path(options["media_root"] or settings.MEDIA_ROOT)
        try:
            result = restore_backup(
                archive=Path(options["archive"]),
                identity_file=Path(options["identity"]),
                database=database,
                media_root=media_root,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Dipulihkan: {len(result.tables)} tabel, {sum(result.tables.values())} baris "
            f"(sama dengan manifes), {result.media_files} berkas unggahan (checksum cocok)."
        )
