"""Review queue of probable links (UPT roles): confirm or reject each pair."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ejamkesda.audit.services import audit_record
from ejamkesda.core.permissions import role_required
from ejamkesda.coverage.models import MatchReview, MembershipRecord, PopulationRecord, SectorEntry, SectorList
from ejamkesda.coverage.services.matching import match_review_decide
from ejamkesda.coverage.views.common import UPT
from ejamkesda.rules.nik import mask_nik


def _shown_nik(written: str) -> str:
    if not written:
        return "–"
    return mask_nik(written) if len(written) == 16 and written.isdigit() else "?"


@role_required(*UPT)
def review_queue(request: HttpRequest) -> HttpResponse:
    decision = request.GET.get("keputusan", MatchReview.Decision.PENDING)
    if decision not in MatchReview.Decision.values:
        decision = MatchReview.Decision.PENDING
    page = Paginator(MatchReview.objects.filter(decision=decision), 25).get_page(request.GET.get("page"))
    reviews = list(page)
    # Both sides of every pair in two queries (not two per row).
    cards: dict[tuple[int | None, str], MembershipRecord] = {
        (card.snapshot_id, card.card_number): card
        for card in MembershipRecord.objects.filter(
            snapshot_id__in={review.membership_snapshot_id for review in reviews},
            card_number__in={review.card_number for review in reviews},
        ).order_by("-id")
    }
    entries: dict[tuple[int | None, str], SectorEntry] = {
        (entry.snapshot_id, entry.entry_key): entry
        for entry in SectorEntry.objects.filter(
            snapshot_id__in={review.sector_snapshot_id for review in reviews if review.sector_snapshot_id},
            entry_key__in={review.entry_key for review in reviews if review.entry_key},
        )
    }
    lists = {item.pk: item for item in SectorList.objects.filter(pk__in={r.sector_list_id for r in reviews})}
    people = {
        (person.snapshot_id, person.nik): person
        for person in PopulationRecord.objects.filter(
            snapshot_id__in={review.population_snapshot_id for review in reviews},
            nik__in={review.resident_nik for review in reviews},
        ).order_by("-id")
    }
    rows = []
    for review in reviews:
        person = people.get((review.population_snapshot_id, review.resident_nik))
        if review.sector_list_id:
            entry = entries.get((review.sector_snapshot_id, review.entry_key))
            subject: Any = entry
            written = entry.reported_nik if entry else ""
            source = lists.get(review.sector_list_id)
        else:
            subject = cards.get((review.membership_snapshot_id, review.card_number))
            written = subject.nik if subject else ""
            source = None
        rows.append(
            {
                "review": review,
                "card": subject,
                "sector_list": source,
                "person": person,
                "card_nik": mask_nik(written)
                if len(written) == 16 and written.isdigit()
                else ("–" if not written else "?"),
                "person_nik": mask_nik(review.resident_nik),
            }
        )
    audit_record(action="view", object_type="coverage.match_review", summary="Lihat antrean pemadanan")
    return render(
        request,
        "coverage/review_queue.html",
        {"page": page, "rows": rows, "decision": decision, "decisions": MatchReview.Decision.choices},
    )


@require_POST
@role_required(*UPT)
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(MatchReview, pk=pk)
    choice = request.POST.get("decision")
    if choice not in {"confirm", "reject"}:
        messages.error(request, _("Pilih konfirmasi atau tolak."))
        return redirect("coverage:review_queue")
    try:
        match_review_decide(review=review, confirm=choice == "confirm", actor=request.user)
        messages.success(request, _("Keputusan disimpan; berlaku saat cakupan dihitung ulang."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("coverage:review_queue")
