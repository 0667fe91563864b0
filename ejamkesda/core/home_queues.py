"""Work queues of the staff home (``ejamkesda.core.home``): letters, claims, the UPT desk.

Shared types (``Queue``, ``QueueItem``, ``Figure``, ``Home``) live here too.

Every role's home is its work queue: counts, the oldest items first with their age, and
the few figures that role watches (docs/beranda-petugas.md). Each queue is
read through the domain's own ``*_visible_to`` selectors, so a home shows exactly what
the role may open, and nothing else. The PPK operator's coverage check is in
``ejamkesda.core.home_check``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.core import policy

PREVIEW = 5  # items listed under each queue, oldest first


@dataclass(frozen=True)
class QueueItem:
    label: str
    url: str
    since: dt.datetime | dt.date | None = None
    note: str = ""

    @property
    def age_days(self) -> int | None:
        if self.since is None:
            return None
        since = self.since
        if isinstance(since, dt.datetime):
            since = timezone.localtime(since).date()
        return max((timezone.localdate() - since).days, 0)


@dataclass(frozen=True)
class Queue:
    """One kind of work: how many wait, where the full list is, the oldest few."""

    label: str
    count: int
    url: str
    items: list[QueueItem] = field(default_factory=list)
    overdue: int = 0  # of ``count``, past the time the regulation or the office allows
    overdue_label: str = ""


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | str
    url: str = ""
    money: bool = False  # integer rupiah
    percent: bool = False


@dataclass
class Home:
    queues: list[Queue] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url): the role's next steps
    coverage_check: bool = False

    @property
    def waiting(self) -> int:
        return sum(queue.count for queue in self.queues)


def queue_of(
    label: str,
    queryset: QuerySet[Any],
    url: str,
    item: Callable[..., QueueItem],
    *,
    user: Any = None,
    **extra: Any,
) -> Queue:
    """``item(obj)`` (or ``item(obj, user)`` when ``user`` is given) describes one object."""
    count = queryset.count()
    objects = queryset[:PREVIEW] if count else []
    items = [item(obj, user) if user is not None else item(obj) for obj in objects]
    return Queue(label=label, count=count, url=url, items=items, **extra)


def _older_than(moment_field: str, days: int) -> dict[str, dt.datetime]:
    return {f"{moment_field}__lt": timezone.now() - dt.timedelta(days=days)}


# --- letters and claims (verifier, admin, PPK operator) ----------------------------------
def _whom(obj: Any, user: Any) -> str:
    """A provider's own staff know the provider: they see the patient; the UPT sees the provider."""
    return str(obj.person.name if getattr(user, "provider_id", None) else obj.provider.name)


def _sjp_item(sjp: Any, user: Any = None) -> QueueItem:
    return QueueItem(
        label=f"{sjp.number or _('SJP #%(id)s') % {'id': sjp.pk}} · {_whom(sjp, user)}",
        url=reverse("services:sjp_detail", args=[sjp.pk]),
        since=sjp.requested_at,
        note=sjp.get_service_kind_display(),
    )


def _claim_item(claim: Any, user: Any = None) -> QueueItem:
    return QueueItem(
        label=_("Klaim #%(id)s · %(provider)s") % {"id": claim.pk, "provider": _whom(claim, user)},
        url=reverse("services:claim_detail", args=[claim.pk]),
        since=claim.submitted_at,
        note=claim.get_service_kind_display(),
    )


def sjps_waiting(user: Any) -> Queue:
    from ejamkesda.services.models import Sjp

    waiting = policy.sjps_visible_to(user).filter(status=Sjp.Status.REQUESTED).order_by("requested_at", "id")
    return queue_of(
        _("SJP menunggu keputusan"), waiting, reverse("services:sjp_list") + "?status=diajukan", _sjp_item, user=user
    )


def claims_waiting(user: Any) -> Queue:
    from ejamkesda.rules.claims import ClaimState

    waiting = policy.claims_visible_to(user).filter(status=ClaimState.SUBMITTED.value).order_by("submitted_at", "id")
    days = settings.CLAIM_VERIFICATION_SLA_DAYS
    return queue_of(
        _("Klaim menunggu verifikasi"),
        waiting,
        reverse("services:claim_list") + "?status=diajukan",
        _claim_item,
        user=user,
        overdue=waiting.filter(**_older_than("submitted_at", days)).count(),
        overdue_label=_("lebih dari %(days)s hari") % {"days": days},
    )


def claims_to_batch(user: Any) -> Queue:
    """Approved claims in no payment batch yet: the next step after verification."""
    from ejamkesda.rules.claims import ClaimState

    unbatched = (
        policy.claims_visible_to(user)
        .filter(status__in=[ClaimState.APPROVED.value, ClaimState.ADJUSTED.value], payment_batch__isnull=True)
        .order_by("decided_at", "id")
    )
    return queue_of(
        _("Klaim disetujui belum masuk batch pembayaran"),
        unbatched,
        reverse("services:payment_list"),
        _claim_item,
        user=user,
    )


def returned_to_provider(user: Any) -> list[Queue]:
    """A PPK's letters refused and claims sent back for correction (last 30 days)."""
    from ejamkesda.rules.claims import ClaimState
    from ejamkesda.services.models import Sjp

    returned = policy.claims_visible_to(user).filter(status=ClaimState.RETURNED.value).order_by("decided_at", "id")
    refused = (
        policy.sjps_visible_to(user)
        .filter(status=Sjp.Status.REJECTED, **{"decided_at__gte": timezone.now() - dt.timedelta(days=30)})
        .order_by("decided_at", "id")
    )
    return [
        queue_of(
            _("Klaim dikembalikan untuk perbaikan"),
            returned,
            reverse("services:claim_list") + "?status=dikembalikan",
            _claim_item,
            user=user,
        ),
        queue_of(
            _("SJP ditolak (30 hari terakhir)"),
            refused,
            reverse("services:sjp_list") + "?status=ditolak",
            _sjp_item,
            user=user,
        ),
    ]


def referrals_incoming(user: Any) -> Queue:
    from ejamkesda.services.models import Referral

    incoming = (
        policy.referrals_visible_to(user)
        .filter(to_provider_id=user.provider_id, status=Referral.Status.SENT)
        .order_by("created_at", "id")
    )

    def item(referral: Any) -> QueueItem:
        return QueueItem(
            label=_("Rujukan #%(id)s dari %(provider)s") % {"id": referral.pk, "provider": referral.from_provider.name},
            url=reverse("services:referral_detail", args=[referral.pk]),
            since=referral.created_at,
        )

    return queue_of(_("Rujukan masuk belum dijawab"), incoming, reverse("services:referral_list"), item)


# --- UPT admin desk -------------------------------------------------------------------
def applications_waiting(user: Any) -> Queue:
    from ejamkesda.enrolment.selectors import application_queue

    def item(application: Any) -> QueueItem:
        return QueueItem(
            label=f"{application.tracking_code} · {application.name}",
            url=reverse("enrolment:detail", args=[application.pk]),
            since=application.submitted_at,
        )

    return queue_of(_("Pengajuan kepesertaan menunggu"), application_queue(user=user), reverse("enrolment:desk"), item)


def imports_failed(user: Any) -> Queue:
    from ejamkesda.jobs.models import Job
    from ejamkesda.jobs.registry import get_import_kind

    failed = Job.objects.filter(status=Job.Status.FAILED, **_recent("created_at", 30)).order_by("created_at", "id")
    if not policy.is_regency_wide(user):
        failed = failed.none()

    def item(job: Any) -> QueueItem:
        return QueueItem(
            label=_("Impor #%(id)s · %(kind)s") % {"id": job.pk, "kind": _kind_label(get_import_kind, job.kind)},
            url=reverse("jobs:detail", args=[job.pk]),
            since=job.created_at,
        )

    return queue_of(_("Impor gagal (30 hari terakhir)"), failed, reverse("jobs:list"), item)


def _kind_label(lookup: Callable[[str], Any], key: str) -> str:
    try:
        return str(lookup(key).label)
    except LookupError:
        return key


def _recent(moment_field: str, days: int) -> dict[str, dt.datetime]:
    return {f"{moment_field}__gte": timezone.now() - dt.timedelta(days=days)}


def _complaint_item(complaint: Any) -> QueueItem:
    return QueueItem(
        label=f"{complaint.tracking_code} · {complaint.get_category_display()}",
        url=reverse("complaints:detail", args=[complaint.pk]),
        since=complaint.created_at,
    )


def complaints_overdue(user: Any) -> Queue:
    """Complaints not yet answered after ``COMPLAINT_ANSWER_DAYS`` days, oldest first."""
    from ejamkesda.complaints.models import ComplaintStatus
    from ejamkesda.complaints.selectors import complaints_visible_to

    days = settings.COMPLAINT_ANSWER_DAYS
    open_ = complaints_visible_to(user).filter(status__in=[ComplaintStatus.NEW, ComplaintStatus.ASSIGNED])
    late = open_.filter(**_older_than("created_at", days)).defer("description", "response").order_by("created_at", "id")

    label = _("Pengaduan lewat batas jawab (%(days)s hari)") % {"days": days}
    return queue_of(label, late, reverse("complaints:desk"), _complaint_item)


def complaints_new(user: Any) -> Queue:
    from ejamkesda.complaints.models import ComplaintStatus
    from ejamkesda.complaints.selectors import complaint_queue

    queue = complaint_queue(user=user, status=ComplaintStatus.NEW)
    return queue_of(_("Pengaduan baru belum ditangani"), queue, reverse("complaints:desk"), _complaint_item)
