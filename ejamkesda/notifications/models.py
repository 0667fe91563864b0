"""Notifications: one row per message, shown in the recipient's in-app inbox (kotak masuk)
and delivered by e-mail and, when a gateway is plugged in, by SMS/WhatsApp.

A message to someone without an account (an applicant, a complainant) has no recipient
user: it is only delivered to the e-mail address / phone number stored with it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    NONE = "", _("tidak dikirim")
    PENDING = "menunggu", _("menunggu")
    SENT = "terkirim", _("terkirim")
    FAILED = "gagal", _("gagal")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penerima"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    email = models.EmailField(_("surel"), blank=True)
    phone = models.CharField(_("telepon"), max_length=32, blank=True)
    subject = models.CharField(_("judul"), max_length=200)
    body = models.TextField(_("isi"))
    link = models.CharField(_("tautan"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)
    email_status = models.CharField(
        _("status surel"), max_length=10, choices=DeliveryStatus.choices, blank=True, default=DeliveryStatus.NONE
    )
    gateway_status = models.CharField(
        _("status SMS/WA"), max_length=10, choices=DeliveryStatus.choices, blank=True, default=DeliveryStatus.NONE
    )
    delivered_at = models.DateTimeField(_("dikirim"), null=True, blank=True)
    delivery_error = models.CharField(_("galat pengiriman"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        ordering = ["-created_at", "-id"]
        indexes = [
            # the inbox page (newest first) and the unread count
            models.Index(fields=["recipient", "-created_at", "-id"], name="notif_inbox_order"),
            models.Index(fields=["recipient", "read_at"], name="notif_unread"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
