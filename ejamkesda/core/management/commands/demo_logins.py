from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django_otp.plugins.otp_totp.models import TOTPDevice

from ejamkesda.accounts.factors import totp_secret_base32
from ejamkesda.accounts.models import User
from ejamkesda.core.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = (
        "Menampilkan akun demo dan rahasia TOTP (base32) masing-masing "
        "(hanya ada bila seed_demo pernah dijalankan; tidak pernah di produksi)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        users = {u.username: u for u in User.objects.filter(username__in=[u for u, _r, _n in DEMO_USERS])}
        if not users:
            self.stdout.write("Tidak ada akun demo.")
            return
        secrets = {
            device.user_id: totp_secret_base32(device)
            for device in TOTPDevice.objects.filter(user__in=users.values(), confirmed=True).order_by("pk")
        }
        self.stdout.write(f"Akun demo (kata sandi untuk semua: {DEMO_PASSWORD}).")
        self.stdout.write(
            "Kode masuk (TOTP): tambahkan rahasia ke aplikasi autentikator, atau hitung dengan "
            "`oathtool --totp -b RAHASIA`."
        )
        self.stdout.write(f"  {'nama pengguna':<18} {'rahasia TOTP (base32)':<34} peran")
        for username, role, full_name in DEMO_USERS:
            if user := users.get(username):
                secret = secrets.get(user.pk, "-")
                self.stdout.write(f"  {username:<18} {secret:<34} {role.label} — {full_name}")
