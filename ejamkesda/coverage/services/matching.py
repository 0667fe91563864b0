"""Probable links for membership cards whose NIK is missing or mistyped, with a review queue.

Candidates come from the matching engine (``ejamkesda.matching.engine.match_frames``:
names normalised for Indonesian spelling, NIK structure, birth date, sex, address) when
``COVERAGE_MATCHER=engine`` (default), or from a conservative rule (``simple``): same
normalised name and same birth date (or day and month swapped). Pairs at or above ``COVERAGE_MATCH_ACCEPT`` are
linked directly; pairs in the band down to ``COVERAGE_MATCH_REVIEW`` wait for a UPT
user. A confirmed or rejected pair is never asked again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.audit.services import audit_record
from ejamkesda.coverage import conf
from ejamkesda.coverage.conf import MATCH_ACCEPT, MATCH_REVIEW
from ejamkesda.coverage.models import MatchReview, MembershipRecord, PopulationRecord, Snapshot


@dataclass(frozen=True)
class Candidate:
    card_number: str
    resident_nik: str
    score: Decimal
    method: str
    reasons: str


def _name_key(name: str) -> str:
    return " ".join(name.upper().replace(".", " ").replace(",", " ").split())


def _swapped(day: dt.date) -> dt.date | None:
    try:
        return dt.date(day.year, day.day, day.month) if day.day <= 12 and day.day != day.month else None
    except ValueError:
        return None


def fallback_candidates(*, population: Snapshot, membership: Snapshot) -> list[Candidate]:
    """Unlinked cards → residents with the same name and birth date (or day/month swapped)."""
    unlinked = MembershipRecord.objects.filter(snapshot=membership, resident_nik="").exclude(birth_date=None)
    wanted: dict[tuple[str, dt.date], list[str]] = {}
    for card, name, born in unlinked.values_list("card_number", "name", "birth_date").iterator(chunk_size=5000):
        if born is None:
            continue
        wanted.setdefault((_name_key(name), born), []).append(card)
        swapped = _swapped(born)
        if swapped:
            wanted.setdefault((_name_key(name), swapped), []).append(card + "|swap")
    if not wanted:
        return []
    dates = {born for _name, born in wanted}
    found: dict[str, list[tuple[str, bool]]] = {}
    residents = PopulationRecord.objects.filter(snapshot=population, birth_date__in=dates)
    for nik, name, born in residents.values_list("nik", "name", "birth_date").iterator(chunk_size=5000):
        if born is None:
            continue
        for card in wanted.get((_name_key(name), born), []):
            plain, swap = (card[:-5], True) if card.endswith("|swap") else (card, False)
            found.setdefault(plain, []).append((nik, swap))
    candidates = []
    for card, hits in found.items():
        unique_people = {nik for nik, _swap in hits}
        for nik, swap in hits:
            score = Decimal("0.80") if swap else Decimal("0.92")
            if len(unique_people) > 1:
                score -= Decimal("0.20")  # two residents fit: never accept without a person
            reasons = "nama sama; " + ("tanggal lahir tertukar hari/bulan" if swap else "tanggal lahir sama")
            if len(unique_people) > 1:
                reasons += f"; {len(unique_people)} penduduk cocok"
            candidates.append(Candidate(card, nik, score, "nama+tgl_lahir", reasons))
    return candidates


def engine_candidates(*, population: Snapshot, membership: Snapshot) -> list[Candidate]:
    """Unlinked cards → best resident by the matching engine (score ≥ the review threshold)."""
    import polars as pl

    from ejamkesda.matching.engine import match_frames

    unlinked = MembershipRecord.objects.filter(snapshot=membership, resident_nik="")
    right_rows = [
        {
            "id": card,
            "nik": reported or None,
            "nama": name,
            "jenis_kelamin": None,
            "tgl_lahir": born.isoformat() if born else None,
            "tempat_lahir": None,
            "alamat": None,
            "rt": None,
            "rw": None,
            "kode_desa": None,
        }
        for card, reported, name, born in unlinked.values_list("card_number", "reported_nik", "name", "birth_date")
    ]
    if not right_rows:
        return []
    fields = ("nik", "name", "sex", "birth_date", "birth_place", "address", "rt", "rw", "village_code")
    left_rows = [
        {
            "id": nik,
            "nik": nik,
            "nama": name,
            "jenis_kelamin": sex,
            "tgl_lahir": born.isoformat() if born else None,
            "tempat_lahir": place,
            "alamat": address,
            "rt": rt,
            "rw": rw,
            "kode_desa": village.replace(".", ""),
        }
        for nik, name, sex, born, place, address, rt, rw, village in PopulationRecord.objects.filter(
            snapshot=population
        )
        .values_list(*fields)
        .iterator(chunk_size=10000)
    ]
    if not left_rows:
        return []
    schema = {column: pl.String for column in right_rows[0]}
    matches = match_frames(
        pl.DataFrame(left_rows, schema=schema),
        pl.DataFrame(right_rows, schema=schema),
        threshold=float(MATCH_ACCEPT),
        review_threshold=float(MATCH_REVIEW),
    )
    return [
        Candidate(
            card_number=row["right_id"],
            resident_nik=row["left_id"],
            score=Decimal(str(round(row["score"], 4))),
            method=str(row["method"])[:40],
            reasons=str(row["reasons"])[:300],
        )
        for row in matches.iter_rows(named=True)
    ]


def probable_candidates(*, population: Snapshot, membership: Snapshot) -> list[Candidate]:
    if conf.MATCHER == "engine":
        return engine_candidates(population=population, membership=membership)
    return fallback_candidates(population=population, membership=membership)


@dataclass
class LinkRun:
    accepted: int = 0
    queued: int = 0
    reused: int = 0


def probable_links_apply(*, population: Snapshot, membership: Snapshot, candidates: list[Candidate]) -> LinkRun:
    """Link accepted and confirmed pairs on the membership snapshot; queue the review band."""
    run = LinkRun()
    decided = {
        (review.card_number, review.resident_nik): review.decision
        for review in MatchReview.objects.filter(card_number__in=[c.card_number for c in candidates])
    }
    links: dict[str, str] = {}
    with transaction.atomic():
        for candidate in candidates:
            key = (candidate.card_number, candidate.resident_nik)
            decision = decided.get(key)
            if decision == MatchReview.Decision.CONFIRMED:
                links[candidate.card_number] = candidate.resident_nik
                run.reused += 1
            elif decision == MatchReview.Decision.REJECTED:
                run.reused += 1
            elif candidate.score >= MATCH_ACCEPT:
                links[candidate.card_number] = candidate.resident_nik
                run.accepted += 1
            elif candidate.score >= MATCH_REVIEW and decision is None:
                MatchReview.objects.create(
                    card_number=candidate.card_number,
                    resident_nik=candidate.resident_nik,
                    score=candidate.score,
                    method=candidate.method,
                    reasons=candidate.reasons[:300],
                    membership_snapshot=membership,
                    population_snapshot=population,
                )
                run.queued += 1
        # Confirmed decisions from earlier months apply even when this month's fallback misses them.
        for card, nik in MatchReview.objects.filter(
            decision=MatchReview.Decision.CONFIRMED,
            card_number__in=MembershipRecord.objects.filter(snapshot=membership, resident_nik="").values("card_number"),
        ).values_list("card_number", "resident_nik"):
            links.setdefault(card, nik)
        villages = dict(
            PopulationRecord.objects.filter(snapshot=population, nik__in=set(links.values())).values_list(
                "nik", "village_code"
            )
        )
        for card, nik in links.items():
            if nik in villages:
                MembershipRecord.objects.filter(snapshot=membership, card_number=card, resident_nik="").update(
                    resident_nik=nik, village_code=villages[nik]
                )
    return run


def match_review_decide(*, review: MatchReview, confirm: bool, actor: Any) -> MatchReview:
    """A UPT user confirms or rejects a pair; the first decision wins."""
    with transaction.atomic():
        locked = MatchReview.objects.select_for_update().get(pk=review.pk)
        if locked.decision != MatchReview.Decision.PENDING:
            raise ValidationError(_("Pasangan ini sudah diputuskan."))
        locked.decision = MatchReview.Decision.CONFIRMED if confirm else MatchReview.Decision.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["decision", "decided_by", "decided_at"])
        audit_record(
            action="update",
            obj=locked,
            summary=f"Padanan kartu {locked.card_number}: {locked.decision}",
            changes={"decision": ["pending", locked.decision]},
            actor=actor,
        )
    return locked
