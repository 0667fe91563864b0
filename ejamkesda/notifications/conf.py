"""Settings of the notifications app, read from ``django.conf.settings`` at call time
(documented in README).

* ``NOTIFICATION_GATEWAY``: dotted path of a class implementing
  :class:`ejamkesda.notifications.gateways.MessageGateway` for SMS/WhatsApp; empty (default)
  means no SMS/WhatsApp is sent. ``ejamkesda.notifications.gateways.ConsoleGateway`` logs
  a redacted line instead (development).
* ``SITE_URL``: absolute address of the site (e.g. ``https://jamkesda.ppu.go.id``) put in
  front of every relative link in e-mails and SMS/WhatsApp messages (``NOTIFICATION_BASE_URL``,
  the older name, wins when set). Development default ``http://127.0.0.1:8000``.
* ``NOTIFICATION_EMAIL_USERS``: also e-mail logged-in users who have an address (default on).
"""

from __future__ import annotations

from django.conf import settings


def gateway_path() -> str:
    return str(settings.NOTIFICATION_GATEWAY).strip()


def base_url() -> str:
    return str(settings.NOTIFICATION_BASE_URL or settings.SITE_URL).strip().rstrip("/")


def email_users() -> bool:
    return bool(settings.NOTIFICATION_EMAIL_USERS)
