"""Review queue of probable links (UPT roles): confirm or reject each pair."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ejamkesda.audit.services import audit_record
from ejamkesda.core.permissions import role_required
from ejamkesda.coverage.models import MatchReview, MembershipRecord, PopulationRecord
from ejamkesda.coverage.services.matching import match_review_decide
from ejamkesda.coverage.views.common import UPT
from ejamkesda.rules.nik import mask_nik


@role_required(*UPT)
def review_queue(request: HttpRequest) -> HttpResponse:
    decision = request.GET.get("keputusan", MatchReview.Decision.PENDING)
    if decision not in MatchReview.Decision.values:
        decision = MatchReview.Decision.PENDING
    page = Paginator(MatchReview.objects.filter(decision=decision), 25).get_page(request.GET.get("page"))
    reviews = list(page)
    # Both sides of every pair in two queries (not two per row).
    cards = {
        (card.snapshot_id, card.card_number): card
        for card in MembershipRecord.objects.filter(
            snapshot_id__in={review.membership_snapshot_id for review in reviews},
            card_number__in={review.card_number for review in reviews},
        ).order_by("-id")
    }
    people = {
        (person.snapshot_id, person.nik): person
        for person in PopulationRecord.objects.filter(
            snapshot_id__in={review.population_snapshot_id for review in reviews},
            nik__in={review.resident_nik for review in reviews},
        ).order_by("-id")
    }
    rows = []
    for review in reviews:
        card = cards.get((review.membership_snapshot_id, review.card_number))
        person = people.get((review.population_snapshot_id, review.resident_nik))
        rows.append(
            {
                "review": review,
                "card": card,
                "person": person,
                "card_nik": mask_nik(card.nik) if card and card.nik else "–",
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
