"""Health-care providers (PPK): puskesmas, hospitals, clinics, practices, labs, pharmacies.

Perbup PPU 29/2016 Pasal 1 angka 5: a PPK is a provider that cooperates with the regency; the
cooperation agreement (number and period) is therefore part of the record.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Provider(models.Model):
    class Kind(models.TextChoices):
        PUSKESMAS = "puskesmas", _("Puskesmas")
        HOSPITAL = "rumah_sakit", _("Rumah sakit")
        CLINIC = "klinik", _("Klinik")
        DOCTOR = "praktik_dokter", _("Praktik dokter")
        LABORATORY = "laboratorium", _("Laboratorium")
        PHARMACY = "apotek", _("Apotek")

    class Level(models.TextChoices):
        FKTP = "FKTP", _("FKTP (tingkat pertama)")
        FKRTL = "FKRTL", _("FKRTL (rujukan tingkat lanjut)")

    code = models.CharField(_("kode PPK"), max_length=20, unique=True, help_text=_("Kode faskes BPJS bila ada."))
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices, db_index=True)
    level = models.CharField(_("tingkat"), max_length=5, choices=Level.choices)
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    district = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("telepon"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    agreement_number = models.CharField(_("nomor perjanjian kerja sama"), max_length=100, blank=True)
    agreement_from = models.DateField(_("berlaku dari"), null=True, blank=True)
    agreement_to = models.DateField(_("berlaku sampai"), null=True, blank=True)
    active = models.BooleanField(_("aktif"), default=True, db_index=True)

    # A one-person puskesmas may do several money steps itself, with this reason recorded by
    # a UPT admin (ejamkesda/core/duties.py); empty = separation of duties applies.
    duties_relaxed_reason = models.TextField(_("alasan pelonggaran pemisahan tugas"), blank=True, default="")

    class Meta:
        verbose_name = _("PPK")
        verbose_name_plural = _("PPK")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args: object, **kwargs: object) -> None:
        # The district is derived from the village so directory filters need no join.
        if self.village_id and not self.district_id:
            self.district_id = str(self.village_id).rsplit(".", 1)[0]
        super().save(*args, **kwargs)  # type: ignore[arg-type]
