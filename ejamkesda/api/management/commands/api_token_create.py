"""``manage.py api_token_create --user USERNAME [--name LABEL] [--scope S ...] [--days N]``:
print a new API token once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ejamkesda.api.scopes import Scope
from ejamkesda.api.tokens import token_create


class Command(BaseCommand):
    help = "Membuat token API untuk seorang pengguna. Token hanya ditampilkan sekali."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="nama pengguna (username)")
        parser.add_argument("--name", default="", help="label token, mis. 'SIMRS RSUD'")
        parser.add_argument(
            "--scope",
            action="append",
            choices=Scope.values,
            help="cakupan (boleh berulang); bawaan: sesuai peran pengguna",
        )
        parser.add_argument("--days", type=int, default=None, help="masa berlaku dalam hari (bawaan 365)")

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(username=options["user"])
        except User.DoesNotExist:
            raise CommandError(f"Pengguna {options['user']!r} tidak ditemukan.") from None
        if not user.is_active:
            raise CommandError(f"Pengguna {options['user']!r} tidak aktif.")
        try:
            token, raw = token_create(user=user, name=options["name"], scopes=options["scope"], days=options["days"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {token.prefix} untuk {user.username} dibuat (cakupan {token.scopes}, berlaku sampai "
            f"{token.expires_at:%Y-%m-%d}). Simpan sekarang: token tidak dapat ditampilkan lagi."
        )
