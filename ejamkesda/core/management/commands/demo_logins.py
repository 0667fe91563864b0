from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ejamkesda.accounts.models import User
from ejamkesda.core.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Menampilkan akun demo (hanya ada bila seed_demo pernah dijalankan)."

    def handle(self, *args: Any, **options: Any) -> None:
        existing = set(
            User.objects.filter(username__in=[u for u, _r, _n in DEMO_USERS]).values_list("username", flat=True)
        )
        if not existing:
            self.stdout.write("Tidak ada akun demo.")
            return
        self.stdout.write(f"Akun demo (kata sandi untuk semua: {DEMO_PASSWORD}):")
        for username, role, full_name in DEMO_USERS:
            if username in existing:
                self.stdout.write(f"  {username:<18} {role.label} — {full_name}")
