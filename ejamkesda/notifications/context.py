"""Template context: ``inbox_unread`` (unread notifications of the logged-in user).

To be listed in settings TEMPLATES context_processors as
``ejamkesda.notifications.context.inbox``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ejamkesda.notifications.selectors import unread_count


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": unread_count(user)}
