"""Probable duplicates inside one sector list (the same person twice, with another NIK,
a missing NIK or a spelling variant), found by the matching engine after each import."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SectorDuplicate(models.Model):
    snapshot = models.ForeignKey("coverage.Snapshot", on_delete=models.CASCADE, related_name="duplicates")
    entry_a = models.ForeignKey("coverage.SectorEntry", on_delete=models.CASCADE, related_name="+")
    entry_b = models.ForeignKey("coverage.SectorEntry", on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(_("skor"), max_digits=5, decimal_places=4)
    reasons = models.CharField(_("alasan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("kemungkinan duplikat")
        verbose_name_plural = _("kemungkinan duplikat")
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "entry_a", "entry_b"], name="sectorduplicate_pair")]

    def __str__(self) -> str:
        return f"{self.entry_a_id} ~ {self.entry_b_id}"
