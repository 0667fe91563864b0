"""``manage.py api_token_create --user USERNAME [--name LABEL]``: print a new API token once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ejamkesda.api.tokens import token_create


class Command(BaseCommand):
    help = "Membuat token API untuk seorang pengguna. Token hanya ditampilkan sekali."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="nama pengguna (username)")
        parser.add_argument("--name", default="", help="label token, mis. 'SIMRS RSUD'")

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(username=options["user"])
        except User.DoesNotExist:
            raise CommandError(f"Pengguna {options['user']!r} tidak ditemukan.") from None
        if not user.is_active:
            raise CommandError(f"Pengguna {options['user']!r} tidak aktif.")
        token, raw = token_create(user=user, name=options["name"])
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {token.prefix} untuk {user.username} dibuat. Simpan sekarang: token tidak dapat ditampilkan lagi."
        )
