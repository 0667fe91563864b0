"""The regent's instruction as an editable checklist (diktum KEDUA angka/huruf), loaded per
regency from a document file (``coverage.instructions``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Instruction(models.Model):
    """The header of a loaded instruction document; its tasks share its ``name``."""

    name = models.CharField(_("Nama singkat"), max_length=150, unique=True)
    kind = models.CharField(_("Jenis"), max_length=100)
    number = models.CharField(_("Nomor"), max_length=100)
    title = models.CharField(_("Tentang"), max_length=300)
    regency = models.CharField(_("Kabupaten/kota"), max_length=150)
    issued_on = models.DateField(_("Tanggal ditetapkan"))
    issued_at = models.CharField(_("Ditetapkan di"), max_length=100)
    official = models.CharField(_("Pejabat yang menetapkan"), max_length=200)
    official_name = models.CharField(_("Nama pejabat"), max_length=200, blank=True)
    example = models.BooleanField(_("Contoh (bukan instruksi yang ditetapkan)"), default=False)
    note = models.TextField(_("Keterangan"), blank=True)
    source = models.CharField(_("Berkas sumber"), max_length=200)
    loaded_at = models.DateTimeField(_("Dimuat pada"), auto_now=True)

    class Meta:
        verbose_name = _("Instruksi")
        verbose_name_plural = _("Instruksi")
        ordering = ["-issued_on", "name"]

    def __str__(self) -> str:
        return self.name


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
