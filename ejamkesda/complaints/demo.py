"""Demo complaints in every status (synthetic data)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ejamkesda.complaints.models import Complaint, ComplaintCategory
from ejamkesda.complaints.services import complaint_assign, complaint_close, complaint_file, complaint_respond
from ejamkesda.core.demo import DemoContext

TEXTS = [
    (ComplaintCategory.SERVICE, "Antrean pendaftaran di puskesmas lebih dari tiga jam."),
    (ComplaintCategory.COST, "Keluarga diminta membayar obat padahal peserta Jamkesda."),
    (ComplaintCategory.MEMBERSHIP, "Kartu JKN ibu saya tiba-tiba tidak aktif."),
    (ComplaintCategory.SJP, "Surat jaminan belum terbit, pasien sudah dirawat dua hari."),
    (ComplaintCategory.DRUGS, "Obat hipertensi kosong sejak bulan lalu."),
    (ComplaintCategory.APPLICATION, "Formulir pengajuan sulit dibuka di ponsel."),
    (ComplaintCategory.OTHER, "Mohon informasi jam layanan UPT Jamkesda."),
]


def seed(context: DemoContext) -> None:
    officer = context.users.get("demo_verifikator")
    admin = context.users.get("demo_admin")
    for index, (category, text) in enumerate(TEXTS):
        complaint = complaint_file(
            category=category,
            description=text,
            contact_name=context.faker.name() if index % 2 else "",
            contact_phone=f"08{context.rng.randint(10**9, 10**10 - 1)}" if index % 3 else "",
        )
        Complaint.objects.filter(pk=complaint.pk).update(
            created_at=timezone.now() - dt.timedelta(days=context.rng.randint(0, 20), hours=index)
        )
        if officer is None or admin is None or index < 2:
            continue
        complaint_assign(complaint=complaint, actor=admin, assignee=officer)
        if index >= 4:
            complaint_respond(
                complaint=complaint, actor=officer, response="Terima kasih, sudah kami teruskan ke PPK terkait."
            )
        if index >= 6:
            complaint_close(complaint=complaint, actor=officer)
    context.log(f"pengaduan: {len(TEXTS)}")
