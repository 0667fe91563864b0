"""Audit log: every view of a person's record and every change (docs/arsitektur.md).

Append-only by convention and by the admin (no change/delete permission). The summary
never contains a NIK: callers pass object ids, and ``audit_record`` redacts 16-digit runs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLog(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("lihat")
        CREATE = "create", _("buat")
        UPDATE = "update", _("ubah")
        DELETE = "delete", _("hapus")
        EXPORT = "export", _("unduh")
        LOGIN = "login", _("masuk")
        LOGIN_FAILED = "login_failed", _("gagal masuk")
        LOGOUT = "logout", _("keluar")
        TRANSITION = "transition", _("perubahan status")
        COMPUTE = "compute", _("hitung")
        GENERATE = "generate", _("buat otomatis")
        RECONCILE = "reconcile", _("rekonsiliasi")

    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("pelaku"), max_length=150, blank=True)
    action = models.CharField(_("aksi"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("jenis objek"), max_length=100, blank=True)
    object_id = models.CharField(_("id objek"), max_length=64, blank=True)
    summary = models.CharField(_("ringkasan"), max_length=500, blank=True)
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    user_agent = models.CharField(_("peramban"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("log audit")
        verbose_name_plural = _("log audit")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"
