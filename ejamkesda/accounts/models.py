"""Users and the agencies (OPD) they may belong to."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from ejamkesda.core.roles import (
    AGENCY_BOUND_ROLES,
    PROVIDER_BOUND_ROLES,
    REGION_BOUND_ROLES,
    REGION_LEVEL_OF_ROLE,
    Role,
)


class Agency(models.Model):
    """A regency agency (Organisasi Perangkat Daerah), e.g. Dinas Sosial, Dinas Pendidikan.

    Instruksi Bupati Tegal 379/2022 addresses its numbered tasks to agencies.
    """

    code = models.CharField(_("kode"), max_length=32, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("peran"), max_length=32, choices=Role.choices, blank=True)
    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("PPK"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("OPD"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    phone = models.CharField(_("telepon"), max_length=32, blank=True)
    # Set when an admin chose the password: the user must pick their own at first sign-in.
    password_change_required = models.BooleanField(_("wajib ganti kata sandi"), default=False)
    # Raised to sign out every session of this user (see get_session_auth_hash).
    session_version = models.PositiveIntegerField(_("versi sesi"), default=0, editable=False)

    # Village (level 4) of a village officer, district (level 3) of a district officer
    # (Instruksi Bupati Tegal 379/2022 KEDUA 6d and 20).
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django signs each session with a hash of the password; the session version is
        mixed in, so raising it ends every other session ("keluar dari sesi lain", factor
        reset) without touching the password. Version 0 gives Django's own hash."""
        if not self.session_version:
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        key_salt = "ejamkesda.accounts.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_version}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    def clean(self) -> None:
        super().clean()
        if self.role in PROVIDER_BOUND_ROLES and self.provider_id is None:
            raise ValidationError({"provider": _("Peran ini wajib terikat pada satu PPK.")})
        if self.role in AGENCY_BOUND_ROLES and self.agency_id is None:
            raise ValidationError({"agency": _("Peran ini wajib terikat pada satu OPD.")})
        if self.role not in PROVIDER_BOUND_ROLES and self.provider_id is not None:
            raise ValidationError({"provider": _("Hanya operator PPK dan bendahara yang terikat pada PPK.")})
        if self.role not in AGENCY_BOUND_ROLES and self.agency_id is not None:
            raise ValidationError({"agency": _("Hanya operator OPD dan Pejabat Pengadaan yang terikat pada OPD.")})
        self._clean_region()

    def _clean_region(self) -> None:
        level = REGION_LEVEL_OF_ROLE.get(Role(self.role)) if self.role in Role.values else None
        if level is None:
            if self.region_id is not None:
                raise ValidationError({"region": _("Hanya petugas desa dan kecamatan yang terikat pada wilayah.")})
            return
        if self.region is None or self.region.level != level:
            message = (
                _("Petugas desa wajib terikat pada satu desa/kelurahan.")
                if level == 4
                else _("Petugas kecamatan wajib terikat pada satu kecamatan.")
            )
            raise ValidationError({"region": message})

    @property
    def is_region_bound(self) -> bool:
        return self.role in REGION_BOUND_ROLES
