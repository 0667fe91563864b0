"""Settings of the notifications app, read from the environment (documented in README).

* ``NOTIFICATION_GATEWAY``: dotted path of a class implementing
  :class:`ejamkesda.notifications.gateways.MessageGateway` for SMS/WhatsApp; empty (default)
  means no SMS/WhatsApp is sent. ``ejamkesda.notifications.gateways.ConsoleGateway`` logs
  a redacted line instead (development).
* ``NOTIFICATION_BASE_URL``: absolute address of the site (e.g. ``https://jamkesda.ppu.go.id``)
  put in front of relative links in e-mails; empty → links are sent as they are.
* ``NOTIFICATION_EMAIL_USERS``: also e-mail logged-in users who have an address (default 1).
"""

from __future__ import annotations

import os


def gateway_path() -> str:
    return os.environ.get("NOTIFICATION_GATEWAY", "").strip()


def base_url() -> str:
    return os.environ.get("NOTIFICATION_BASE_URL", "").strip().rstrip("/")


def email_users() -> bool:
    return os.environ.get("NOTIFICATION_EMAIL_USERS", "1").strip().lower() in {"1", "true", "yes", "ya", "on"}
