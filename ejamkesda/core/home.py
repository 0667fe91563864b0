"""What waits for each role: the queries behind the staff home page (``core:dashboard``).

Every role's home is its work queue: counts, the oldest items first with their age, and
the few figures that role watches (docs/beranda-petugas.md). Each queue is
read through the domain's own ``*_visible_to`` selectors, so a home shows exactly what
the role may open, and nothing else. The PPK operator's coverage check is in
``ejamkesda.core.home_check``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from ejamkesda.core import policy
from ejamkesda.core.home_queues import (
    Figure,
    Home,
    Queue,
    QueueItem,
    applications_waiting,
    claims_to_batch,
    claims_waiting,
    complaints_new,
    complaints_overdue,
    imports_failed,
    queue_of,
    referrals_incoming,
    returned_to_provider,
    sjps_waiting,
)
from ejamkesda.core.roles import Role

__all__ = ["Figure", "Home", "Queue", "QueueItem", "home_for"]


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
    from ejamkesda.services.selectors import claims_visible_to

    # Totals, not claim records: the services selector scopes them (regency-wide for the
    # leadership, one provider for its treasurer) without the per-record role gate.
    year = timezone.localdate().year
    claims = claims_visible_to(user).filter(submitted_at__year=year)
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
        queue_of(_("Perhitungan jaspel perlu diverifikasi"), runs.filter(status=RunStatus.DRAFT), index, item),
        queue_of(_("Perhitungan jaspel perlu disetujui"), runs.filter(status=RunStatus.VERIFIED), index, item),
        queue_of(_("Slip jaspel belum dibayar"), runs.filter(status=RunStatus.APPROVED), index, item),
    ]


def opd_tasks(user: Any) -> Queue:
    from ejamkesda.coverage.models import InstructionTask

    tasks = InstructionTask.objects.filter(active=True, agency_id=user.agency_id, progress_percent__lt=100)
    if not user.agency_id:
        tasks = tasks.none()

    def item(task: Any) -> QueueItem:
        return QueueItem(
            label=f"{task.label}: {Truncator(task.text).chars(90)}",
            url=reverse("coverage:task", args=[task.pk]),
            note=f"{task.progress_percent}%",
        )

    return queue_of(
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

    return queue_of(_("Pesanan pengadaan belum dibayar"), open_, reverse("funds:procurement"), item)


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
    return Home(
        queues=[procurement_orders(user)],
        links=[
            (_("Pengadaan obat, alkes, BMHP"), reverse("funds:procurement")),
            (_("Anggaran"), reverse("funds:budget")),
        ],
    )


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
