"""API tokens and idempotency records.

A token is ``ejk_<prefix>_<secret>``; only the SHA-256 of the whole token is stored, the
prefix is kept in clear to find the row. A token acts as its user, so it carries the
user's provider/agency scope (docs/peran.md). Perbup PPU 29/2016 Pasal 10–11: providers supply data
from their own systems; the token is how a SIMRS identifies itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("label"), max_length=100, blank=True)
    prefix = models.CharField(_("awalan"), max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    # Space-separated scopes (ejamkesda/api/scopes.py); checked on every route.
    scopes = models.CharField(_("cakupan"), max_length=100, default="")
    # A token stops working at this time (default one year after creation).
    expires_at = models.DateTimeField(_("berlaku sampai"))

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix} ({self.name or self.user})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()


class IdempotencyRecord(models.Model):
    """One write request by key: the same key and body give back the stored response."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    endpoint = models.CharField(max_length=200)
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("kunci idempotensi")
        verbose_name_plural = _("kunci idempotensi")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_user_key")]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"
