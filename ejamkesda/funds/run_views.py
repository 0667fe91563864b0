"""Distribution-run pages and their outputs (slips, recap XLSX/PDF, bank-transfer CSV)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ejamkesda.audit.models import AuditLog
from ejamkesda.audit.services import audit_record
from ejamkesda.core.permissions import role_required, user_has_role
from ejamkesda.core.roles import Role
from ejamkesda.funds import run_services, services
from ejamkesda.funds.exports import already_paid, bank_transfer_csv, recap_rows, recap_xlsx
from ejamkesda.funds.forms import RunForm
from ejamkesda.funds.models import DistributionRun, RunLine, RunStatus
from ejamkesda.funds.proposals import run_proposal
from ejamkesda.funds.selectors import FUNDS_READ_ROLES, FUNDS_WRITE_ROLES, runs_visible_to
from ejamkesda.funds.slips import SlipData, render_recap, render_slips
from ejamkesda.rules.profile import ProfileError

ACTIONS = {
    "verify": run_services.run_verify,
    "approve": run_services.run_approve,
    "pay": run_services.run_mark_paid,
}


@role_required(*FUNDS_READ_ROLES)
def run_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(runs_visible_to(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "funds/run_list.html",
        {"page": page, "can_write": user_has_role(request.user, FUNDS_WRITE_ROLES)},
    )


@role_required(*FUNDS_WRITE_ROLES)
def run_create(request: HttpRequest) -> HttpResponse:
    services.profiles_ensure_shipped()
    form = RunForm(request.POST or None, user=request.user)
    proposal = None
    if request.method != "POST":
        queryset = form.fields["provider"].queryset  # type: ignore[attr-defined]
        provider = queryset.filter(pk=request.GET.get("provider") or 0).first() or (
            queryset.first() if queryset.count() == 1 else None
        )
        if provider is not None:
            proposal = run_proposal(provider=provider)
            form.initial.update({"provider": provider.pk, "period_from": proposal.period_from})
            form.initial["period_to"] = proposal.period_to
            if proposal.profile is not None:
                form.initial["profile"] = proposal.profile.pk
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = run_services.run_create(
                provider=data["provider"],
                period_from=data["period_from"],
                period_to=data["period_to"],
                profile=data["profile"],
                source=data["source"] or "",
                pool_amount=data["pool_amount"],
                formula=data["formula"] or "",
                service_kind=data["service_kind"] or "",
                method=data["method"] or "",
                actor=request.user,
            )
        except (ValidationError, ProfileError) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                form.add_error(None, message)
        else:
            messages.success(request, _("Draf pembagian dibuat."))
            return redirect("funds:run_detail", pk=run.pk)
    return render(request, "funds/run_form.html", {"form": form, "proposal": proposal})


def _run(request: HttpRequest, pk: int) -> DistributionRun:
    return get_object_or_404(runs_visible_to(request.user), pk=pk)


@role_required(*FUNDS_READ_ROLES)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    audit_record(action=AuditLog.Action.VIEW, obj=run, summary=f"Lihat pembagian {run}")
    parsed = services.profile_parsed(run.profile)
    lines = list(run.lines.order_by("position"))
    user = request.user
    return render(
        request,
        "funds/run_detail.html",
        {
            "run": run,
            "parsed": parsed,
            "lines": lines,
            "totals": {k: sum(getattr(line, k) for line in lines) for k in ("share", "tax", "net")},
            "diff": run_services.run_diff(run),
            "superseded": run_services.superseded(run),
            "paid_before": bool(already_paid(run)),
            "next_versions": run.next_versions.all(),
            "can_verify": run.status == RunStatus.DRAFT
            and user_has_role(user, run_services.TRANSITIONS["verified"][1]),
            "can_approve": run.status == RunStatus.VERIFIED and user_has_role(user, (Role.UPT_ADMIN,)),
            "can_pay": run.status == RunStatus.APPROVED
            and user_has_role(user, FUNDS_WRITE_ROLES)
            and not run_services.superseded(run),
            "can_recalculate": not run.locked and user_has_role(user, FUNDS_WRITE_ROLES),
            "can_rerun": run.locked and user_has_role(user, FUNDS_WRITE_ROLES),
        },
    )


@require_POST
@role_required(*FUNDS_WRITE_ROLES, Role.UPT_VERIFIER)
def run_action(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    action = request.POST.get("action", "")
    try:
        if action in ACTIONS:
            ACTIONS[action](run=run, actor=request.user)
            messages.success(request, _("Status pembagian diperbarui."))
        elif action == "recalculate" and user_has_role(request.user, FUNDS_WRITE_ROLES):
            run_services.run_recalculate(run=run, actor=request.user)
            messages.success(request, _("Pembagian dihitung ulang."))
        elif action == "rerun" and user_has_role(request.user, FUNDS_WRITE_ROLES):
            new = run_services.run_rerun(run=run, actor=request.user)
            messages.success(request, _("Versi baru dibuat; versi yang disetujui tidak berubah."))
            return redirect("funds:run_detail", pk=new.pk)
        else:
            raise PermissionDenied
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("funds:run_detail", pk=run.pk)


def _slip(run: DistributionRun, line: RunLine, needs_check: bool) -> SlipData:
    return SlipData(
        provider=run.provider.name,
        period=run.period_label,
        profile_title=f"{run.profile.title} ({run.profile})",
        formula=run.formula,
        name=line.name,
        employee_no=line.employee_no,
        points=line.points,
        total_points=run.total_points,
        pool=run.pool_amount,
        share=line.share,
        tax=line.tax,
        tax_rate=line.tax_rate,
        net=line.net,
        variables=line.variables,
        explanations=line.explanations,
        formula_needs_check=needs_check,
        months=line.months,
        draft=not run.locked,
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@role_required(*FUNDS_READ_ROLES)
def run_slips(request: HttpRequest, pk: int, line_pk: int | None = None) -> HttpResponse:
    run = _run(request, pk)
    lines = run.lines.order_by("position")
    if line_pk is not None:
        lines = lines.filter(pk=line_pk)
        if not lines.exists():
            return HttpResponse(status=404)
    needs_check = (
        services.profile_parsed(run.profile).formula_needs_check
        and run.formula == services.profile_parsed(run.profile).formula.text
    )
    audit_record(action=AuditLog.Action.EXPORT, obj=run, summary=f"Slip {run} ({lines.count()} orang)")
    return _pdf(render_slips(_slip(run, line, needs_check) for line in lines), f"slip-jaspel-{run.pk}.pdf")


@role_required(*FUNDS_READ_ROLES)
def run_recap_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    rows = recap_rows(run)
    totals = {k: sum(row[k] for row in rows) for k in ("share", "tax", "net")}
    subtitle = [
        f"{run.provider.name} — periode {run.period_label}, versi {run.version}, status {run.get_status_display()}",
        f"Profil {run.profile.title} ({run.profile}); rumus {run.formula}; total poin {run.total_points}",
    ]
    audit_record(action=AuditLog.Action.EXPORT, obj=run, summary=f"Rekap PDF {run}")
    return _pdf(
        render_recap(title="REKAP JASA PELAYANAN", subtitle=subtitle, rows=rows, totals=totals, draft=not run.locked),
        "rekap.pdf",
    )


@role_required(*FUNDS_READ_ROLES)
def run_recap_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    audit_record(action=AuditLog.Action.EXPORT, obj=run, summary=f"Rekap XLSX {run}")
    response = HttpResponse(
        recap_xlsx(run), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="rekap-jaspel-{run.pk}.xlsx"'
    return response


@role_required(Role.TREASURER, Role.UPT_ADMIN)
def run_bank_csv(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if not run.locked or run_services.superseded(run):
        messages.error(request, _("Berkas transfer bank hanya untuk versi terbaru yang sudah disetujui."))
        return redirect("funds:run_detail", pk=run.pk)
    audit_record(action=AuditLog.Action.EXPORT, obj=run, summary=f"CSV transfer bank {run}")
    response = HttpResponse(bank_transfer_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="transfer-jaspel-{run.pk}.csv"'
    return response
