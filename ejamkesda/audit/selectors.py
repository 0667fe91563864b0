from __future__ import annotations

from django.db.models import QuerySet

from ejamkesda.audit.models import AuditLog


def audit_entries(*, action: str = "", object_type: str = "", actor: str = "") -> QuerySet[AuditLog]:
    entries = AuditLog.objects.all()
    if action:
        entries = entries.filter(action=action)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if actor:
        entries = entries.filter(actor_label=actor)
    return entries.order_by("-at", "-id")
