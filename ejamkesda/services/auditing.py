"""Audit entries of the services app: the audit log's generic action plus our event name.

``audit.AuditLog.action`` is one of a few generic verbs (view, create, transition,
export…); the precise event (e.g. ``claim.approve_adjusted``) goes into ``changes["event"]``.
"""

from __future__ import annotations

from typing import Any

from ejamkesda.audit.models import AuditLog
from ejamkesda.audit.services import audit_record

_ACTIONS = {
    "view": AuditLog.Action.VIEW,
    "attachment_view": AuditLog.Action.VIEW,
    "pdf": AuditLog.Action.EXPORT,
    "export": AuditLog.Action.EXPORT,
    "request": AuditLog.Action.CREATE,
    "submit": AuditLog.Action.CREATE,
    "create": AuditLog.Action.CREATE,
    "import": AuditLog.Action.CREATE,
}


def audit_event(*, event: str, changes: dict[str, Any] | None = None, **kwargs: Any) -> AuditLog:
    action = _ACTIONS.get(event.rsplit(".", 1)[-1], AuditLog.Action.TRANSITION)
    return audit_record(action=action, changes={"event": event, **(changes or {})}, **kwargs)
