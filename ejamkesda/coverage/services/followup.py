"""Recording each person's follow-up status (Instruksi Bupati Tegal 379/2022 KEDUA angka 3–19, 20, 22)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ejamkesda.accounts.models import Agency
from ejamkesda.audit.services import audit_record
from ejamkesda.coverage.models import FollowUp, FollowUpStatus

VILLAGE_SCOPE = "desa"
INACTIVE_SCOPE = "nonaktif"


def agency_scope(agency: Agency) -> str:
    return f"opd-{agency.pk}"


def followup_record(
    *, scope: str, nik: str, status: str, note: str = "", actor: Any, agency: Agency | None = None
) -> FollowUp:
    """Set one person's follow-up status on one list; every change is audit-logged."""
    if status not in FollowUpStatus.values:
        raise ValidationError(_("Status tindak lanjut tidak dikenal."))
    with transaction.atomic():
        item, created = FollowUp.objects.select_for_update().get_or_create(
            scope=scope, nik=nik, defaults={"agency": agency, "status": FollowUpStatus.OPEN}
        )
        before = "" if created else item.status
        item.status = status
        item.note = note[:300]
        item.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        item.save()
        audit_record(
            action="update",
            obj=item,
            summary=f"Tindak lanjut {scope}: {before or '-'} → {status}",
            changes={"status": [before, status], "note": note[:300]},
            actor=actor,
        )
    return item
