"""Complaints (pengaduan) filed by anyone through the public application (Perbup PPU
29/2016 Pasal 7 ayat (2)) and handled by the UPT Jamkesda (Pasal 7 ayat (3))."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ejamkesda.enrolment.tracking import tracking_code_display


class ComplaintCategory(models.TextChoices):
    SERVICE = "pelayanan", _("Pelayanan di puskesmas/rumah sakit")
    MEMBERSHIP = "kepesertaan", _("Kepesertaan JKN/Jamkesda")
    SJP = "sjp", _("Surat jaminan (SJP) dan rujukan")
    COST = "biaya", _("Biaya atau pungutan")
    DRUGS = "obat", _("Obat dan alat kesehatan")
    APPLICATION = "aplikasi", _("Aplikasi e-Jamkesda")
    OTHER = "lain", _("Lainnya")


class ComplaintStatus(models.TextChoices):
    NEW = "baru", _("Baru")
    ASSIGNED = "ditangani", _("Sedang ditangani")
    ANSWERED = "dijawab", _("Sudah dijawab")
    CLOSED = "ditutup", _("Selesai")


def _attachment_path(instance: Complaint, filename: str) -> str:
    return f"complaints/{instance.created_at:%Y/%m}/{filename}"


class Complaint(models.Model):
    tracking_code = models.CharField(_("kode pelacakan"), max_length=10, unique=True)
    category = models.CharField(_("kategori"), max_length=15, choices=ComplaintCategory.choices)
    description = models.TextField(_("uraian pengaduan"), max_length=4000)
    contact_name = models.CharField(_("nama"), max_length=150, blank=True)
    contact_email = models.EmailField(_("surel"), blank=True)
    contact_phone = models.CharField(_("telepon/WhatsApp"), max_length=32, blank=True)
    attachment = models.FileField(_("lampiran"), upload_to=_attachment_path, max_length=200, blank=True)
    attachment_name = models.CharField(_("nama lampiran"), max_length=150, blank=True)
    attachment_type = models.CharField(_("jenis lampiran"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.NEW)
    created_at = models.DateTimeField(_("diterima"), auto_now_add=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("petugas"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("ditugaskan"), null=True, blank=True)
    response = models.TextField(_("jawaban"), blank=True)
    responded_at = models.DateTimeField(_("dijawab"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("pengaduan")
        verbose_name_plural = _("pengaduan")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "created_at", "id"], name="complaint_queue_order"),
            models.Index(fields=["assigned_to", "status"], name="complaint_assignee"),
        ]

    def __str__(self) -> str:
        return self.code_display

    @property
    def code_display(self) -> str:
        return tracking_code_display(self.tracking_code)
