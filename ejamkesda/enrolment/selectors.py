"""Reads of the enrolment app. Applications hold person-level data: UPT staff only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from ejamkesda.core.permissions import user_has_role
from ejamkesda.core.roles import UPT_ROLES
from ejamkesda.enrolment.models import Application, ApplicationOutcome, ApplicationStatus
from ejamkesda.enrolment.tracking import tracking_code_normalise
from ejamkesda.participants.models import Membership, MembershipStatus, Programme


def active_memberships(*, nik: str, on: dt.date | None = None) -> list[Membership]:
    """Active JKN or Jamkesda memberships of the person with ``nik`` on date ``on`` (today)."""
    on = on or timezone.localdate()
    return list(
        Membership.objects.filter(
            person__nik=nik,
            programme__in=[Programme.JKN, Programme.JAMKESDA],
            status=MembershipStatus.ACTIVE,
        )
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("programme", "-valid_from")
    )


def applications_visible_to(user: Any) -> QuerySet[Application]:
    if user_has_role(user, UPT_ROLES):
        return Application.objects.all()
    return Application.objects.none()


def application_queue(*, user: Any, status: str = ApplicationStatus.SUBMITTED) -> QuerySet[Application]:
    """Oldest first (the desk works first come, first served)."""
    fields = ("id", "tracking_code", "name", "status", "submitted_at", "decided_at", "outcome")
    return applications_visible_to(user).filter(status=status).only(*fields).order_by("submitted_at", "id")


COUNT_CAP = 10_000


def capped_count(queryset: QuerySet[Any], cap: int | None = None) -> int:
    """Rows in ``queryset``, counted up to ``cap + 1`` only (a bounded index scan; the desk
    shows "10000+"), so the tabs stay fast however many decided applications pile up."""
    cap = COUNT_CAP if cap is None else cap
    return queryset.values("pk")[: cap + 1].count()


def count_label(count: int, cap: int | None = None) -> int | str:
    cap = COUNT_CAP if cap is None else cap
    return f"{cap}+" if count > cap else count


def application_counts(*, user: Any) -> dict[str, int]:
    visible = applications_visible_to(user)
    return {status.value: capped_count(visible.filter(status=status)) for status in ApplicationStatus}


def application_by_tracking_code(code: str) -> Application | None:
    normalised = tracking_code_normalise(code)
    if normalised is None:
        return None
    return Application.objects.filter(tracking_code=normalised).first()


def pbpu_bp_pemda_proposals(*, user: Any) -> QuerySet[Application]:
    """Approved applications proposed for JKN registration as PBPU/BP Pemda, oldest decision first."""
    return (
        applications_visible_to(user)
        .filter(status=ApplicationStatus.APPROVED, outcome=ApplicationOutcome.PBPU_BP_PEMDA)
        .select_related("decided_by")
        .order_by("decided_at", "id")
    )
