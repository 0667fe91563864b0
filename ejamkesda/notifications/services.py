"""Writes of the notifications app. Other apps call :func:`notification_send`."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from ejamkesda.core.logging import redact_nik
from ejamkesda.notifications import conf
from ejamkesda.notifications.gateways import get_gateway
from ejamkesda.notifications.models import DeliveryStatus, Notification

logger = logging.getLogger(__name__)


def notification_send(
    *,
    recipient_user: Any = None,
    email: str | None = None,
    subject: str,
    body: str,
    link: str = "",
    phone: str | None = None,
) -> Notification:
    """Send one notification; returns the stored :class:`Notification`.

    * ``recipient_user``: a User → the message appears in their in-app inbox (kotak masuk)
      and, if they have an e-mail address, is also e-mailed (``NOTIFICATION_EMAIL_USERS``).
    * ``email`` / ``phone``: for people without an account (applicant, complainant); the
      phone is used only when an SMS/WhatsApp gateway is configured (``NOTIFICATION_GATEWAY``).
    * ``link``: a path inside the site (e.g. ``reverse("services:sjp_detail", args=[pk])``);
      never put a NIK in it, nor in ``subject``/``body`` (they are redacted anyway).

    Safe to call inside your ``transaction.atomic()`` block: the row is written in your
    transaction, and e-mail/SMS go out only after it commits (``transaction.on_commit`` →
    background task), so a rolled-back state change sends nothing and a slow mail server
    never holds your row locks. A delivery failure never raises into the caller.
    In pytest, wrap the call in ``django_capture_on_commit_callbacks(execute=True)`` to see
    the e-mail in ``mail.outbox``.
    """
    if recipient_user is None and not email and not phone:
        raise ValueError("notification_send membutuhkan recipient_user, email, atau phone")
    if not email and recipient_user is not None and conf.email_users():
        email = getattr(recipient_user, "email", "") or ""
    notification = Notification.objects.create(
        recipient=recipient_user,
        email=email or "",
        phone=phone or "",
        subject=redact_nik(subject)[:200],
        body=redact_nik(body),
        link=link[:500],
        email_status=DeliveryStatus.PENDING if email else DeliveryStatus.NONE,
        gateway_status=DeliveryStatus.PENDING if phone and conf.gateway_path() else DeliveryStatus.NONE,
    )
    if notification.email_status or notification.gateway_status:
        notification_id = notification.pk
        transaction.on_commit(lambda: _enqueue_delivery(notification_id), robust=True)
    return notification


def _enqueue_delivery(notification_id: int) -> None:
    from ejamkesda.notifications.tasks import deliver_notification

    deliver_notification.enqueue(notification_id)


def _absolute(link: str) -> str:
    if link.startswith("/") and conf.base_url():
        return conf.base_url() + link
    return link


def notification_deliver(*, notification_id: int) -> Notification | None:
    """Deliver the pending e-mail/SMS of one notification (run by the background task)."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        return None
    errors: list[str] = []
    message = notification.body
    if notification.link:
        message = f"{message}\n\n{_absolute(notification.link)}"
    if notification.email_status == DeliveryStatus.PENDING:
        try:
            send_mail(
                subject=notification.subject,
                message=message,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[notification.email],
            )
            notification.email_status = DeliveryStatus.SENT
        except Exception as exc:  # a broken mail server must not lose the notification
            notification.email_status = DeliveryStatus.FAILED
            errors.append(f"surel: {type(exc).__name__}")
            logger.warning("Notifikasi %s: surel gagal dikirim (%s)", notification.pk, type(exc).__name__)
    if notification.gateway_status == DeliveryStatus.PENDING:
        gateway = get_gateway()
        if gateway is None:
            notification.gateway_status = DeliveryStatus.NONE
        else:
            try:
                gateway.send(to=notification.phone, body=f"{notification.subject}: {message}"[:640])
                notification.gateway_status = DeliveryStatus.SENT
            except Exception as exc:
                notification.gateway_status = DeliveryStatus.FAILED
                errors.append(f"SMS/WA: {type(exc).__name__}")
                logger.warning("Notifikasi %s: SMS/WA gagal dikirim (%s)", notification.pk, type(exc).__name__)
    notification.delivered_at = timezone.now()
    notification.delivery_error = "; ".join(errors)[:300]
    notification.save(update_fields=["email_status", "gateway_status", "delivered_at", "delivery_error"])
    return notification


def notification_mark_read(*, notification: Notification, user: Any) -> Notification:
    """Mark one of ``user``'s notifications read (idempotent)."""
    if notification.recipient_id != user.pk:
        raise PermissionError("Notifikasi ini bukan milik pengguna tersebut")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of ``user`` read; returns how many changed."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
