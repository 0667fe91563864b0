"""Load the regency's instruction document (its checklist of tasks) from a JSON file."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ejamkesda.coverage.instructions import InstructionFileError, bundled_documents, document_path, document_read
from ejamkesda.coverage.services.tasks import instruction_load


class Command(BaseCommand):
    help = (
        "Muat dokumen instruksi daerah (JSON): kepala dokumen, OPD dan tugasnya. Tanpa --file dipakai "
        "COVERAGE_INSTRUCTION_FILE. Tugas yang sudah ada tidak diubah; tugas instruksi lain dinonaktifkan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        names = ", ".join(path.stem for path in bundled_documents())
        parser.add_argument("--file", default="", help=f"nama dokumen bawaan ({names}) atau path berkas JSON")
        parser.add_argument("--check", action="store_true", help="hanya periksa berkas, tidak memuat")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"] or settings.COVERAGE_INSTRUCTION_FILE
        if not name:
            names = ", ".join(path.stem for path in bundled_documents())
            raise CommandError(f"Pilih dokumen instruksi: --file atau COVERAGE_INSTRUCTION_FILE (bawaan: {names}).")
        path = document_path(name)
        try:
            document = document_read(path)
        except InstructionFileError as error:
            raise CommandError(
                "Dokumen instruksi tidak sah:\n" + "\n".join(f"- {problem}" for problem in error.problems)
            ) from error
        if document.example and options["verbosity"] > 0:
            self.stderr.write(f"Perhatian: {document.name} adalah CONTOH, bukan instruksi yang ditetapkan.")
        if options["check"]:
            self.stdout.write(f"{document.name}: {len(document.tasks)} tugas, {len(document.agencies)} OPD, sah.")
            return
        counts = instruction_load(document=document, source=path.name)
        self.stdout.write(
            f"{document.name}: {counts['tasks']} tugas dibaca, {counts['created']} tugas baru, "
            f"{counts['agencies_created']} OPD baru, {counts['deactivated']} tugas instruksi lain dinonaktifkan."
        )
