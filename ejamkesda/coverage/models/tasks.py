"""The regent's instruction as an editable checklist (Instruksi Bupati Tegal 379/2022 KEDUA angka 1–24)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InstructionTask(models.Model):
    instruction = models.CharField(_("instruksi"), max_length=150)
    point = models.PositiveSmallIntegerField(_("angka"))
    letter = models.CharField(_("huruf"), max_length=2, blank=True)
    addressee = models.CharField(_("ditujukan kepada"), max_length=300)
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("OPD penanggung jawab"), null=True, blank=True, on_delete=models.SET_NULL
    )
    text = models.TextField(_("tugas"))
    indicator = models.CharField(_("indikator"), max_length=300, blank=True)
    progress_percent = models.PositiveSmallIntegerField(_("capaian (%)"), default=0)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("tugas instruksi")
        verbose_name_plural = _("tugas instruksi")
        ordering = ["instruction", "point", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["instruction", "point", "letter"], name="instructiontask_unique_point")
        ]

    def __str__(self) -> str:
        return f"{self.point}{self.letter}"

    @property
    def label(self) -> str:
        return f"angka {self.point}" + (f" huruf {self.letter}" if self.letter else "")


class TaskProgress(models.Model):
    task = models.ForeignKey(InstructionTask, on_delete=models.CASCADE, related_name="progress")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    percent = models.PositiveSmallIntegerField(_("capaian (%)"))
    note = models.TextField(_("uraian kemajuan"))
    evidence = models.FileField(_("bukti"), upload_to="coverage/evidence/%Y/%m/", blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.percent}%"
