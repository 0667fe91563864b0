"""The instruction checklist: loading a regency's instruction document and progress updates."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ejamkesda.accounts.models import Agency
from ejamkesda.audit.services import audit_record
from ejamkesda.coverage.instructions import InstructionDocument
from ejamkesda.coverage.models import Instruction, InstructionTask, TaskProgress


def instruction_load(*, document: InstructionDocument, source: str, actor: Any = None) -> dict[str, int]:
    """Load a regency's instruction document: its header, the agencies it names (matched by
    code, created when missing) and its tasks. Tasks already loaded keep their edits and
    progress; tasks of any other instruction are set inactive, as a regency works to one."""
    counts = {"tasks": len(document.tasks), "created": 0, "agencies_created": 0, "deactivated": 0}
    with transaction.atomic():
        header = {
            "kind": document.kind,
            "number": document.number,
            "title": document.title,
            "regency": document.regency,
            "issued_on": document.issued_on,
            "issued_at": document.issued_at,
            "official": document.official,
            "official_name": document.official_name,
            "example": document.example,
            "note": document.note,
            "source": source[:200],
        }
        instruction, _created = Instruction.objects.update_or_create(name=document.name, defaults=header)
        agencies: dict[str, Agency] = {}
        for item in document.agencies:
            agency, created = Agency.objects.get_or_create(code=item.code, defaults={"name": item.name[:200]})
            agencies[item.code] = agency
            counts["agencies_created"] += int(created)
        for task in document.tasks:
            _obj, was_created = InstructionTask.objects.get_or_create(
                instruction=document.name,
                point=task.point,
                letter=task.letter,
                defaults={
                    "addressee": task.addressee[:300],
                    "text": task.text,
                    "agency": agencies[task.agency],
                    "indicator": task.indicator or default_indicator(task.text),
                },
            )
            counts["created"] += int(was_created)
        InstructionTask.objects.filter(instruction=document.name).update(active=True)
        counts["deactivated"] = (
            InstructionTask.objects.exclude(instruction=document.name).filter(active=True).update(active=False)
        )
        audit_record(
            action="update",
            obj=instruction,
            summary=f"Muat {document.name} dari {source}: {counts['created']} tugas baru",
            changes={key: [None, value] for key, value in counts.items()},
            actor=actor,
        )
    return counts


def default_indicator(text: str) -> str:
    if "peserta aktif" in text.lower():
        return "Persentase orang pada daftar sektor yang menjadi peserta JKN aktif"
    return "Laporan kemajuan dengan bukti"


def task_progress_add(
    *, task: InstructionTask, percent: int, note: str, actor: Any, evidence: Any = None
) -> TaskProgress:
    if not 0 <= percent <= 100:
        raise ValidationError(_("Capaian harus 0–100%."))
    if not note.strip():
        raise ValidationError(_("Uraian kemajuan wajib diisi."))
    with transaction.atomic():
        locked = InstructionTask.objects.select_for_update().get(pk=task.pk)
        progress = TaskProgress.objects.create(
            task=locked, percent=percent, note=note.strip(), actor=actor, evidence=evidence or ""
        )
        before = locked.progress_percent
        locked.progress_percent = percent
        locked.save(update_fields=["progress_percent"])
        audit_record(
            action="update",
            obj=locked,
            summary=f"Kemajuan tugas {locked.label}: {before}% → {percent}%",
            changes={"progress_percent": [before, percent]},
            actor=actor,
        )
    return progress


def instruction_task_update(
    *, task: InstructionTask, agency: Any, indicator: str, text: str, actor: Any
) -> InstructionTask:
    """An admin edits a task (other regencies' instructions differ); the row is locked so a
    concurrent progress report or edit cannot be lost, and the change is audit-logged."""
    with transaction.atomic():
        locked = InstructionTask.objects.select_for_update().get(pk=task.pk)
        before = {"agency": locked.agency_id, "indicator": locked.indicator, "text": locked.text}
        locked.agency = agency
        locked.indicator = indicator
        locked.text = text
        locked.save(update_fields=["agency", "indicator", "text"])
        after = {"agency": locked.agency_id, "indicator": locked.indicator, "text": locked.text}
        changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
        audit_record(action="update", obj=locked, summary=f"Ubah tugas {locked.label}", changes=changes, actor=actor)
    return locked
