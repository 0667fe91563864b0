"""Reads of complaints: UPT staff only (a complaint may hold personal data)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ejamkesda.complaints.models import Complaint, ComplaintStatus
from ejamkesda.core.permissions import user_has_role
from ejamkesda.core.roles import UPT_ROLES, Role
from ejamkesda.enrolment.selectors import capped_count
from ejamkesda.enrolment.tracking import tracking_code_normalise


def complaints_visible_to(user: Any) -> QuerySet[Complaint]:
    if user_has_role(user, UPT_ROLES):
        return Complaint.objects.all()
    return Complaint.objects.none()


def complaint_queue(*, user: Any, status: str = ComplaintStatus.NEW, mine: bool = False) -> QuerySet[Complaint]:
    """Oldest first."""
    queryset = complaints_visible_to(user).filter(status=status).select_related("assigned_to")
    if mine:
        queryset = queryset.filter(assigned_to=user)
    return queryset.defer("description", "response").order_by("created_at", "id")


def complaint_counts(*, user: Any) -> dict[str, int]:
    visible = complaints_visible_to(user)
    return {status.value: capped_count(visible.filter(status=status)) for status in ComplaintStatus}


def complaint_by_tracking_code(code: str) -> Complaint | None:
    normalised = tracking_code_normalise(code)
    if normalised is None:
        return None
    return Complaint.objects.filter(tracking_code=normalised).first()


def assignable_users() -> QuerySet[Any]:
    from ejamkesda.accounts.models import User

    return User.objects.filter(role__in=[Role.UPT_VERIFIER, Role.UPT_ADMIN], is_active=True).order_by("username")
