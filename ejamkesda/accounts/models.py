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
    # The one agency that is Dinas Kesehatan: its Pejabat Pengadaan orders drugs, devices and
    # consumables for the providers (Perbup Kapuas Hulu 9/2015 Pasal 9-11).
    health_office = models.BooleanField(_("Dinas Kesehatan"), default=False)

    class Meta:
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["health_office"], condition=models.Q(health_office=True), name="one_health_office"
            )
        ]

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
        if self.role == Role.PROCUREMENT_OFFICER and self.agency is not None and not self.agency.health_office:
            raise ValidationError(
                {
                    "agency": _(
                        "Pejabat Pengadaan wajib terikat pada Dinas Kesehatan (Perbup Kapuas Hulu 9/2015 Pasal 9)."
                    )
                }
            )
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

    @property
    def is_health_office_procurement(self) -> bool:
        """A Pejabat Pengadaan bound to Dinas Kesehatan (Perbup Kapuas Hulu 9/2015 Pasal 9)."""
        agency = self.agency if self.agency_id else None
        return bool(self.role == Role.PROCUREMENT_OFFICER and agency is not None and agency.health_office)


class UsernameFailures(models.Model):
    """Failed sign-ins (password, code or passkey) for one username from all addresses.

    One row per username (``key`` is a hash, never the name itself); the count is raised by a
    single ``UPDATE … SET failures = failures + 1`` so simultaneous failures all count
    (ejamkesda/accounts/signin.py, docs/tinjauan-keamanan.md "Masuk petugas").
    """

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()

    class Meta:
        verbose_name = _("kegagalan masuk per nama pengguna")
        verbose_name_plural = _("kegagalan masuk per nama pengguna")

    def __str__(self) -> str:
        return f"{self.failures} × {self.key[:8]}"


class DutyRelaxation(models.Model):
    """A UPT admin allows one person to do several money steps at one provider (a one-person
    puskesmas): who, when, why, which provider, until when (ejamkesda/core/duties.py)."""

    provider = models.ForeignKey(
        "providers.Provider", verbose_name=_("PPK"), on_delete=models.PROTECT, related_name="duty_relaxations"
    )
    reason = models.TextField(_("alasan"))
    valid_until = models.DateField(_("berlaku sampai"))
    granted_by = models.ForeignKey(
        User, verbose_name=_("dicatat oleh"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)
    ended_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pelonggaran pemisahan tugas")
        verbose_name_plural = _("pelonggaran pemisahan tugas")
        ordering = ["-granted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider_id}: {self.reason[:40]}"
