"""PBI proposals from the welfare register (Instruksi Bupati Tegal 379/2022 KEDUA angka 6 huruf a–c).

Candidates: residents in the lowest welfare deciles (default 1–4, ``COVERAGE_PBI_DECILES``)
who have no active JKN membership. Each addition and removal is kept with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from ejamkesda.audit.services import audit_record
from ejamkesda.coverage import conf
from ejamkesda.coverage.models import (
    CoveragePeriod,
    MembershipRecord,
    PbiProposal,
    PbiProposalEvent,
    PopulationRecord,
    Snapshot,
)
from ejamkesda.participants.models import MembershipStatus

# Allowed moves of a proposal; every move needs a reason (angka 6 huruf a: perubahan data).
TRANSITIONS: dict[str, set[str]] = {
    PbiProposal.Status.PROPOSED: {PbiProposal.Status.SUBMITTED, PbiProposal.Status.REMOVED},
    PbiProposal.Status.SUBMITTED: {PbiProposal.Status.ACCEPTED, PbiProposal.Status.REMOVED},
    PbiProposal.Status.ACCEPTED: {PbiProposal.Status.REMOVED},
    PbiProposal.Status.REMOVED: {PbiProposal.Status.PROPOSED},
}


@dataclass
class ProposalRun:
    added: int = 0
    already: int = 0
    withdrawn: int = 0


def pbi_proposals_generate(
    *, welfare: Snapshot, period: CoveragePeriod, actor: Any, deciles: Iterable[int] | None = None
) -> ProposalRun:
    """Propose every resident in ``deciles`` without active JKN; withdraw open proposals of
    people who became active meanwhile (reason recorded)."""
    deciles = conf.PBI_PROPOSAL_DECILES if deciles is None else tuple(deciles)
    active = MembershipRecord.objects.filter(
        snapshot_id=period.membership_id, nik=OuterRef("nik"), status=MembershipStatus.ACTIVE
    )
    resident = PopulationRecord.objects.filter(snapshot_id=period.population_id, nik=OuterRef("nik"))
    candidates = (
        welfare.welfare.filter(decile__in=deciles).filter(Exists(resident)).exclude(Exists(active)).order_by("id")
    )
    run = ProposalRun()
    with transaction.atomic():
        # One generation at a time: a second click waits here, then sees the proposals the
        # first one committed (instead of failing on the unique NIK).
        Snapshot.objects.select_for_update().filter(pk=welfare.pk).first()
        existing = set(PbiProposal.objects.values_list("nik", flat=True))
        for record in candidates.iterator(chunk_size=2000):
            if record.nik in existing:
                run.already += 1
                continue
            person = PopulationRecord.objects.filter(snapshot_id=period.population_id, nik=record.nik).first()
            proposal = PbiProposal.objects.create(
                nik=record.nik,
                kk_number=record.kk_number,
                name=person.name if person else record.name,
                village_code=person.village_code if person else "",
                decile=record.decile,
                reason=f"Desil {record.decile}, belum peserta JKN aktif",
                welfare_snapshot=welfare,
            )
            PbiProposalEvent.objects.create(
                proposal=proposal, actor=actor, to_status=proposal.status, reason=proposal.reason
            )
            run.added += 1
        now_active = PbiProposal.objects.filter(
            status__in=[PbiProposal.Status.PROPOSED, PbiProposal.Status.SUBMITTED]
        ).filter(Exists(active))
        for proposal in now_active.select_for_update():
            _move(proposal, PbiProposal.Status.REMOVED, "Sudah menjadi peserta JKN aktif", actor)
            run.withdrawn += 1
        audit_record(
            action="generate",
            object_type="coverage.PbiProposal",
            summary=f"Usulan PBI: {run.added} baru, {run.withdrawn} dikeluarkan",
            actor=actor,
        )
    return run


def _move(proposal: PbiProposal, to_status: str, reason: str, actor: Any) -> None:
    before = proposal.status
    proposal.status = to_status
    proposal.reason = reason[:300]
    proposal.save(update_fields=["status", "reason", "updated_at"])
    PbiProposalEvent.objects.create(
        proposal=proposal, actor=actor, from_status=before, to_status=to_status, reason=reason[:300]
    )


def pbi_proposal_decide(*, proposal: PbiProposal, to_status: str, reason: str, actor: Any) -> PbiProposal:
    """Move a proposal (submit, accept, remove, re-propose) with a reason; one actor wins."""
    if not reason.strip():
        raise ValidationError(_("Alasan wajib diisi."))
    with transaction.atomic():
        locked = PbiProposal.objects.select_for_update().get(pk=proposal.pk)
        if to_status not in TRANSITIONS.get(locked.status, set()):
            raise ValidationError(_("Perubahan status usulan ini tidak diperbolehkan."))
        before = locked.status
        _move(locked, to_status, reason.strip(), actor)
        audit_record(
            action="update",
            obj=locked,
            summary=f"Usulan PBI {before} → {to_status}",
            changes={"status": [before, to_status], "reason": reason.strip()[:300]},
            actor=actor,
        )
    return locked
