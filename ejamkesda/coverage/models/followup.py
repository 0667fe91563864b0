"""Follow-up of uncovered people (Instruksi Bupati Tegal 379/2022 KEDUA angka 3–19, 20, 22) and PBI proposals
(angka 6 huruf a–c). People are keyed by NIK so a decision survives the next month's
snapshot; URLs address them by record id only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Belum ditindaklanjuti")
    CONTACTED = "contacted", _("Sudah dihubungi")
    REGISTERING = "registering", _("Sedang didaftarkan")
    REGISTERED = "registered", _("Sudah terdaftar/aktif")
    MOVED = "moved", _("Pindah/meninggal")
    REFUSED = "refused", _("Tidak bersedia")
    OTHER = "other", _("Lainnya")


class FollowUp(models.Model):
    """Where one person stands on one follow-up list: a village list (scope ``desa``),
    an agency's sector lists (``opd-<id>``) or the inactive/arrears list (``nonaktif``)."""

    scope = models.CharField(max_length=30)
    agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    nik = models.CharField(_("NIK"), max_length=16)
    status = models.CharField(_("status tindak lanjut"), max_length=15, choices=FollowUpStatus.choices)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        constraints = [models.UniqueConstraint(fields=["scope", "nik"], name="followup_scope_nik")]

    def __str__(self) -> str:
        return f"{self.scope} #{self.pk}: {self.status}"


class PbiProposal(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Diusulkan")
        SUBMITTED = "submitted", _("Dikirim ke Kemensos/BPJS")
        ACCEPTED = "accepted", _("Ditetapkan sebagai PBI")
        REMOVED = "removed", _("Dikeluarkan dari usulan")

    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    kk_number = models.CharField(_("nomor KK"), max_length=16, blank=True)
    name = models.CharField(_("nama"), max_length=150)
    village_code = models.CharField(_("kode desa"), max_length=13, blank=True)
    decile = models.PositiveSmallIntegerField(_("desil"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    reason = models.CharField(_("alasan"), max_length=300, blank=True)
    welfare_snapshot = models.ForeignKey("coverage.Snapshot", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("usulan PBI")
        verbose_name_plural = _("usulan PBI")
        ordering = ["village_code", "decile", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"


class PbiProposalEvent(models.Model):
    proposal = models.ForeignKey(PbiProposal, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
