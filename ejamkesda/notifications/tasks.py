"""Background delivery of notifications (django-tasks; the DB worker runs it, tests run it at once)."""

from __future__ import annotations

from django_tasks import task

from ejamkesda.notifications.services import notification_deliver


@task()
def deliver_notification(notification_id: int) -> str:
    notification = notification_deliver(notification_id=notification_id)
    if notification is None:
        return "hilang"
    return notification.delivery_error or "ok"
