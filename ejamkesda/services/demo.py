"""Demo data for SJP, claims, referrals, tariffs and payments (synthetic, deterministic).

Every record goes through the same service functions as the web pages, so the demo also
exercises the checks: letters for Jamkesda members only, prices from the tariff table.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ejamkesda.core.demo import DemoContext
from ejamkesda.participants.models import Membership, MembershipStatus, Person, Programme
from ejamkesda.services.claim_checks import ClaimError
from ejamkesda.services.claim_decisions import (
    LineAdjustment,
    claim_approve,
    claim_approve_adjusted,
    claim_reject,
    claim_return,
)
from ejamkesda.services.claims import AttachmentInput, LineInput, claim_submit
from ejamkesda.services.payments import (
    PaymentError,
    payment_batch_approve,
    payment_batch_create,
    payment_batch_mark_paid,
)
from ejamkesda.services.referrals import referral_accept, referral_create
from ejamkesda.services.sjp import SjpError, sjp_approve, sjp_reject, sjp_request
from ejamkesda.services.tariffs import tariff_table_import

TARIFFS = [
    ("RJ-UMUM", "Pemeriksaan dokter umum (rawat jalan)", 35_000),
    ("RJ-SPES", "Konsultasi dokter spesialis", 90_000),
    ("IGD-01", "Pelayanan gawat darurat", 150_000),
    ("RI-K3", "Rawat inap kelas III per hari", 250_000),
    ("LAB-DL", "Pemeriksaan darah lengkap", 75_000),
    ("LAB-GDS", "Gula darah sewaktu", 25_000),
    ("RAD-TH", "Foto toraks", 120_000),
    ("OBT-PKT", "Paket obat generik", 60_000),
    ("PSL-NOR", "Persalinan normal", 1_200_000),
    ("TIND-KCL", "Tindakan medis kecil", 180_000),
]
PLANS = {
    "rawat_jalan": ("A09", [("RJ-UMUM", 1), ("LAB-GDS", 1), ("OBT-PKT", 1)], 0),
    "rawat_inap": ("J18.9", [("RI-K3", 3), ("LAB-DL", 1), ("RAD-TH", 1), ("OBT-PKT", 2)], 3),
    "persalinan": ("O80", [("PSL-NOR", 1), ("RI-K3", 2)], 2),
    "gawat_darurat": ("S06.0", [("IGD-01", 1), ("TIND-KCL", 1)], 0),
}
PDF = b"%PDF-1.4\n% e-Jamkesda demo\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def seed(context: DemoContext) -> None:
    users = context.users
    puskesmas_op, hospital_op = users.get("demo_ppk"), users.get("demo_ppk_rs")
    verifier, admin = users.get("demo_verifikator"), users.get("demo_admin")
    if not (puskesmas_op and hospital_op and verifier and admin):
        return
    tariff_table_import(
        actor=admin,
        name="Peraturan Bupati tentang Tarif Pelayanan Jamkesda (demo)",
        effective_from=dt.date(2024, 1, 1),
        rows=[["kode", "uraian", "tarif"], *[list(row) for row in TARIFFS]],
        source_name="tarif-demo.csv",
    )
    today = timezone.localdate()
    active_jkn = Membership.objects.filter(
        person=OuterRef("pk"), programme=Programme.JKN, status=MembershipStatus.ACTIVE
    )
    members = list(
        Person.objects.filter(
            pk__in=context.person_ids,
            memberships__programme=Programme.JAMKESDA,
            memberships__status=MembershipStatus.ACTIVE,
            memberships__valid_from__lte=today - dt.timedelta(days=60),
        )
        .exclude(Exists(active_jkn))
        .distinct()
        .order_by("id")[:30]
    )
    rng = context.rng
    kinds = list(PLANS)
    approved_claims = []
    for index, person in enumerate(members[:24]):
        operator = hospital_op if index % 2 else puskesmas_op
        kind = kinds[index % len(kinds)] if operator is hospital_op else "rawat_jalan"
        diagnosis, lines, stay = PLANS[kind]
        start = today - dt.timedelta(days=rng.randint(3, 50))
        started_at = timezone.make_aware(dt.datetime.combine(start, dt.time(8 + index % 10, 15)))
        try:
            sjp = sjp_request(
                actor=operator,
                person=person,
                service_kind=kind,
                diagnosis_code=diagnosis,
                service_from=start,
                service_to=start + dt.timedelta(days=stay) if stay else None,
                emergency_at=started_at if kind == "gawat_darurat" else None,
                now=started_at,
            )
        except SjpError:
            continue
        if index % 8 == 7:
            continue  # left in the verifier's queue
        if index % 8 == 6:
            sjp_reject(sjp=sjp, actor=verifier, reason="Pelayanan dapat diberikan di FKTP.")
            continue
        sjp = sjp_approve(sjp=sjp, actor=verifier)
        if index % 6 == 5:
            continue  # approved letter, claim not yet made
        attachments = [AttachmentInput("rincian_biaya", _pdf("rincian.pdf"))]
        if kind != "rawat_jalan":
            attachments.append(AttachmentInput("resume_medis", _pdf("resume.pdf")))
        try:
            claim, _created = claim_submit(
                actor=operator,
                sjp=sjp,
                admission_date=start,
                discharge_date=start + dt.timedelta(days=stay),
                primary_diagnosis=diagnosis,
                secondary_diagnoses=["I10"] if index % 3 == 0 else [],
                lines=[LineInput(code, quantity) for code, quantity in lines],
                attachments=attachments,
                idempotency_key=str(uuid.UUID(int=rng.getrandbits(128))),
            )
        except ClaimError:
            continue
        step = index % 5
        if step == 0:
            approved_claims.append(claim_approve(claim=claim, actor=verifier, note="Lengkap."))
        elif step == 1:
            line = claim.lines.order_by("-amount").first()
            if line is not None:
                approved_claims.append(
                    claim_approve_adjusted(
                        claim=claim,
                        actor=verifier,
                        adjustments=[LineAdjustment(line.pk, line.amount * 2 // 3, "Lama rawat tidak sesuai resume")],
                    )
                )
        elif step == 2:
            claim_return(claim=claim, actor=verifier, note="Kuitansi tidak terbaca; unggah ulang.")
        elif step == 3 and index > 10:
            claim_reject(claim=claim, actor=verifier, reason_code="di_luar_paket", note="Tindakan estetika.")
    paid = False
    for claim in approved_claims:
        try:
            batch = payment_batch_create(
                actor=admin,
                provider=claim.provider,
                year=claim.discharge_date.year,
                month=claim.discharge_date.month,
            )
        except PaymentError:
            continue  # already batched with an earlier claim of that month
        # Separation of duties: created, approved and paid by three different people.
        approver, payer = users.get("demo_keuangan"), users.get("demo_kasir")
        if not paid and approver is not None and payer is not None:
            batch = payment_batch_approve(batch=batch, actor=approver)
            payment_batch_mark_paid(
                batch=batch, actor=payer, order_number=f"SPM/{today.year}/JKD/0001", order_date=today
            )
            paid = True
    hospital = hospital_op.provider
    for index, person in enumerate(members[24:28]):
        referral = referral_create(
            actor=puskesmas_op,
            person=person,
            to_provider=hospital,
            diagnosis_code=("I10", "E11.9", "N18.9", "J45.9")[index],
            reason="Membutuhkan pemeriksaan dan tata laksana dokter spesialis.",
        )
        if index % 2 == 0:
            referral_accept(referral=referral, actor=hospital_op, note="Jadwal poli spesialis esok hari.")
    context.log(f"SJP, klaim, rujukan dan pembayaran demo dibuat untuk {len(members)} peserta Jamkesda.")
