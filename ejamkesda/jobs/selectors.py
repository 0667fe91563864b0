"""Reads of jobs, scoped by the user's room (docs/peran.md and docs/arsitektur.md).

UPT staff and superusers see every job; an OPD operator sees the jobs of their agency;
a PPK operator or treasurer those of their provider; anyone else none. A job outside the
user's scope is a 404, never a 403 (its existence is not revealed).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from ejamkesda.core.roles import AGENCY_BOUND_ROLES, PROVIDER_BOUND_ROLES, UPT_ROLES
from ejamkesda.jobs.models import Job


def jobs_visible_to(user: Any) -> QuerySet[Job]:
    jobs = Job.objects.select_related("created_by")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return jobs.none()
    if user.is_superuser or user.role in UPT_ROLES:
        return jobs
    if user.role in AGENCY_BOUND_ROLES and user.agency_id:
        return jobs.filter(agency_id=user.agency_id)
    if user.role in PROVIDER_BOUND_ROLES and user.provider_id:
        return jobs.filter(provider_id=user.provider_id)
    return jobs.none()


def job_get_for(*, user: Any, job_id: int) -> Job:
    try:
        return jobs_visible_to(user).get(pk=job_id)
    except Job.DoesNotExist:
        raise Http404 from None
