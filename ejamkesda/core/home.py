"""What waits for each role: the queries behind the staff home page (``core:dashboard``).

Every role's home is its work queue: counts, the oldest items first with their age, and
the few figures that role watches (docs/README.md, "Beranda per peran"). Each queue is
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
from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.core import policy
from ejamkesda.core.roles import Role

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


def _queue(
    label: str,
    queryset: QuerySet[Any],
    url: str,
    item: Callable[[Any], QueueItem],
    **extra: Any,
) -> Queue:
    count = queryset.count()
    items = [item(obj) for obj in queryset[:PREVIEW]] if count else []
    return Queue(label=label, count=count, url=url, items=items, **extra)


def _older_than(moment_field: str, days: int) -> dict[str, dt.datetime]:
    return {f"{moment_field}__lt": timezone.now() - dt.timedelta(days=days)}


# --- letters and claims (verifier, admin, PPK operator) ----------------------------------
def _sjp_item(sjp: Any) -> QueueItem:
    return QueueItem(
        label=f"{sjp.number or _('SJP #%(id)s') % {'id': sjp.pk}} · {sjp.provider.name}",
        url=reverse("services:sjp_detail", args=[sjp.pk]),
        since=sjp.requested_at,
        note=sjp.get_service_kind_display(),
    )


def _claim_item(claim: Any) -> QueueItem:
    return QueueItem(
        label=_("Klaim #%(id)s · %(provider)s") % {"id": claim.pk, "provider": claim.provider.name},
        url=reverse("services:claim_detail", args=[claim.pk]),
        since=claim.submitted_at,
        note=claim.get_service_kind_display(),
    )


def sjps_waiting(user: Any) -> Queue:
    from ejamkesda.services.models import Sjp

    waiting = policy.sjps_visible_to(user).filter(status=Sjp.Status.REQUESTED).order_by("requested_at", "id")
    return _queue(_("SJP menunggu keputusan"), waiting, reverse("services:sjp_list") + "?status=diajukan", _sjp_item)


def claims_waiting(user: Any) -> Queue:
    from ejamkesda.rules.claims import ClaimState

    waiting = policy.claims_visible_to(user).filter(status=ClaimState.SUBMITTED.value).order_by("submitted_at", "id")
    days = settings.CLAIM_VERIFICATION_SLA_DAYS
    return _queue(
        _("Klaim menunggu verifikasi"),
        waiting,
        reverse("services:claim_list") + "?status=diajukan",
        _claim_item,
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
    return _queue(
        _("Klaim disetujui belum masuk batch pembayaran"), unbatched, reverse("services:payment_list"), _claim_item
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
        _queue(
            _("Klaim dikembalikan untuk perbaikan"),
            returned,
            reverse("services:claim_list") + "?status=dikembalikan",
            _claim_item,
        ),
        _queue(
            _("SJP ditolak (30 hari terakhir)"), refused, reverse("services:sjp_list") + "?status=ditolak", _sjp_item
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

    return _queue(_("Rujukan masuk belum dijawab"), incoming, reverse("services:referral_list"), item)


# --- UPT admin desk -------------------------------------------------------------------
def applications_waiting(user: Any) -> Queue:
    from ejamkesda.enrolment.selectors import application_queue

    def item(application: Any) -> QueueItem:
        return QueueItem(
            label=application.tracking_code,
            url=reverse("enrolment:detail", args=[application.pk]),
            since=application.submitted_at,
        )

    return _queue(_("Pengajuan kepesertaan menunggu"), application_queue(user=user), reverse("enrolment:desk"), item)


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

    return _queue(_("Impor gagal (30 hari terakhir)"), failed, reverse("jobs:list"), item)


def _kind_label(lookup: Callable[[str], Any], key: str) -> str:
    try:
        return str(lookup(key).label)
    except LookupError:
        return key


def _recent(moment_field: str, days: int) -> dict[str, dt.datetime]:
    return {f"{moment_field}__gte": timezone.now() - dt.timedelta(days=days)}


def complaints_overdue(user: Any) -> Queue:
    """Complaints not yet answered after ``COMPLAINT_ANSWER_DAYS`` days, oldest first."""
    from ejamkesda.complaints.models import ComplaintStatus
    from ejamkesda.complaints.selectors import complaints_visible_to

    days = settings.COMPLAINT_ANSWER_DAYS
    open_ = complaints_visible_to(user).filter(status__in=[ComplaintStatus.NEW, ComplaintStatus.ASSIGNED])
    late = open_.filter(**_older_than("created_at", days)).defer("description", "response").order_by("created_at", "id")

    def item(complaint: Any) -> QueueItem:
        return QueueItem(
            label=f"{complaint.tracking_code} · {complaint.get_category_display()}",
            url=reverse("complaints:detail", args=[complaint.pk]),
            since=complaint.created_at,
        )

    queue = _queue(
        _("Pengaduan lewat batas jawab (%(days)s hari)") % {"days": days}, late, reverse("complaints:desk"), item
    )
    return queue


def complaints_new(user: Any) -> Queue:
    from ejamkesda.complaints.models import ComplaintStatus
    from ejamkesda.complaints.selectors import complaint_queue

    def item(complaint: Any) -> QueueItem:
        return QueueItem(
            label=f"{complaint.tracking_code} · {complaint.get_category_display()}",
            url=reverse("complaints:detail", args=[complaint.pk]),
            since=complaint.created_at,
        )

    queue = complaint_queue(user=user, status=ComplaintStatus.NEW)
    return _queue(_("Pengaduan baru belum ditangani"), queue, reverse("complaints:desk"), item)


# --- money and coverage figures ------------------------------------------------------
def coverage_figures(user: Any) -> list[Figure]:
    """The regency's latest computed coverage (the one coverage rule, rules/coverage.py)."""
    from ejamkesda.coverage.models import CoverageStat
    from ejamkesda.coverage.selectors import latest_period
    from ejamkesda.rules.coverage import coverage

    period = latest_period()
    stat = CoverageStat.objects.filter(period=period, region_code=settings.REGENCY_CODE).first() if period else None
    url = reverse("coverage:dashboard")
    if stat is None:
        return [Figure(_("Cakupan UHC"), _("belum dihitung"), url)]
    figures = coverage(stat.population, stat.registered, stat.active)
    month = f"{period.month:%m-%Y}" if period else ""
    inactive = reverse("coverage:inactive")
    return [
        Figure(_("Penduduk (%(month)s)") % {"month": month}, figures.population, url),
        Figure(_("Terdaftar JKN"), str(figures.registered_percent or 0), url, percent=True),
        Figure(_("Peserta JKN aktif"), str(figures.active_percent or 0), url, percent=True),
        Figure(
            _("Belum aktif"), figures.not_active, inactive if policy.has_role(user, policy.INACTIVE_LIST_ROLES) else ""
        ),
    ]


def money_figures(user: Any) -> list[Figure]:
    """This year's claims: approved and paid totals (integer rupiah)."""
    from ejamkesda.rules.claims import ClaimState

    year = timezone.localdate().year
    claims = policy.claims_visible_to(user).filter(submitted_at__year=year)
    approved = claims.filter(
        status__in=[ClaimState.APPROVED, ClaimState.ADJUSTED, ClaimState.IN_PAYMENT, ClaimState.PAID]
    ).aggregate(total=Sum("approved_total"))["total"]
    paid = claims.filter(status=ClaimState.PAID).aggregate(total=Sum("approved_total"))["total"]
    reports = reverse("services:reports")
    return [
        Figure(_("Klaim disetujui %(year)s") % {"year": year}, approved or 0, reports, money=True),
        Figure(_("Klaim dibayar %(year)s") % {"year": year}, paid or 0, reports, money=True),
    ]


# --- treasurer, OPD, procurement --------------------------------------------------------
def jaspel_runs(user: Any) -> list[Queue]:
    """Service-fee runs by the step they wait for: verify, approve, pay (slips unpaid)."""
    from ejamkesda.funds.models import RunStatus
    from ejamkesda.funds.selectors import runs_visible_to

    runs = runs_visible_to(user).select_related("provider").order_by("created_at", "id")

    def item(run: Any) -> QueueItem:
        return QueueItem(
            label=f"{run.provider.name} {run.period_label}",
            url=reverse("funds:run_detail", args=[run.pk]),
            since=run.created_at,
        )

    index = reverse("funds:index")
    return [
        _queue(_("Perhitungan jaspel perlu diverifikasi"), runs.filter(status=RunStatus.DRAFT), index, item),
        _queue(_("Perhitungan jaspel perlu disetujui"), runs.filter(status=RunStatus.VERIFIED), index, item),
        _queue(_("Slip jaspel belum dibayar"), runs.filter(status=RunStatus.APPROVED), index, item),
    ]


def opd_tasks(user: Any) -> Queue:
    from ejamkesda.coverage.models import InstructionTask

    tasks = InstructionTask.objects.filter(active=True, agency_id=user.agency_id, progress_percent__lt=100)
    if not user.agency_id:
        tasks = tasks.none()

    def item(task: Any) -> QueueItem:
        return QueueItem(
            label=f"{task.label}: {task.text[:80]}",
            url=reverse("coverage:task", args=[task.pk]),
            note=f"{task.progress_percent}%",
        )

    return _queue(
        _("Tugas instruksi OPD belum selesai"),
        tasks.order_by("progress_percent", "point"),
        reverse("coverage:tasks"),
        item,
    )


def inactive_follow_up(user: Any) -> Queue:
    """The follow-up list of inactive JKN members (latest period), for UPT and OPD."""
    from ejamkesda.coverage.selectors import inactive_members, latest_period

    period = latest_period()
    members = inactive_members(period) if period else None
    count = members.count() if members is not None else 0
    return Queue(_("Peserta JKN tidak aktif untuk ditindaklanjuti"), count, reverse("coverage:inactive"))


def procurement_orders(user: Any) -> Queue:
    from ejamkesda.funds.models import OrderStatus
    from ejamkesda.funds.selectors import orders_visible_to

    open_ = orders_visible_to(user).exclude(status=OrderStatus.PAID).order_by("id")

    def item(order: Any) -> QueueItem:
        return QueueItem(
            label=str(order),
            url=reverse("funds:order_detail", args=[order.pk]),
            note=order.get_status_display(),
        )

    return _queue(_("Pesanan pengadaan belum dibayar"), open_, reverse("funds:procurement"), item)


# --- the home of each role --------------------------------------------------------------
def _verifier(user: Any) -> Home:
    return Home(
        queues=[sjps_waiting(user), claims_waiting(user), claims_to_batch(user), complaints_new(user)],
        links=[(_("Cari peserta"), reverse("participants:search")), (_("Laporan klaim"), reverse("services:reports"))],
    )


def _admin(user: Any) -> Home:
    return Home(
        queues=[
            applications_waiting(user),
            imports_failed(user),
            complaints_overdue(user),
            sjps_waiting(user),
            claims_waiting(user),
        ],
        figures=coverage_figures(user),
        links=[
            (_("Pengguna"), reverse("accounts:users")),
            (_("Permintaan data pribadi"), reverse("privacy:subject_request")),
            (_("Log audit"), reverse("audit:list")),
        ],
    )


def _ppk(user: Any) -> Home:
    return Home(
        queues=[*returned_to_provider(user), sjps_waiting(user), referrals_incoming(user)],
        links=[(_("Buat SJP"), reverse("services:sjp_new")), (_("Buat rujukan"), reverse("services:referral_new"))],
        coverage_check=True,
    )


def _treasurer(user: Any) -> Home:
    return Home(queues=jaspel_runs(user), figures=money_figures(user))


def _opd(user: Any) -> Home:
    return Home(
        queues=[opd_tasks(user), inactive_follow_up(user)],
        links=[(_("Daftar sektor"), reverse("coverage:sector_lists"))],
    )


def _viewer(user: Any) -> Home:
    return Home(figures=[*coverage_figures(user), *money_figures(user)])


def _procurement(user: Any) -> Home:
    return Home(queues=[procurement_orders(user)])


HOMES: dict[str, Callable[[Any], Home]] = {
    Role.UPT_ADMIN: _admin,
    Role.UPT_VERIFIER: _verifier,
    Role.PPK_OPERATOR: _ppk,
    Role.TREASURER: _treasurer,
    Role.OPD_OPERATOR: _opd,
    Role.VIEWER: _viewer,
    Role.PROCUREMENT_OFFICER: _procurement,
}


def home_for(user: Any) -> Home:
    """The work waiting for ``user``; a superuser sees the UPT admin's home."""
    role = Role.UPT_ADMIN if user.is_superuser else user.role
    build = HOMES.get(role)
    return build(user) if build else Home()
