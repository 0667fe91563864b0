"""Demo applications: a queue for the verifier, plus some decided ones (synthetic data)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ejamkesda.core.demo import DemoContext
from ejamkesda.enrolment.models import Application, ApplicationOutcome
from ejamkesda.enrolment.services import application_approve, application_reject, application_submit
from ejamkesda.participants.models import Person
from ejamkesda.regions.models import Region

DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
DEMO_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
REASONS = [
    "Tidak mampu membayar iuran BPJS mandiri.",
    "Kepesertaan PBI dinonaktifkan, sedang sakit.",
    "Pendatang baru, belum punya jaminan kesehatan.",
    "Kepala keluarga berhenti bekerja, iuran menunggak.",
]


def _nik(context: DemoContext, district_code: str, birth: dt.date, sex: str) -> str:
    day = birth.day + (40 if sex == "P" else 0)
    return f"{district_code.replace('.', '')}{day:02d}{birth:%m%y}{context.rng.randint(5000, 9999):04d}"


def seed(context: DemoContext, count: int = 14) -> None:
    districts = list(
        Region.objects.filter(level=3, code__startswith=context.regency_code + ".").values_list("code", flat=True)
    )
    if not districts:
        return
    verifier = context.users.get("demo_verifikator")
    existing: set[str] = set()
    created: list[Application] = []
    for index in range(count):
        sex = context.rng.choice("LP")
        birth = dt.date(context.rng.randint(1950, 2005), context.rng.randint(1, 12), context.rng.randint(1, 28))
        nik = _nik(context, context.rng.choice(districts), birth, sex)
        if nik in existing or Person.objects.filter(nik=nik).exists():
            continue
        existing.add(nik)
        name = context.faker.name_female() if sex == "P" else context.faker.name_male()
        documents = [
            ("ktp", SimpleUploadedFile("ktp.pdf", DEMO_PDF)),
            ("kk", SimpleUploadedFile("kk.png", DEMO_PNG)),
        ]
        if index % 2:
            documents.append(("sktm", SimpleUploadedFile("sktm.pdf", DEMO_PDF)))
        application = application_submit(
            nik=nik,
            kk_number=f"{nik[:6]}{context.rng.randint(10**9, 10**10 - 1)}",
            name=name,
            birth_date=birth,
            address=context.faker.street_address(),
            reason=context.rng.choice(REASONS),
            phone=f"08{context.rng.randint(10**9, 10**10 - 1)}",
            email="",
            documents=documents,
        )
        days_ago = context.rng.randint(0, 30)
        Application.objects.filter(pk=application.pk).update(
            submitted_at=timezone.now() - dt.timedelta(days=days_ago, hours=context.rng.randint(0, 23))
        )
        created.append(application)
    if verifier is None:
        return
    for index, application in enumerate(created[: len(created) // 2]):
        if index % 3 == 0:
            application_reject(
                application=application, actor=verifier, reason="SKTM belum dilampirkan; silakan ajukan lagi."
            )
        elif index % 3 == 1:
            application_approve(application=application, actor=verifier)
        else:
            application_approve(application=application, actor=verifier, outcome=ApplicationOutcome.PBPU_BP_PEMDA)
    context.log(f"pengajuan kepesertaan: {len(created)}")
