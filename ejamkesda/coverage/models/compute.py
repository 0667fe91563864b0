"""A run of the coverage computation (background task with visible progress).

At most one run per month is waiting or running: a partial unique constraint decides, so
two admins (or a command and a web click) starting the same month at once get one run and
one clear message. The figures themselves are written in one transaction at the end of
the run, so a run that fails leaves the previous figures untouched.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

STALE_AFTER = dt.timedelta(minutes=15)


class ComputeRun(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    ACTIVE = (Status.PENDING, Status.RUNNING)

    month = models.DateField(_("bulan"))  # first day of the month
    population = models.ForeignKey("coverage.Snapshot", on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey("coverage.Snapshot", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    percent = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    step = models.CharField(_("tahap"), max_length=200, blank=True)
    message = models.CharField(_("pesan"), max_length=500, blank=True)
    summary = models.JSONField(default=dict, blank=True)  # counts shown when done
    period = models.ForeignKey(
        "coverage.CoveragePeriod", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("perhitungan cakupan")
        verbose_name_plural = _("perhitungan cakupan")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["month"], condition=models.Q(status__in=["pending", "running"]), name="computerun_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.month:%m-%Y}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_stale(self) -> bool:
        """Waiting or running with no sign of life for ``STALE_AFTER``: the worker probably
        died. Nothing is half-written (the figures are written in one transaction)."""
        if not self.is_active:
            return False
        last = self.heartbeat_at or self.created_at
        return last is not None and timezone.now() - last > STALE_AFTER
