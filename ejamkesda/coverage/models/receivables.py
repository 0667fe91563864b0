"""Receivables of premiums (Instruksi Bupati Tegal 379/2022 KEDUA 23i): BPJS records its
collection attempts; after them the unpaid bills are handed over to BPKAD with a letter;
payments and write-offs close a bill."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CollectionAttempt(models.Model):
    class Means(models.TextChoices):
        LETTER = "letter", _("Surat")
        PHONE = "phone", _("Telepon")
        VISIT = "visit", _("Kunjungan")
        EMAIL = "email", _("Email/pesan")
        MEETING = "meeting", _("Rapat rekonsiliasi")

    bill = models.ForeignKey("coverage.PremiumBill", on_delete=models.CASCADE, related_name="attempts")
    attempted_on = models.DateField(_("tanggal"))
    means = models.CharField(_("cara"), max_length=10, choices=Means.choices)
    result = models.CharField(_("hasil"), max_length=300)
    by_whom = models.CharField(_("petugas BPJS"), max_length=150)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("upaya penagihan")
        verbose_name_plural = _("upaya penagihan")
        ordering = ["attempted_on", "id"]

    def __str__(self) -> str:
        return f"{self.attempted_on:%d-%m-%Y} {self.get_means_display()}"


class ReceivableHandover(models.Model):
    """The hand-over of unpaid bills to BPKAD; ``lines`` keeps the amounts the letter listed."""

    letter_number = models.CharField(_("nomor surat"), max_length=100, unique=True)
    handed_on = models.DateField(_("tanggal serah"))
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    lines = models.JSONField(default=list)  # [{"bill": id, "month", "segment", "billed", "paid", "outstanding"}]
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("serah terima piutang ke BPKAD")
        verbose_name_plural = _("serah terima piutang ke BPKAD")
        ordering = ["-handed_on", "-id"]

    def __str__(self) -> str:
        return self.letter_number

    @property
    def total(self) -> int:
        return sum(int(line["outstanding"]) for line in self.lines)


class ReceivableWriteOff(models.Model):
    bill = models.ForeignKey("coverage.PremiumBill", on_delete=models.PROTECT, related_name="write_offs")
    written_on = models.DateField(_("tanggal"))
    amount = models.PositiveBigIntegerField(_("jumlah (Rp)"))
    reference = models.CharField(_("dasar penghapusan"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("penghapusan piutang")
        verbose_name_plural = _("penghapusan piutang")
        ordering = ["written_on", "id"]

    def __str__(self) -> str:
        return f"{self.written_on:%d-%m-%Y} Rp{self.amount}"
