"""``manage.py backup_keygen``: a new age key pair, to be made on the data officer's OFFLINE machine."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyrage
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Buat pasangan kunci age untuk cadangan. Jalankan di komputer luring petugas data, bukan di server: "
        "kunci privat tidak boleh berada di server."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("identity_file", help="berkas tujuan kunci privat (dibuat dengan mode 0600)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["identity_file"])
        if path.exists():
            raise CommandError(f"{path} sudah ada: tidak ditimpa")
        identity = pyrage.x25519.Identity.generate()
        recipient = identity.to_public()
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(f"# kunci publik: {recipient}\n{identity}\n")
        self.stdout.write(f"Kunci privat ditulis ke {path} (simpan luring).")
        self.stdout.write(f"Kunci publik (BACKUP_AGE_RECIPIENTS): {recipient}")
