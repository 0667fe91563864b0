"""Probable links (pemadanan, Instruksi Bupati Tegal 379/2022 KEDUA angka 23 huruf h) for records whose NIK is
missing or mistyped: membership cards and rows of the agencies' sector lists, each linked
to a resident of the population register.

Candidates come from the matching engine (``ejamkesda.matching.match_frames``: names
normalised for Indonesian spelling, NIK structure, birth date, sex, address) when
``COVERAGE_MATCHER=engine`` (default), or from a conservative rule (``simple``): same
normalised name and same birth date (or day and month swapped). Pairs at or above
``COVERAGE_MATCH_ACCEPT`` are linked directly; pairs in the band down to
``COVERAGE_MATCH_REVIEW`` wait for a UPT user. A confirmed or rejected pair is never asked
again: its decision is reused by every later computation.

Reading and scoring happen before the computation's write transaction; only
``*_links_apply`` write (inside it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.audit.services import audit_record
from ejamkesda.coverage import conf
from ejamkesda.coverage.models import MatchReview, MembershipRecord, PopulationRecord, SectorEntry, Snapshot

MAX_SAME_NAME_AND_DATE = 5


@dataclass(frozen=True)
class Candidate:
    subject: str  # card number, or the sector row's entry_key
    resident_nik: str
    score: Decimal
    method: str
    reasons: str


@dataclass(frozen=True)
class Subject:
    """A record to link, in the matching contract's terms."""

    id: str
    nik: str | None
    name: str
    sex: str | None = None
    birth_date: dt.date | None = None
    birth_place: str | None = None
    village_code: str | None = None


def _name_key(name: str) -> str:
    return " ".join(name.upper().replace(".", " ").replace(",", " ").split())


def swapped_date(day: dt.date) -> dt.date | None:
    try:
        return dt.date(day.year, day.day, day.month) if day.day <= 12 and day.day != day.month else None
    except ValueError:
        return None


def simple_candidates(*, population: Snapshot, subjects: Iterable[Subject]) -> list[Candidate]:
    """Subjects → residents with the same name and birth date (or day/month swapped)."""
    wanted: dict[tuple[str, dt.date], list[tuple[str, bool]]] = {}
    for subject in subjects:
        if subject.birth_date is None:
            continue
        wanted.setdefault((_name_key(subject.name), subject.birth_date), []).append((subject.id, False))
        swapped = swapped_date(subject.birth_date)
        if swapped:
            wanted.setdefault((_name_key(subject.name), swapped), []).append((subject.id, True))
    if not wanted:
        return []
    dates = {born for _name, born in wanted}
    found: dict[str, list[tuple[str, bool]]] = {}
    residents = PopulationRecord.objects.filter(snapshot=population, birth_date__in=dates)
    for nik, name, born in residents.values_list("nik", "name", "birth_date").iterator(chunk_size=5000):
        if born is None:
            continue
        for subject_id, swap in wanted.get((_name_key(name), born), []):
            found.setdefault(subject_id, []).append((nik, swap))
    candidates = []
    for subject_id, hits in found.items():
        unique_people = {nik for nik, _swap in hits}
        if len(unique_people) > MAX_SAME_NAME_AND_DATE:
            continue  # a placeholder date or a name without letters: nothing to learn from

        for nik, swap in hits:
            score = Decimal("0.80") if swap else Decimal("0.92")
            if len(unique_people) > 1:
                score -= Decimal("0.20")  # two residents fit: never accept without a person
            reasons = "nama sama; " + ("tanggal lahir tertukar hari/bulan" if swap else "tanggal lahir sama")
            if len(unique_people) > 1:
                reasons += f"; {len(unique_people)} penduduk cocok"
            candidates.append(Candidate(subject_id, nik, score, "nama+tgl_lahir", reasons))
    return candidates


CONTRACT = ("id", "nik", "nama", "jenis_kelamin", "tgl_lahir", "tempat_lahir", "alamat", "rt", "rw", "kode_desa")


def population_frame(population: Snapshot) -> Any:
    """The population snapshot as a matching-contract frame (``id`` = NIK), built column by
    column (no dict per row)."""
    import polars as pl

    columns: dict[str, list[Any]] = {name: [] for name in CONTRACT}
    fields = ("nik", "name", "sex", "birth_date", "birth_place", "address", "rt", "rw", "village_code")
    rows = PopulationRecord.objects.filter(snapshot=population).values_list(*fields)
    for nik, name, sex, born, place, address, rt, rw, village in rows.iterator(chunk_size=10000):
        columns["id"].append(nik)
        columns["nik"].append(nik)
        columns["nama"].append(name)
        columns["jenis_kelamin"].append(sex or None)
        columns["tgl_lahir"].append(born.isoformat() if born else None)
        columns["tempat_lahir"].append(place or None)
        columns["alamat"].append(address or None)
        columns["rt"].append(rt or None)
        columns["rw"].append(rw or None)
        columns["kode_desa"].append(village.replace(".", "") if village else None)
    return pl.DataFrame(columns, schema={name: pl.String for name in CONTRACT})


def engine_candidates(*, left: Any, subjects: list[Subject]) -> list[Candidate]:
    """Subjects → best resident by the matching engine (score ≥ the review threshold)."""
    import polars as pl

    from ejamkesda.matching import match_frames

    if not subjects or left.height == 0:
        return []
    right = pl.DataFrame(
        {
            "id": [s.id for s in subjects],
            "nik": [s.nik or None for s in subjects],
            "nama": [s.name for s in subjects],
            "jenis_kelamin": [s.sex or None for s in subjects],
            "tgl_lahir": [s.birth_date.isoformat() if s.birth_date else None for s in subjects],
            "tempat_lahir": [s.birth_place or None for s in subjects],
            "alamat": [None] * len(subjects),
            "rt": [None] * len(subjects),
            "rw": [None] * len(subjects),
            "kode_desa": [s.village_code.replace(".", "") if s.village_code else None for s in subjects],
        },
        schema={name: pl.String for name in CONTRACT},
    )
    matches = match_frames(left, right, threshold=float(conf.MATCH_ACCEPT), review_threshold=float(conf.MATCH_REVIEW))
    return [
        Candidate(
            subject=row["right_id"],
            resident_nik=row["left_id"],
            score=Decimal(str(round(row["score"], 4))),
            method=str(row["method"])[:40],
            reasons=str(row["reasons"])[:300],
        )
        for row in matches.iter_rows(named=True)
    ]


class Matcher:
    """Scores subjects against one population snapshot; the engine's left frame is built
    once and shared by the membership list and every sector list."""

    def __init__(self, population: Snapshot) -> None:
        self.population = population
        self._left: Any = None

    def candidates(self, subjects: list[Subject]) -> list[Candidate]:
        if not subjects:
            return []
        if conf.MATCHER != "engine":
            return simple_candidates(population=self.population, subjects=subjects)
        if self._left is None:
            self._left = population_frame(self.population)
        return engine_candidates(left=self._left, subjects=subjects)


def _not_on_register(queryset: QuerySet[Any], population: Snapshot) -> QuerySet[Any]:
    """Records whose NIK (if any) is not on the population snapshot: left for pemadanan."""
    return queryset.exclude(Exists(PopulationRecord.objects.filter(snapshot=population, nik=OuterRef("nik"))))


def unlinked_cards(*, population: Snapshot, membership: Snapshot) -> list[Subject]:
    cards = _not_on_register(MembershipRecord.objects.filter(snapshot=membership), population)
    return [
        Subject(id=card, nik=reported or None, name=name, birth_date=born)
        for card, reported, name, born in cards.values_list("card_number", "reported_nik", "name", "birth_date")
    ]


def unlinked_entries(*, population: Snapshot, sector: Snapshot) -> list[Subject]:
    entries = _not_on_register(SectorEntry.objects.filter(snapshot=sector), population)
    fields = ("entry_key", "reported_nik", "name", "sex", "birth_date", "birth_place", "village_code")
    return [
        Subject(id=key, nik=reported or None, name=name, sex=sex, birth_date=born, birth_place=place, village_code=v)
        for key, reported, name, sex, born, place, v in entries.values_list(*fields)
    ]


@dataclass
class LinkRun:
    accepted: int = 0
    queued: int = 0
    reused: int = 0


def _decide(
    candidates: list[Candidate], decided: dict[tuple[str, str], str], run: LinkRun
) -> tuple[dict[str, Candidate], list[Candidate]]:
    """(links by subject, pairs to queue) from the candidates and the decisions kept."""
    links: dict[str, Candidate] = {}
    queue = []
    for candidate in candidates:
        decision = decided.get((candidate.subject, candidate.resident_nik))
        if decision == MatchReview.Decision.CONFIRMED:
            links[candidate.subject] = replace(candidate, method="keputusan_petugas", score=Decimal(1))
            run.reused += 1
        elif decision == MatchReview.Decision.REJECTED:
            run.reused += 1
        elif candidate.score >= conf.MATCH_ACCEPT:
            links[candidate.subject] = candidate
            run.accepted += 1
        elif candidate.score >= conf.MATCH_REVIEW and decision is None:
            queue.append(candidate)
            run.queued += 1
    return links, queue


def probable_links_apply(*, population: Snapshot, membership: Snapshot, candidates: list[Candidate]) -> LinkRun:
    """Link accepted and confirmed pairs on the membership snapshot; queue the review band."""
    run = LinkRun()
    decided = {
        (review.card_number, review.resident_nik): review.decision
        for review in MatchReview.objects.filter(
            sector_list__isnull=True, card_number__in=[c.subject for c in candidates]
        )
    }
    chosen, queue = _decide(candidates, decided, run)
    links = {card: candidate.resident_nik for card, candidate in chosen.items()}
    with transaction.atomic():
        MatchReview.objects.bulk_create(
            [
                MatchReview(
                    card_number=c.subject,
                    resident_nik=c.resident_nik,
                    score=c.score,
                    method=c.method,
                    reasons=c.reasons[:300],
                    membership_snapshot=membership,
                    population_snapshot=population,
                )
                for c in queue
            ]
        )
        # Confirmed decisions from earlier months apply even when this month's matcher misses them.
        # and outrank this month's automatic choice for the same card.
        for card, nik in MatchReview.objects.filter(
            sector_list__isnull=True,
            decision=MatchReview.Decision.CONFIRMED,
            card_number__in=MembershipRecord.objects.filter(snapshot=membership, resident_nik="").values("card_number"),
        ).values_list("card_number", "resident_nik"):
            links[card] = nik
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


def sector_links_apply(*, population: Snapshot, sector: Snapshot, candidates: list[Candidate]) -> LinkRun:
    """Link a sector list's rows to residents: exact NIK first, then accepted and confirmed
    probable pairs; queue the review band (kept per list and row key)."""
    run = LinkRun()
    entries = SectorEntry.objects.filter(snapshot=sector)
    decided = {
        (review.entry_key, review.resident_nik): review.decision
        for review in MatchReview.objects.filter(
            sector_list_id=sector.sector_list_id, entry_key__in=[c.subject for c in candidates]
        )
    }
    chosen, queue = _decide(candidates, decided, run)
    with transaction.atomic():
        entries.update(resident_nik="", link_method="", link_score=None)
        resident = PopulationRecord.objects.filter(snapshot=population, nik=OuterRef("nik"))
        entries.exclude(nik="").filter(Exists(resident)).update(
            resident_nik=F("nik"), link_method="nik", link_score=Decimal(1)
        )
        MatchReview.objects.bulk_create(
            [
                MatchReview(
                    sector_list_id=sector.sector_list_id,
                    entry_key=c.subject,
                    sector_snapshot=sector,
                    resident_nik=c.resident_nik,
                    score=c.score,
                    method=c.method,
                    reasons=c.reasons[:300],
                    population_snapshot=population,
                )
                for c in queue
            ]
        )
        confirmed = MatchReview.objects.filter(
            sector_list_id=sector.sector_list_id,
            decision=MatchReview.Decision.CONFIRMED,
            entry_key__in=entries.filter(resident_nik="").values("entry_key"),
        ).values_list("entry_key", "resident_nik", "score")
        # An officer's confirmation outranks this month's automatic choice for the same row.
        links = {key: (nik, "keputusan_petugas", score) for key, nik, score in confirmed}
        for key, c in chosen.items():
            links.setdefault(key, (c.resident_nik, c.method, c.score))
        known = set(
            PopulationRecord.objects.filter(
                snapshot=population, nik__in={nik for nik, _m, _s in links.values()}
            ).values_list("nik", flat=True)
        )
        for key, (nik, method, score) in links.items():
            if nik in known:
                entries.filter(entry_key=key, resident_nik="").update(
                    resident_nik=nik, link_method=method[:40], link_score=score
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
        subject = f"kartu {locked.card_number}" if locked.card_number else f"baris daftar {locked.sector_list_id}"
        audit_record(
            action="update",
            obj=locked,
            summary=f"Padanan {subject}: {locked.decision}",
            changes={"decision": ["pending", locked.decision]},
            actor=actor,
        )
    return locked
