"""Notifications to a provider's staff at each step (docs/layanan-ppk-dan-verifikasi.md)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from ejamkesda.core.roles import Role
from ejamkesda.notifications.services import notification_send


def notify_provider(
    *,
    provider_id: int,
    subject: str,
    body: str,
    link: str = "",
    roles: Iterable[str] = (Role.PPK_OPERATOR,),
) -> int:
    """Send one notification to every active user of the provider with one of ``roles``."""
    users = get_user_model().objects.filter(provider_id=provider_id, role__in=list(roles), is_active=True)
    count = 0
    for user in users:
        notification_send(recipient_user=user, subject=subject, body=body, link=link)
        count += 1
    return count
