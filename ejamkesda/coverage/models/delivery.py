"""Delivery of the monthly PBI list to each village (Instruksi Bupati Tegal 379/2022
KEDUA 6d): delivered when the UPT publishes the month, received when a village officer
opens or acknowledges it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VillageListDelivery(models.Model):
    period = models.ForeignKey("coverage.CoveragePeriod", on_delete=models.CASCADE, related_name="deliveries")
    village_code = models.CharField(_("kode desa"), max_length=13)
    published_at = models.DateTimeField(_("dikirim"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(_("pertama dibuka"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("dikonfirmasi diterima"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pengiriman daftar PBI desa")
        verbose_name_plural = _("pengiriman daftar PBI desa")
        ordering = ["village_code"]
        constraints = [
            models.UniqueConstraint(fields=["period", "village_code"], name="delivery_period_village"),
        ]

    def __str__(self) -> str:
        return f"{self.village_code} {self.period}"

    @property
    def received(self) -> bool:
        return self.opened_at is not None or self.acknowledged_at is not None
