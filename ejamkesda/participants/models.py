"""The register of who is covered (kepesertaan): people and their memberships.

A person is identified by NIK (16 digits, rules in ``ejamkesda.rules.nik``). A person
may hold several memberships over time (Jamkesda, JKN segments); every change to a
person or membership is kept in ``ParticipantHistory``. The NIK is never used in a URL:
views address people by their internal id.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Person(models.Model):
    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    kk_number = models.CharField(_("nomor KK"), max_length=16, blank=True, db_index=True)
    name = models.CharField(_("nama"), max_length=150)
    # Upper-cased, single-spaced name for indexed prefix search (2 million people, no scan).
    # Indexed by person_name_prefix (varchar_pattern_ops on PostgreSQL, a plain B-tree on
    # SQLite) and person_village_name; a third index would only slow bulk imports.
    name_key = models.CharField(max_length=150, editable=False)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"))
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    # No index of its own: person_village_name starts with village (search by village, the
    # foreign-key checks); every index here is paid for by each imported row.
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    phone = models.CharField(_("telepon"), max_length=32, blank=True)
    deceased = models.BooleanField(_("meninggal"), default=False)
    deceased_on = models.DateField(_("tanggal meninggal"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("penduduk")
        verbose_name_plural = _("penduduk")
        ordering = ["name_key", "id"]
        indexes = [
            models.Index(fields=["name_key"], name="person_name_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["village", "name_key"], name="person_village_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


def name_key(name: str) -> str:
    return " ".join(name.upper().split())[:150]


class Programme(models.TextChoices):
    JAMKESDA = "jamkesda", _("Jamkesda")
    JKN = "jkn", _("JKN")


class Segment(models.TextChoices):
    """JKN membership segments (docs/glosarium.md)."""

    PBI_APBN = "pbi_apbn", _("PBI APBN")
    PBPU_BP_PEMDA = "pbpu_bp_pemda", _("PBPU/BP Pemda")
    PPU = "ppu", _("PPU (pekerja penerima upah)")
    PBPU = "pbpu", _("PBPU (pekerja bukan penerima upah)")
    BP = "bp", _("BP (bukan pekerja)")


class MembershipStatus(models.TextChoices):
    ACTIVE = "aktif", _("Aktif")
    INACTIVE = "nonaktif", _("Tidak aktif")
    ARREARS = "menunggak", _("Menunggak")
    SUSPENDED = "ditangguhkan", _("Ditangguhkan")
    ENDED = "berakhir", _("Berakhir")


class Membership(models.Model):
    # Indexed by membership_person_prog (person first), not on its own.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships", db_index=False)
    programme = models.CharField(_("program"), max_length=10, choices=Programme.choices)
    segment = models.CharField(_("segmen"), max_length=20, choices=Segment.choices, blank=True)
    card_number = models.CharField(_("nomor kartu"), max_length=20, blank=True, db_index=True)
    care_class = models.PositiveSmallIntegerField(_("kelas"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=MembershipStatus.choices, db_index=True)
    valid_from = models.DateField(_("berlaku dari"), null=True, blank=True)
    valid_to = models.DateField(_("berlaku sampai"), null=True, blank=True)
    first_level_provider_code = models.CharField(_("kode faskes tingkat pertama"), max_length=20, blank=True)
    source = models.CharField(_("sumber data"), max_length=100, blank=True)
    source_date = models.DateField(_("tanggal data"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kepesertaan")
        verbose_name_plural = _("kepesertaan")
        ordering = ["-valid_from", "-id"]
        indexes = [models.Index(fields=["person", "programme", "status"], name="membership_person_prog")]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} {self.get_status_display()}"


class ParticipantHistory(models.Model):
    """One change to a person or one of their memberships: who, when, from which source, what."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="history")
    # Membership and actor are empty on most rows (every imported person's "created" row): their
    # indexes are partial (history_membership, history_actor), so those rows skip them.
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    source = models.CharField(_("sumber"), max_length=100, blank=True)
    changes = models.JSONField(_("perubahan"), default=dict)

    class Meta:
        verbose_name = _("riwayat perubahan")
        verbose_name_plural = _("riwayat perubahan")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["membership"], name="history_membership", condition=Q(membership__isnull=False)),
            models.Index(fields=["actor"], name="history_actor", condition=Q(actor__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.source}"
