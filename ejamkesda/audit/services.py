"""The one way to write the audit log."""

from __future__ import annotations

from typing import Any, Required, TypedDict, Unpack

from django.db import models

from ejamkesda.audit.middleware import current_request_context
from ejamkesda.audit.models import AuditLog
from ejamkesda.core.logging import redact_nik

_ACTIONS = frozenset(AuditLog.Action.values)


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return redact_nik(value)
    if isinstance(value, dict):
        return {key: _redact(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(item) for item in value]
    return value


class AuditFields(TypedDict, total=False):
    """What a caller says about one audit entry (the actor and address default to the current request)."""

    action: Required[str]
    obj: models.Model | None
    object_type: str
    object_id: str | int
    summary: str
    changes: dict[str, Any] | None
    actor: Any


def audit_values(**fields: Unpack[AuditFields]) -> dict[str, Any]:
    """The column values of one audit entry (without its time), checked, bounded and NIK-redacted."""
    action = fields["action"]
    if action not in _ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to AuditLog.Action")
    context = current_request_context()
    actor = fields.get("actor")
    if actor is None and context is not None:
        actor = context.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    object_type, object_id = fields.get("object_type", ""), fields.get("object_id", "")
    if (obj := fields.get("obj")) is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    return {
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": (getattr(actor, "username", "") if actor is not None else "")[:150],
        "action": action,
        # Bounded like the columns: an id taken from a request (e.g. a filter value) must
        # not turn an audit write into a database error (PostgreSQL enforces lengths).
        "object_type": object_type[:100],
        "object_id": redact_nik(str(object_id))[:64],
        "summary": redact_nik(fields.get("summary", ""))[:500],
        "changes": _redact(fields.get("changes") or {}),
        "ip_address": context.ip_address if context else None,
        "user_agent": context.user_agent if context else "",
    }


def audit_record(**fields: Unpack[AuditFields]) -> AuditLog:
    """Write one audit entry now."""
    return AuditLog.objects.create(**audit_values(**fields))
