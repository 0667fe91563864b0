"""Membership applications (pengajuan kepesertaan Jamkesda) from the public application
(aplikasi umum, Perbup PPU 29/2016 Pasal 7 ayat (1) huruf a and ayat (2)),
verified by the UPT Jamkesda in the special application (Pasal 7 ayat (3)).

The NIK is stored here (the applicant gave it) but is never put in a URL: applications
are addressed by id inside the UPT desk and by tracking code (POSTed) in public.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ejamkesda.enrolment.tracking import tracking_code_display


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "diajukan", _("Diajukan, menunggu verifikasi")
    APPROVED = "disetujui", _("Disetujui")
    REJECTED = "ditolak", _("Ditolak")


class ApplicationOutcome(models.TextChoices):
    JAMKESDA = "jamkesda", _("Terdaftar sebagai peserta Jamkesda")
    PBPU_BP_PEMDA = "pbpu_bp_pemda", _("Diusulkan didaftarkan ke JKN sebagai PBPU/BP Pemda")


class Application(models.Model):
    tracking_code = models.CharField(_("kode pelacakan"), max_length=10, unique=True)
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    kk_number = models.CharField(_("nomor KK"), max_length=16)
    name = models.CharField(_("nama lengkap"), max_length=150)
    sex = models.CharField(_("jenis kelamin"), max_length=1)
    birth_date = models.DateField(_("tanggal lahir"))
    address = models.CharField(_("alamat"), max_length=300)
    phone = models.CharField(_("telepon/WhatsApp"), max_length=32, blank=True)
    email = models.EmailField(_("surel"), blank=True)
    reason = models.TextField(_("alasan pengajuan"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("diajukan"), auto_now_add=True)
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("hasil"), max_length=20, choices=ApplicationOutcome.choices, blank=True)
    rejection_reason = models.TextField(_("alasan penolakan"), blank=True)
    decision_note = models.TextField(_("catatan verifikator"), blank=True)
    valid_from = models.DateField(_("berlaku dari"), null=True, blank=True)
    valid_to = models.DateField(_("berlaku sampai"), null=True, blank=True)
    person = models.ForeignKey("participants.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(
        "participants.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pengajuan kepesertaan")
        verbose_name_plural = _("pengajuan kepesertaan")
        ordering = ["submitted_at", "id"]
        # Serves the desk's "status = X ORDER BY submitted_at, id" pages without a sort.
        indexes = [models.Index(fields=["status", "submitted_at", "id"], name="application_queue_order")]
        constraints = [
            # One application per NIK waiting for verification at a time.
            models.UniqueConstraint(
                fields=["nik"], condition=models.Q(status="diajukan"), name="application_one_open_per_nik"
            )
        ]

    def __str__(self) -> str:
        return self.code_display

    @property
    def code_display(self) -> str:
        return tracking_code_display(self.tracking_code)

    @property
    def is_open(self) -> bool:
        return self.status == ApplicationStatus.SUBMITTED


class DocumentKind(models.TextChoices):
    KTP = "ktp", _("KTP")
    KK = "kk", _("Kartu Keluarga")
    SKTM = "sktm", _("Surat keterangan tidak mampu (SKTM)")
    OTHER = "lain", _("Dokumen lain")


def _document_path(instance: ApplicationDocument, filename: str) -> str:
    return f"enrolment/{instance.application.submitted_at:%Y/%m}/{filename}"


class ApplicationDocument(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("jenis dokumen"), max_length=10, choices=DocumentKind.choices)
    file = models.FileField(_("berkas"), upload_to=_document_path, max_length=200)
    original_name = models.CharField(_("nama berkas asli"), max_length=150)
    content_type = models.CharField(_("jenis isi"), max_length=50)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dokumen pengajuan")
        verbose_name_plural = _("dokumen pengajuan")
        ordering = ["application", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.original_name})"
