"""Review queue of probable links (pemadanan, Instruksi Bupati Tegal 379/2022 KEDUA angka 23 huruf h) between a
resident and either a membership card or a row of an agency's sector list. Decisions are
kept by (card number, resident NIK) or (sector list, row key, resident NIK) and reused by
every later snapshot, so a pair is never asked twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchReview(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", _("Menunggu pemeriksaan")
        CONFIRMED = "confirmed", _("Dikonfirmasi orang yang sama")
        REJECTED = "rejected", _("Ditolak, orang berbeda")

    card_number = models.CharField(_("nomor kartu"), max_length=20, blank=True)  # blank for sector rows
    resident_nik = models.CharField(_("NIK penduduk"), max_length=16)
    score = models.DecimalField(_("skor"), max_digits=5, decimal_places=4)
    method = models.CharField(_("metode"), max_length=40)
    reasons = models.CharField(_("alasan"), max_length=300, blank=True)
    # The snapshots in which the pair was found (for showing both sides).
    membership_snapshot = models.ForeignKey(
        "coverage.Snapshot", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A row of a sector list (instead of a card): the list, the row key and its snapshot.
    sector_list = models.ForeignKey(
        "coverage.SectorList", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    entry_key = models.CharField(max_length=40, blank=True)
    sector_snapshot = models.ForeignKey(
        "coverage.Snapshot", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    population_snapshot = models.ForeignKey("coverage.Snapshot", on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(_("keputusan"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pemeriksaan padanan")
        verbose_name_plural = _("pemeriksaan padanan")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["card_number", "resident_nik"],
                condition=models.Q(sector_list__isnull=True),
                name="matchreview_card_pair",
            ),
            models.UniqueConstraint(
                fields=["sector_list", "entry_key", "resident_nik"],
                condition=models.Q(sector_list__isnull=False),
                name="matchreview_sector_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.card_number or 'baris daftar sektor'} ({self.get_decision_display()})"
