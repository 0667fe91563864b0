"""Coverage figures kept per month, so the dashboards compare month to month even after
old raw snapshots are pruned."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ejamkesda.coverage.models.data import SectorList, Snapshot


class CoveragePeriod(models.Model):
    """One month's coverage: a population snapshot linked to a membership snapshot."""

    month = models.DateField(_("bulan"), unique=True)  # first day of the month
    population = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("periode cakupan")
        verbose_name_plural = _("periode cakupan")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%m-%Y}"


class CoverageStat(models.Model):
    """Figures for one area (regency, district or village) in one period."""

    period = models.ForeignKey(CoveragePeriod, on_delete=models.CASCADE, related_name="stats")
    region_code = models.CharField(max_length=13)
    level = models.PositiveSmallIntegerField()  # 2 regency, 3 district, 4 village
    population = models.PositiveIntegerField(default=0)
    registered = models.PositiveIntegerField(default=0)
    active = models.PositiveIntegerField(default=0)
    active_by_segment = models.JSONField(default=dict)  # segment → active residents
    registered_by_segment = models.JSONField(default=dict)

    class Meta:
        ordering = ["region_code"]
        constraints = [models.UniqueConstraint(fields=["period", "region_code"], name="coveragestat_period_region")]

    def __str__(self) -> str:
        return f"{self.region_code} {self.period_id}"


class SectorStat(models.Model):
    period = models.ForeignKey(CoveragePeriod, on_delete=models.CASCADE, related_name="sector_stats")
    sector_list = models.ForeignKey(SectorList, on_delete=models.CASCADE, related_name="+")
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="+")
    listed = models.PositiveIntegerField(default=0)
    registered = models.PositiveIntegerField(default=0)
    active = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "sector_list"], name="sectorstat_period_list")]

    def __str__(self) -> str:
        return f"{self.sector_list_id} {self.period_id}"
