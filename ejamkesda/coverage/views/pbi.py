"""PBI lists per village (Instruksi Bupati Tegal 379/2022 KEDUA angka 6 huruf d) and PBI proposals from the
welfare register (angka 6 huruf a–c)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ejamkesda.audit.services import audit_record
from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role
from ejamkesda.coverage import selectors
from ejamkesda.coverage.conf import PBI_PROPOSAL_DECILES
from ejamkesda.coverage.exports import xlsx_response
from ejamkesda.coverage.models import CoverageStat, PbiProposal, Snapshot, SnapshotKind
from ejamkesda.coverage.services.pbi import pbi_proposal_decide, pbi_proposals_generate
from ejamkesda.coverage.views.forms import ProposalDecisionForm
from ejamkesda.coverage.village_lists import village_list_response
from ejamkesda.participants.models import Segment
from ejamkesda.regions.models import Region

PBI_ROLES = (Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.OPD_OPERATOR)


def _guard(request: HttpRequest) -> None:
    if not selectors.can_see_pbi(request.user):
        raise Http404


@role_required(*PBI_ROLES)
def pbi_index(request: HttpRequest) -> HttpResponse:
    _guard(request)
    period = selectors.period_or_latest(request.GET.get("periode"))
    rows = []
    if period is not None:
        stats = CoverageStat.objects.filter(period=period, level=4)
        names = selectors.region_names([s.region_code for s in stats])
        for stat in stats:
            rows.append(
                {
                    "code": stat.region_code,
                    "name": names.get(stat.region_code, stat.region_code),
                    "count": stat.registered_by_segment.get(Segment.PBI_APBN, 0),
                    "pemda": stat.registered_by_segment.get(Segment.PBPU_BP_PEMDA, 0),
                }
            )
    return render(request, "coverage/pbi_index.html", {"period": period, "rows": rows})


@role_required(*PBI_ROLES)
def pbi_village(request: HttpRequest, code: str) -> HttpResponse:
    _guard(request)
    village = Region.objects.filter(code=code, level=4).select_related("parent").first()
    period = selectors.period_or_latest(request.GET.get("periode"))
    if village is None or period is None:
        raise Http404
    return village_list_response(request, village=village, period=period, template="coverage/pbi_village.html")


@role_required(*PBI_ROLES)
def proposals(request: HttpRequest) -> HttpResponse:
    _guard(request)
    queryset = PbiProposal.objects.all()
    status = request.GET.get("status", "")
    if status in PbiProposal.Status.values:
        queryset = queryset.filter(status=status)
    village = request.GET.get("desa", "")
    if village:
        queryset = queryset.filter(village_code=village)
    if request.GET.get("format") == "xlsx":
        audit_record(action="export", object_type="coverage.pbi_proposals", summary="Unduh usulan PBI")
        return xlsx_response(
            "usulan-pbi",
            _("Usulan PBI"),
            [_("Nama"), _("NIK"), _("Nomor KK"), _("Kode desa"), _("Desil"), _("Status"), _("Alasan")],
            (
                [p.name, p.nik, p.kk_number, p.village_code, p.decile, p.get_status_display(), p.reason]
                for p in queryset.iterator()
            ),
        )
    audit_record(action="view", object_type="coverage.pbi_proposals", summary="Lihat usulan PBI")
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    welfare = Snapshot.objects.filter(kind=SnapshotKind.WELFARE, status=Snapshot.Status.DONE).first()
    return render(
        request,
        "coverage/proposals.html",
        {
            "page": page,
            "statuses": PbiProposal.Status.choices,
            "status": status,
            "welfare": welfare,
            "deciles": PBI_PROPOSAL_DECILES,
            "period": selectors.latest_period(),
            "decision_form": ProposalDecisionForm(),
        },
    )


@require_POST
@role_required(*PBI_ROLES)
def proposals_generate(request: HttpRequest) -> HttpResponse:
    _guard(request)
    welfare = Snapshot.objects.filter(kind=SnapshotKind.WELFARE, status=Snapshot.Status.DONE).first()
    period = selectors.latest_period()
    if welfare is None or period is None:
        messages.error(request, _("Impor DTKS/DTSEN dan hitung cakupan terlebih dahulu."))
        return redirect("coverage:proposals")
    run = pbi_proposals_generate(welfare=welfare, period=period, actor=request.user)
    messages.success(
        request,
        _("%(added)d usulan baru, %(withdrawn)d dikeluarkan karena sudah aktif.")
        % {"added": run.added, "withdrawn": run.withdrawn},
    )
    return redirect("coverage:proposals")


@require_POST
@role_required(*PBI_ROLES)
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    proposal = get_object_or_404(PbiProposal, pk=pk)
    form = ProposalDecisionForm(request.POST)
    if form.is_valid():
        try:
            pbi_proposal_decide(
                proposal=proposal,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
            messages.success(request, _("Usulan %(name)s diperbarui.") % {"name": proposal.name})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Status dan alasan wajib diisi."))
    return redirect("coverage:proposals")


@role_required(*PBI_ROLES)
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    proposal = get_object_or_404(PbiProposal, pk=pk)
    audit_record(action="view", obj=proposal, summary=f"Lihat usulan PBI {proposal.name}")
    return render(
        request,
        "coverage/proposal.html",
        {"proposal": proposal, "events": proposal.events.select_related("actor"), "form": ProposalDecisionForm()},
    )
