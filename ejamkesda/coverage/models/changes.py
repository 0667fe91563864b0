"""Monthly PBI JK changes both ways (Instruksi Bupati Tegal 379/2022 KEDUA 6a–c).

A ``PbiChangeRun`` computes, from the latest DTKS/DTSEN import, the population register and
the BPJS membership, one proposal per person: add (eligible, not covered), remove (no longer
in the register, moved out, died, decile above the threshold, registered twice) or replace
(a removal paired with an addition inside the quota of PBI places). Dinas Sosial decides
each proposal; the decision is kept by ``fingerprint`` so a rejected proposal whose data did
not change is not proposed again the next month.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

STALE_AFTER_MINUTES = 30


class PbiChangeRun(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    ACTIVE = (Status.PENDING, Status.RUNNING)

    month = models.DateField(_("bulan"))  # first day of the month
    welfare = models.ForeignKey("coverage.Snapshot", on_delete=models.PROTECT, related_name="+")
    population = models.ForeignKey("coverage.Snapshot", on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey("coverage.Snapshot", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    step = models.CharField(_("tahap"), max_length=200, blank=True)
    message = models.CharField(_("pesan"), max_length=500, blank=True)
    summary = models.JSONField(default=dict, blank=True)  # counts by kind and reason, quota
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("perhitungan perubahan PBI")
        verbose_name_plural = _("perhitungan perubahan PBI")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["month"], condition=models.Q(status__in=["pending", "running"]), name="pbichangerun_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.month:%m-%Y}"

    @property
    def is_stale(self) -> bool:
        if self.status not in self.ACTIVE:
            return False
        last = self.started_at or self.created_at
        return last is not None and (timezone.now() - last).total_seconds() > STALE_AFTER_MINUTES * 60


class PbiChangeKind(models.TextChoices):
    ADD = "add", _("Tambah")
    REMOVE = "remove", _("Hapus")
    REPLACE = "replace", _("Penggantian")  # the removal half; ``paired_with`` is the addition


class PbiChangeReason(models.TextChoices):
    ELIGIBLE = "eligible", _("Masuk DTKS/DTSEN desil rendah, belum peserta JKN aktif")
    NOT_IN_REGISTER = "not_in_register", _("Tidak lagi terdaftar di DTKS/DTSEN")
    MOVED_OUT = "moved_out", _("Pindah keluar kabupaten (tidak ada di data kependudukan)")
    DIED = "died", _("Meninggal dunia")
    DECILE_ROSE = "decile_rose", _("Desil naik di atas batas kabupaten")
    DUPLICATE = "duplicate", _("Terdaftar ganda (NIK pada lebih dari satu kartu PBI)")


class PbiChange(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Menunggu keputusan Dinsos")
        ACCEPTED = "accepted", _("Disetujui")
        REJECTED = "rejected", _("Ditolak")

    run = models.ForeignKey(PbiChangeRun, on_delete=models.CASCADE, related_name="changes")
    month = models.DateField(_("bulan"))
    kind = models.CharField(_("jenis perubahan"), max_length=10, choices=PbiChangeKind.choices)
    reason = models.CharField(_("alasan"), max_length=20, choices=PbiChangeReason.choices)
    nik = models.CharField(_("NIK"), max_length=16)
    kk_number = models.CharField(_("nomor KK"), max_length=16, blank=True)
    name = models.CharField(_("nama"), max_length=150)
    card_number = models.CharField(_("nomor kartu"), max_length=20, blank=True)
    village_code = models.CharField(_("kode desa"), max_length=13, blank=True)
    decile = models.PositiveSmallIntegerField(_("desil"), null=True, blank=True)
    facts = models.JSONField(_("data pendukung"), default=dict)
    # Digest of kind, reason and facts: same digest next month = same data = same decision.
    fingerprint = models.CharField(max_length=64)
    # DO_NOTHING: a re-run deletes the month's open proposals in one statement; the service
    # clears the links to them first (``pbi_change_runs._store``).
    paired_with = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.DO_NOTHING, related_name="pair_of"
    )
    within_quota = models.BooleanField(_("dalam kuota"), default=True)
    in_care = models.BooleanField(_("sedang dalam perawatan"), default=False)
    care_note = models.CharField(_("catatan perawatan"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    decision_reason = models.CharField(_("alasan keputusan"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("usulan perubahan PBI")
        verbose_name_plural = _("usulan perubahan PBI")
        ordering = ["kind", "village_code", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["month", "nik", "kind"], name="pbichange_month_nik_kind")]
        indexes = [
            models.Index(fields=["nik", "fingerprint"], name="pbichange_nik_print"),
            models.Index(fields=["month", "status", "kind"], name="pbichange_month_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name} ({self.month:%m-%Y})"
