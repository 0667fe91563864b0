"""Separation of duties on money: the ONE rule, used by every step that moves money.

Money moves through steps done by different people (create, verify, approve, pay): whoever
created or verified cannot approve, and whoever approved cannot mark paid. Callers
(jaspel runs in ``ejamkesda/funds/run_services.py``, claim payment batches in
``ejamkesda/services/payments.py``, procurement payments) pass the earlier steps' actors.

A one-person puskesmas may be allowed to do several steps itself, only with a reason
recorded by a UPT admin on the provider (``duties_relax``); each step that uses the
relaxation is then marked as relaxed by its caller and audited (docs/jasa-pelayanan.md
"Pemisahan tugas").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ejamkesda.audit.services import audit_record
from ejamkesda.core.permissions import user_has_role
from ejamkesda.core.roles import Role


class SeparationOfDutiesError(ValidationError):
    """The actor already did an earlier step of the same money flow."""


def check_separation(
    *, actor: Any, step: str, earlier: Mapping[str, Any], provider: Any = None, basis: str = ""
) -> str:
    """Refuse ``actor`` for ``step`` when they did one of the ``earlier`` steps.

    ``earlier`` maps an earlier step's name (Indonesian verb, e.g. "membuat",
    "memverifikasi") to the user who did it (or None). Returns "" when the steps are done
    by different people, or the provider's recorded relaxation reason when the actor did
    an earlier step but the provider (``provider.duties_relaxed_reason``) is allowed to.
    Raises ``SeparationOfDutiesError`` otherwise, naming the regulation ``basis`` if given.
    ``provider=None``: no relaxation is possible (e.g. procurement, where the regulation names
    three officials).
    """
    actor_id = getattr(actor, "pk", None)
    clashes = [name for name, user in earlier.items() if user is not None and getattr(user, "pk", user) == actor_id]
    if not clashes:
        return ""
    reason = (getattr(provider, "duties_relaxed_reason", "") or "").strip()
    if reason:
        return reason
    message = _(
        "Pemisahan tugas: Anda sudah %(done)s, jadi tidak boleh %(step)s. "
        "Langkah ini harus dilakukan oleh pengguna lain."
    ) % {"done": _(" dan ").join(clashes), "step": step}
    raise SeparationOfDutiesError(f"{message} ({basis})" if basis else message)


def duties_relax(*, provider: Any, reason: str, actor: Any) -> Any:
    """Allow (reason given) or forbid again (empty reason) one person doing several money steps
    at ``provider`` — a one-person puskesmas. UPT admins only; audited."""
    if not user_has_role(actor, (Role.UPT_ADMIN,)):
        raise PermissionDenied
    from ejamkesda.providers.models import Provider

    reason = (reason or "").strip()
    with transaction.atomic():
        locked = Provider.objects.select_for_update().get(pk=provider.pk)
        before = locked.duties_relaxed_reason
        locked.duties_relaxed_reason = reason
        locked.save(update_fields=["duties_relaxed_reason"])
        audit_record(
            action="update",
            obj=locked,
            actor=actor,
            summary=(
                f"Pemisahan tugas dilonggarkan untuk {locked.code}: {reason}"
                if reason
                else f"Pemisahan tugas berlaku lagi untuk {locked.code}"
            ),
            changes={"duties_relaxed_reason": [before, reason]},
        )
    return locked
