"""Seed the instruction checklist from its text (default: Instruksi Bupati Tegal 379/2022)."""

from __future__ import annotations

import pathlib
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ejamkesda.accounts.models import Agency
from ejamkesda.coverage.services.tasks import instruction_tasks_seed, parse_instruction

DEFAULT_FILE = pathlib.Path(__file__).resolve().parents[2] / "data" / "instruksi_bupati_tegal_379_2022.txt"
DEFAULT_NAME = "Instruksi Bupati Tegal 379/2022"


def guess_agencies(addressees: dict[int, str]) -> dict[int, Agency]:
    """Match each addressee to an agency whose name appears in it (longest name wins)."""
    agencies = list(Agency.objects.filter(active=True))
    found: dict[int, Agency] = {}
    for point, text in addressees.items():
        lowered = text.lower()
        candidates = [agency for agency in agencies if agency.name.lower() in lowered]
        if candidates:
            found[point] = max(candidates, key=lambda agency: len(agency.name))
    return found


class Command(BaseCommand):
    help = "Buat daftar tugas instruksi (angka/huruf) dari teks instruksi; tugas yang sudah ada tidak diubah."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", default=str(DEFAULT_FILE))
        parser.add_argument("--instruction", default=DEFAULT_NAME)

    def handle(self, *args: Any, **options: Any) -> None:
        text = pathlib.Path(options["file"]).read_text(encoding="utf-8")
        addressees, tasks = parse_instruction(text)
        created = instruction_tasks_seed(
            instruction=options["instruction"], text=text, agency_by_point=guess_agencies(addressees)
        )
        self.stdout.write(f"{len(tasks)} tugas dibaca, {created} tugas baru dibuat.")
