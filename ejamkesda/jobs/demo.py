"""Demo: one finished participant import with a few rejected rows, so the job page, the
progress and the error report can be tried right after ``make run``."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from ejamkesda.core.demo import DemoContext


def seed(context: DemoContext) -> None:
    from ejamkesda.jobs.services import job_create, job_run
    from ejamkesda.participants.models import Person

    ids = sorted(context.person_ids)[:60]
    people = Person.objects.filter(pk__in=ids).order_by("pk")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pemutakhiran-bpjs-demo.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(["NIK", "Nama Lengkap", "Tgl Lahir", "Alamat", "No Kartu", "Segmen", "Kelas", "Status"])
            for index, person in enumerate(people):
                status = "NONAKTIF" if context.rng.random() < 0.1 else "AKTIF"
                writer.writerow([person.nik, person.name, f"{person.birth_date:%d-%m-%Y}", person.address,
                                 f"{9000000000000 + person.pk}", "PBPU/BP Pemda", "3", status])  # fmt: skip
                if index % 20 == 0:  # a few rows that must be rejected, to fill the error report
                    writer.writerow([person.nik[:-1], person.name, "", "", "", "", "", "AKTIF"])
            writer.writerow(["6409010101010000", '=HYPERLINK("http://contoh")', "", "", "", "", "", ""])
        job = job_create(
            kind="participants",
            upload=path,
            original_name=path.name,
            actor=context.users.get("demo_admin"),
            source="Demo pemutakhiran BPJS",
        )
        job = job_run(job_id=job.pk)
    context.log(f"Impor demo #{job.pk}: {job.rows_read} baris, {job.rows_rejected} ditolak.")
