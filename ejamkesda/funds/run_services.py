"""Distribution runs of jasa pelayanan: draft → verified → approved (locked) → paid.

A run fixes provider, months, profile version, formula and pool, and stores every person's
variables, explanations, share, tax and net. An approved run is never changed: running it
again creates a new version (``run_rerun``) whose differences are shown by ``run_diff``.
Kapuas Hulu pays an annual pool by the monthly attendance of the previous year (Perbup
Kapuas Hulu 9/2015 Pasal 20), so a run covers a range of months, computed month by month
(``rules.jaspel_range``) from the staff history (``staff_history``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.audit.models import AuditLog
from ejamkesda.audit.services import audit_record
from ejamkesda.core.duties import check_separation
from ejamkesda.core.permissions import user_has_role
from ejamkesda.core.roles import Role
from ejamkesda.funds.models import (
    DistributionRun,
    FundPool,
    RegulationProfile,
    RunLine,
    RunStatus,
    ServiceCaseCount,
)
from ejamkesda.funds.services import month_end, month_start, profile_parsed
from ejamkesda.funds.staff_history import people_for_months
from ejamkesda.providers.models import Provider
from ejamkesda.rules.formula import FormulaError
from ejamkesda.rules.jaspel import CalculationError, points_repr
from ejamkesda.rules.jaspel_range import RangeCalculation, RangeResult, calculate_range, month_range

# Who may move a run to each state. A treasurer prepares and verifies; Dinas Kesehatan
# (UPT admin) approves and thereby locks; the treasurer records the payment.
TRANSITIONS: dict[str, tuple[tuple[str, ...], tuple[Role, ...]]] = {
    RunStatus.VERIFIED: ((RunStatus.DRAFT,), (Role.TREASURER, Role.UPT_ADMIN, Role.UPT_VERIFIER)),
    RunStatus.APPROVED: ((RunStatus.VERIFIED,), (Role.UPT_ADMIN,)),
    RunStatus.PAID: ((RunStatus.APPROVED,), (Role.TREASURER, Role.UPT_ADMIN)),
}


def pool_available(
    *, provider: Provider, period_from: dt.date, period_to: dt.date, source: str, pool_code: str, service_kind: str = ""
) -> int:
    """Sum of the pool ``pool_code`` of the provider's receipts in the months (and source/service kind)."""
    pools = FundPool.objects.filter(
        receipt__provider=provider,
        receipt__period__gte=month_start(period_from),
        receipt__period__lte=month_start(period_to),
        code=pool_code,
    )
    if source:
        pools = pools.filter(receipt__source=source)
    if service_kind:
        pools = pools.filter(receipt__service_kind=service_kind)
    return int(pools.aggregate(total=Sum("amount"))["total"] or 0)


def month_rows(result: RangeResult) -> list[dict[str, Any]]:
    """A run line's month-by-month table (stored on the line, shown on the slip and recap)."""
    return [
        {
            "bulan": f"{month.bulan:%Y-%m}",
            "bekerja": month.employed,
            "variables": month.variables,
            # Per month only the attendance is explained (the variables are the same tables
            # as a single month's); keeps a year for thousands of staff small.
            "explanations": {"kehadiran": month.explanations["kehadiran"]} if month.employed else {},
            "points": str(points_repr(month.points)),
        }
        for month in result.months
    ]


def _compute(run: DistributionRun) -> RangeCalculation:
    """Every run is computed month by month (Perbup Kapuas Hulu 9/2015 Pasal 20): each
    month's values from the staff history, that month's attendance and points, summed."""
    parsed = profile_parsed(run.profile)
    months = month_range(run.period_from, run.period_to)
    by_id, people = people_for_months(run.provider, months)
    if not people:
        raise ValidationError(_("Roster PPK ini kosong: tambahkan pegawai terlebih dahulu."))
    cases: list[int] | None = None
    if run.service_kind:
        counts: dict[int, int] = defaultdict(int)
        for row in ServiceCaseCount.objects.filter(
            staff__in=list(by_id.values()),
            service_kind=run.service_kind,
            period__gte=month_start(run.period_from),
            period__lte=month_start(run.period_to),
        ):
            counts[row.staff_id] += row.cases
        cases = [counts[int(person.id)] for person in people]
    try:
        result = calculate_range(
            profile=parsed,
            people=people,
            months=months,
            pool=run.pool_amount,
            formula=run.formula,
            cases=cases,
            method=run.method or None,
        )
    except (CalculationError, FormulaError) as exc:
        raise ValidationError(str(exc)) from exc
    run.total_points = str(points_repr(result.total_points))
    run.save(update_fields=["total_points"])
    RunLine.objects.filter(run=run).delete()
    single = len(months) == 1
    RunLine.objects.bulk_create(
        RunLine(
            run=run,
            staff=by_id[row.staff.id],
            position=index,
            name=row.staff.nama,
            employee_no=by_id[row.staff.id].employee_no,
            bank_name=by_id[row.staff.id].bank_name,
            bank_account=by_id[row.staff.id].bank_account,
            points=str(points_repr(row.points)),
            # One month: that month's variables; several: per month in ``months``.
            variables={**(row.months[0].variables if single else {}), **row.variables},
            explanations={
                **(row.months[0].explanations if single else {}),
                **row.explanations,
                "pajak": row.tax_explanation,
            },
            share=row.share,
            tax_rate=str(row.tax_rate),
            tax=row.tax,
            net=row.net,
            months=[] if single else month_rows(row),
        )
        for index, row in enumerate(result.results, start=1)
    )
    return result


@transaction.atomic
def run_create(
    *,
    provider: Provider,
    period_from: dt.date,
    period_to: dt.date,
    profile: RegulationProfile,
    actor: Any,
    source: str = "",
    pool_amount: int | None = None,
    formula: str = "",
    previous: DistributionRun | None = None,
    service_kind: str = "",
    method: str = "",
) -> DistributionRun:
    """A draft run: the pool (given, or summed from the receipts' pools) shared by points.

    With ``service_kind`` (non-capitation) only the staff who did that service share the
    pool, by points or per case (``method``, default from the profile).
    """
    period_from, period_to = month_start(period_from), month_start(period_to)
    if period_to < period_from:
        raise ValidationError(_("Bulan akhir tidak boleh sebelum bulan awal."))
    parsed = profile_parsed(profile)
    if month_end(period_to) < parsed.effective_from:
        raise ValidationError(
            _("Profil %(profile)s baru berlaku mulai %(date)s.")
            % {"profile": profile, "date": f"{parsed.effective_from:%d-%m-%Y}"}
        )
    if pool_amount is None:
        pool_amount = pool_available(
            provider=provider,
            period_from=period_from,
            period_to=period_to,
            source=source,
            pool_code=parsed.jaspel_pool,
            service_kind=service_kind,
        )
    if pool_amount <= 0:
        raise ValidationError(
            _("Dana jasa pelayanan untuk periode ini nol: catat penerimaan dana atau isi jumlah dana.")
        )
    version = 1
    if previous is not None:
        siblings = DistributionRun.objects.filter(
            provider=provider,
            period_from=previous.period_from,
            period_to=previous.period_to,
            source=previous.source,
            service_kind=previous.service_kind,
        )
        version = (siblings.aggregate(v=Max("version"))["v"] or 0) + 1
    run = DistributionRun.objects.create(
        provider=provider,
        period_from=period_from,
        period_to=period_to,
        profile=profile,
        formula=formula or parsed.formula.text,
        source=source,
        service_kind=service_kind,
        method=(method or parsed.noncap_method) if service_kind else "",
        pool_amount=pool_amount,
        version=version,
        previous=previous,
        created_by=actor,
    )
    _compute(run)
    audit_record(
        action=AuditLog.Action.CREATE,
        obj=run,
        actor=actor,
        summary=f"Pembagian jasa pelayanan {run.period_label} v{version}: Rp {pool_amount}, profil {profile}",
    )
    return run


@transaction.atomic
def run_recalculate(*, run: DistributionRun, actor: Any) -> DistributionRun:
    """Recompute a run that is not approved yet (after attendance or roster corrections)."""
    run = DistributionRun.objects.select_for_update().get(pk=run.pk)
    if run.locked:
        raise ValidationError(_("Pembagian yang sudah disetujui terkunci; gunakan 'jalankan ulang' (versi baru)."))
    run.status = RunStatus.DRAFT
    run.verified_by, run.verified_at = None, None
    run.save(update_fields=["status", "verified_by", "verified_at"])
    _compute(run)
    audit_record(action=AuditLog.Action.UPDATE, obj=run, actor=actor, summary=f"Hitung ulang {run}")
    return run


def superseded(run: DistributionRun) -> bool:
    """A newer version of this run has been approved (or paid)."""
    return run.next_versions.filter(status__in=[RunStatus.APPROVED, RunStatus.PAID]).exists()


@transaction.atomic
def run_transition(*, run: DistributionRun, to: str, actor: Any) -> DistributionRun:
    """Move a run to ``to``; two concurrent actors → exactly one wins (row lock)."""
    allowed_from, roles = TRANSITIONS[to]
    if not user_has_role(actor, roles):
        raise PermissionDenied
    run = DistributionRun.objects.select_for_update().select_related("provider").get(pk=run.pk)
    if run.status not in allowed_from:
        raise ValidationError(
            _("Status sekarang '%(status)s': langkah ini tidak dapat dilakukan.") % {"status": run.get_status_display()}
        )
    if to == RunStatus.PAID and superseded(run):
        raise ValidationError(
            _("Versi ini sudah digantikan versi yang lebih baru yang disetujui; bayar versi terbaru.")
        )
    stamp = {RunStatus.VERIFIED: "verified", RunStatus.APPROVED: "approved", RunStatus.PAID: "paid"}[to]  # type: ignore[index]
    # Separation of duties (ejamkesda/core/duties.py): who created or verified does not
    # approve; who approved does not mark paid.
    earlier = {
        RunStatus.APPROVED: {_("membuat pembagian ini"): run.created_by, _("memverifikasinya"): run.verified_by},
        RunStatus.PAID: {_("menyetujuinya"): run.approved_by},
    }.get(to, {})  # type: ignore[call-overload]
    relaxed = check_separation(actor=actor, step=_("melakukan langkah ini"), earlier=earlier, provider=run.provider)
    fields = ["status", f"{stamp}_by", f"{stamp}_at"]
    if relaxed:
        run.duty_relaxations = {**run.duty_relaxations, stamp: relaxed}
        fields.append("duty_relaxations")
    now = timezone.now()
    run.status = to
    setattr(run, f"{stamp}_by", actor)
    setattr(run, f"{stamp}_at", now)
    run.save(update_fields=fields)
    note = f" (pemisahan tugas dilonggarkan: {relaxed})" if relaxed else ""
    audit_record(
        action=AuditLog.Action.TRANSITION, obj=run, actor=actor, summary=f"{run}: {run.get_status_display()}{note}"
    )
    return run


def run_verify(*, run: DistributionRun, actor: Any) -> DistributionRun:
    return run_transition(run=run, to=RunStatus.VERIFIED, actor=actor)


def run_approve(*, run: DistributionRun, actor: Any) -> DistributionRun:
    return run_transition(run=run, to=RunStatus.APPROVED, actor=actor)


def run_mark_paid(*, run: DistributionRun, actor: Any) -> DistributionRun:
    return run_transition(run=run, to=RunStatus.PAID, actor=actor)


def run_rerun(
    *, run: DistributionRun, actor: Any, profile: RegulationProfile | None = None, pool_amount: int | None = None
) -> DistributionRun:
    """A new draft version of an approved run; the approved one stays as it was."""
    run = DistributionRun.objects.select_related("profile", "provider").get(pk=run.pk)
    if not run.locked:
        raise ValidationError(
            _("Hanya pembagian yang sudah disetujui yang dijalankan ulang; draf cukup dihitung ulang.")
        )
    if profile is None:
        profile = RegulationProfile.objects.filter(code=run.profile.code).order_by("-version").first() or run.profile
    formula = run.formula if profile.pk == run.profile_id else ""
    return run_create(
        provider=run.provider,
        period_from=run.period_from,
        period_to=run.period_to,
        profile=profile,
        actor=actor,
        source=run.source,
        pool_amount=run.pool_amount if pool_amount is None else pool_amount,
        formula=formula,
        previous=run,
        service_kind=run.service_kind,
        method=run.method,
    )


@dataclass
class DiffRow:
    name: str
    before: int | None
    after: int | None
    reasons: list[str]

    @property
    def delta(self) -> int:
        return (self.after or 0) - (self.before or 0)


def _month_reasons(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    """What changed month by month between two versions of a multi-month line."""
    old = {month["bulan"]: month for month in before}
    reasons = []
    for month in after:
        earlier = old.get(month["bulan"], {})
        if earlier.get("bekerja", True) != month.get("bekerja", True):
            reasons.append(f"{month['bulan']}: " + (_("bekerja") if month.get("bekerja", True) else _("tidak bekerja")))
            continue
        for key, value in month.get("variables", {}).items():
            if earlier.get("variables", {}).get(key) != value:
                reasons.append(f"{month['bulan']} {key}: {earlier.get('variables', {}).get(key)} → {value}")
    return reasons


def run_diff(run: DistributionRun) -> list[DiffRow]:
    """Who gets what and why, compared with the version this run replaces."""
    if run.previous_id is None:
        return []
    old = {line.staff_id: line for line in RunLine.objects.filter(run_id=run.previous_id)}
    new = {line.staff_id: line for line in RunLine.objects.filter(run=run)}
    rows: list[DiffRow] = []
    for staff_id in list(new) + [key for key in old if key not in new]:
        before, after = old.get(staff_id), new.get(staff_id)
        reasons: list[str] = []
        if before is None:
            reasons.append(_("baru dalam roster"))
        elif after is None:
            reasons.append(_("tidak lagi dalam roster"))
        else:
            for key, value in after.variables.items():
                if before.variables.get(key) != value:
                    reasons.append(f"{key}: {before.variables.get(key)} → {value}")
            reasons.extend(_month_reasons(before.months, after.months))
            if before.points != after.points and not reasons:
                reasons.append(_("poin: %(before)s → %(after)s") % {"before": before.points, "after": after.points})
        if before is None or after is None or before.share != after.share or reasons:
            rows.append(
                DiffRow(
                    name=(after or before).name,  # type: ignore[union-attr]
                    before=before.share if before else None,
                    after=after.share if after else None,
                    reasons=reasons or [_("total poin atau dana berubah")],
                )
            )
    return rows
