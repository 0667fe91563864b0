"""``manage.py api_token_revoke (--prefix P | --name LABEL | --user USERNAME)``: revoke API tokens.

The revoking process forgets the tokens at once; the other server processes within
``API_TOKEN_CACHE_SECONDS`` (docs/integrasi-api.md §1).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ejamkesda.api import conf
from ejamkesda.api.models import ApiToken
from ejamkesda.api.tokens import token_revoke


class Command(BaseCommand):
    help = "Mencabut token API menurut awalan, label, atau pengguna."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--prefix", help="awalan token (8 karakter setelah ejk_)")
        which.add_argument("--name", help="label token, mis. 'SIMRS RSUD' (semua token aktif berlabel itu)")
        which.add_argument("--user", help="nama pengguna (semua token aktifnya)")

    def handle(self, *args: Any, **options: Any) -> None:
        tokens = ApiToken.objects.filter(revoked_at__isnull=True).select_related("user")
        if options["prefix"]:
            prefix = options["prefix"].removeprefix("ejk_").split("_", 1)[0]
            tokens = tokens.filter(prefix=prefix)
        elif options["name"]:
            tokens = tokens.filter(name=options["name"])
        else:
            tokens = tokens.filter(user__username=options["user"])
        found = list(tokens.order_by("id"))
        if not found:
            raise CommandError("Tidak ada token aktif yang cocok.")
        for token in found:
            token_revoke(token=token)
            self.stdout.write(f"Dicabut: {token.prefix} ({token.name or '-'}, {token.user.username})")
        self.stderr.write(
            f"{len(found)} token dicabut. Proses server lain menolaknya paling lambat "
            f"{conf.TOKEN_CACHE_SECONDS:g} detik lagi (API_TOKEN_CACHE_SECONDS)."
        )
