"""Premium receivables (Instruksi Bupati Tegal 379/2022 KEDUA 23i): per month and segment,
ageing, BPJS collection attempts, hand-over to BPKAD with a letter, write-offs. The UPT admin
records; the UPT verifier and the leadership (viewer) read the summary."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ejamkesda.audit.services import audit_record
from ejamkesda.core.permissions import role_required, user_has_role
from ejamkesda.core.roles import Role
from ejamkesda.coverage.exports import attachment_header
from ejamkesda.coverage.letters import handover_letter_pdf
from ejamkesda.coverage.models import CollectionAttempt, PremiumBill, ReceivableHandover
from ejamkesda.coverage.services.receivables import (
    ageing_by_segment,
    collection_attempt_record,
    receivables_hand_over,
    receivables_list,
    write_off_record,
)
from ejamkesda.coverage.views.common import SEGMENT_LABELS
from ejamkesda.rules.receivables import BUCKETS

READ_ROLES = (Role.UPT_ADMIN, Role.UPT_VERIFIER, Role.VIEWER)


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return None


@role_required(*READ_ROLES)
def receivables(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    items = receivables_list(as_of=today)
    ageing = ageing_by_segment(items, today)
    totals = {bucket: sum(row[bucket] for row in ageing.values()) for bucket in BUCKETS}
    return render(
        request,
        "coverage/receivables.html",
        {
            "items": items,
            "open_items": [item for item in items if not item.closed],
            "ageing": [
                {"segment": SEGMENT_LABELS.get(segment, segment), "buckets": [row[b] for b in BUCKETS]}
                for segment, row in ageing.items()
            ],
            "buckets": BUCKETS,
            "totals": [totals[b] for b in BUCKETS],
            "grand_total": sum(totals.values()),
            "handovers": ReceivableHandover.objects.all()[:20],
            "can_edit": user_has_role(request.user, [Role.UPT_ADMIN]),
            "means": CollectionAttempt.Means.choices,
            "segment_labels": SEGMENT_LABELS,
            "today": today,
        },
    )


@require_POST
@role_required(Role.UPT_ADMIN)
def attempt_add(request: HttpRequest, pk: int) -> HttpResponse:
    bill = get_object_or_404(PremiumBill, pk=pk)
    try:
        collection_attempt_record(
            bill=bill,
            attempted_on=_date(request.POST.get("tanggal")) or timezone.localdate(),
            means=request.POST.get("cara", ""),
            result=request.POST.get("hasil", ""),
            by_whom=request.POST.get("petugas", ""),
            actor=request.user,
        )
        messages.success(request, _("Upaya penagihan dicatat."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("coverage:receivables")


@require_POST
@role_required(Role.UPT_ADMIN)
def write_off_add(request: HttpRequest, pk: int) -> HttpResponse:
    bill = get_object_or_404(PremiumBill, pk=pk)
    try:
        amount = int(request.POST.get("jumlah", "0") or 0)
    except ValueError:
        amount = 0
    try:
        write_off_record(
            bill=bill,
            written_on=_date(request.POST.get("tanggal")) or timezone.localdate(),
            amount=amount,
            reference=request.POST.get("dasar", ""),
            actor=request.user,
        )
        messages.success(request, _("Penghapusan piutang dicatat."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("coverage:receivables")


@require_POST
@role_required(Role.UPT_ADMIN)
def handover_create(request: HttpRequest) -> HttpResponse:
    ids = [int(value) for value in request.POST.getlist("tagihan") if value.isdigit()]
    bills = list(PremiumBill.objects.filter(pk__in=ids))
    try:
        handover = receivables_hand_over(
            bills=bills,
            letter_number=request.POST.get("nomor", ""),
            handed_on=_date(request.POST.get("tanggal")) or timezone.localdate(),
            note=request.POST.get("catatan", ""),
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("coverage:receivables")
    messages.success(request, _("Piutang diserahkan ke BPKAD; unduh suratnya."))
    return redirect(reverse("coverage:handover_letter", args=[handover.pk]))


@role_required(*READ_ROLES)
def handover_letter(request: HttpRequest, pk: int) -> HttpResponse:
    handover = get_object_or_404(ReceivableHandover, pk=pk)
    audit_record(action="export", obj=handover, summary=f"Unduh surat serah piutang {handover.letter_number}")
    pdf = handover_letter_pdf(handover, {key: str(label) for key, label in SEGMENT_LABELS.items()})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = attachment_header(f"serah-piutang-{handover.pk}.pdf")
    return response
