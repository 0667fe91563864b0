"""Separation of duties on money: the ONE rule, used by every step that moves money.

Money moves through steps done by different people (create, verify, approve, pay): whoever
created or verified cannot approve, and whoever approved cannot mark paid. Callers
(jaspel runs in ``ejamkesda/funds/run_services.py``, claim payment batches in
``ejamkesda/services/payments.py``, procurement payments) pass the earlier steps' actors.

A one-person puskesmas may be allowed to do several steps itself, only with a reason and an
end date recorded by a UPT admin (``duties_relax``, page "Pemisahan tugas" under Pengguna;
stored as ``accounts.DutyRelaxation``); each step that uses the relaxation is then marked as
relaxed by its caller, with the reason, who recorded it and until when, and audited
(docs/jasa-pelayanan.md "Pemisahan tugas").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.audit.services import audit_record
from ejamkesda.core.permissions import user_has_role
from ejamkesda.core.roles import Role


class SeparationOfDutiesError(ValidationError):
    """The actor already did an earlier step of the same money flow."""


def relaxation_in_force(provider: Any, *, on: dt.date | None = None) -> Any:
    """The provider's recorded relaxation in force on ``on`` (today), or None."""
    if provider is None or getattr(provider, "pk", None) is None:
        return None
    from ejamkesda.accounts.models import DutyRelaxation

    day = on or timezone.localdate()
    return (
        DutyRelaxation.objects.select_related("granted_by")
        .filter(provider_id=provider.pk, ended_at__isnull=True, valid_until__gte=day)
        .order_by("-granted_at", "-id")
        .first()
    )


def relaxation_label(relaxation: Any) -> str:
    """What a step done under ``relaxation`` shows: why, who recorded it, until when."""
    return _("%(reason)s (dicatat %(who)s %(when)s, berlaku s.d. %(until)s)") % {
        "reason": relaxation.reason,
        "who": relaxation.granted_by or "—",
        "when": f"{timezone.localtime(relaxation.granted_at):%d-%m-%Y}",
        "until": f"{relaxation.valid_until:%d-%m-%Y}",
    }


def check_separation(
    *, actor: Any, step: str, earlier: Mapping[str, Any], provider: Any = None, basis: str = ""
) -> str:
    """Refuse ``actor`` for ``step`` when they did one of the ``earlier`` steps.

    ``earlier`` maps an earlier step's name (Indonesian verb, e.g. "membuat",
    "memverifikasi") to the user who did it (or None). Returns "" when the steps are done
    by different people, or the label of the provider's relaxation in force (reason, who,
    until when) when the actor did an earlier step but the provider is allowed to.
    Raises ``SeparationOfDutiesError`` otherwise, naming the regulation ``basis`` if given.
    ``provider=None``: no relaxation is possible (e.g. procurement, where the regulation names
    three officials).
    """
    actor_id = getattr(actor, "pk", None)
    clashes = [name for name, user in earlier.items() if user is not None and getattr(user, "pk", user) == actor_id]
    if not clashes:
        return ""
    relaxation = relaxation_in_force(provider)
    if relaxation is not None:
        return relaxation_label(relaxation)
    message = _(
        "Pemisahan tugas: Anda sudah %(done)s, jadi tidak boleh %(step)s. "
        "Langkah ini harus dilakukan oleh pengguna lain."
    ) % {"done": _(" dan ").join(clashes), "step": step}
    raise SeparationOfDutiesError(f"{message} ({basis})" if basis else message)


def duties_relax(*, provider: Any, reason: str, actor: Any, until: dt.date | None = None) -> Any:
    """Record that one person may do several money steps at ``provider`` (a one-person
    puskesmas) until ``until`` (default: a year), with a reason; or, with an empty reason,
    end the relaxation in force. UPT admins (and superusers) only; audited."""
    if not user_has_role(actor, (Role.UPT_ADMIN,)):
        raise PermissionDenied
    from ejamkesda.accounts.models import DutyRelaxation
    from ejamkesda.providers.models import Provider

    reason = (reason or "").strip()
    today = timezone.localdate()
    until = until or today + dt.timedelta(days=365)
    if reason and until < today:
        raise ValidationError(_("Tanggal berlaku sampai tidak boleh sebelum hari ini."))
    with transaction.atomic():
        locked = Provider.objects.select_for_update().get(pk=provider.pk)
        current = DutyRelaxation.objects.select_for_update().filter(provider=locked, ended_at__isnull=True)
        ended = current.update(ended_at=timezone.now(), ended_by=actor)
        relaxation = None
        if reason:
            relaxation = DutyRelaxation.objects.create(
                provider=locked, reason=reason, valid_until=until, granted_by=actor
            )
        elif not ended:
            return None
        audit_record(
            action="update",
            obj=locked,
            actor=actor,
            summary=(
                f"Pemisahan tugas dilonggarkan untuk {locked.code} s.d. {until:%d-%m-%Y}: {reason}"
                if reason
                else f"Pemisahan tugas berlaku lagi untuk {locked.code}"
            ),
            changes={"duty_relaxation": {"reason": reason, "valid_until": until.isoformat() if reason else None}},
        )
    return relaxation
