"""The instruction checklist (Instruksi Bupati Tegal 379/2022): seeding from the text and progress updates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ejamkesda.audit.services import audit_record
from ejamkesda.coverage.models import InstructionTask, TaskProgress

POINT = re.compile(r"^\s*(\d{1,2})\.\s+(.*)$")
LETTER = re.compile(r"^\s*-?\s*([a-z])\.\s+(.*)$")


@dataclass(frozen=True)
class ParsedTask:
    point: int
    letter: str
    addressee: str
    text: str


def _clean(text: str) -> str:
    return " ".join(text.replace("*", "").split())


def parse_instruction(text: str) -> tuple[dict[int, str], list[ParsedTask]]:
    """Addressees (``Kepada``) and tasks (``KEDUA`` angka/huruf) of an instruction text laid
    out like Instruksi Bupati Tegal 379/2022: numbered addressees, then KEDUA with numbered points and lettered
    sub-points, up to KETIGA. Continuation lines are joined to the item above."""
    addressees: dict[int, str] = {}
    tasks: list[ParsedTask] = []
    section = "head"
    current: list[Any] | None = None  # [point, letter, text]
    point_intro: dict[int, str] = {}
    items: list[list[Any]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("- Kepada") or line.startswith("Kepada"):
            section = "addressees"
            line = line.split(":", 1)[1].strip() if ":" in line else ""
            if not line:
                continue
        if line.startswith("Untuk"):
            section = "between"
            continue
        if line.startswith("KEDUA"):
            section = "tasks"
            continue
        if "KETIGA" in line[:12]:
            break
        if section == "addressees":
            match = POINT.match(line)
            if match:
                addressees[int(match.group(1))] = _clean(match.group(2)).rstrip(";")
            continue
        if section != "tasks":
            continue
        point_match = POINT.match(line)
        letter_match = LETTER.match(line)
        if point_match and (current is None or int(point_match.group(1)) == _last_point(items) + 1):
            current = [int(point_match.group(1)), "", point_match.group(2)]
            items.append(current)
        elif letter_match and current is not None:
            current = [current[0], letter_match.group(1), letter_match.group(2)]
            items.append(current)
        elif current is not None:
            current[2] += " " + line.lstrip("- ")
    for point, letter, body in items:
        if not letter:
            point_intro[point] = _clean(body)
    lettered = {point for point, letter, _body in items if letter}
    for point, letter, body in items:
        if not letter and point in lettered:
            continue
        addressee = addressees.get(point, "")
        tasks.append(ParsedTask(point=point, letter=letter, addressee=addressee, text=_clean(body)))
    return addressees, tasks


def _last_point(items: list[list[Any]]) -> int:
    return items[-1][0] if items else 0


def instruction_tasks_seed(*, instruction: str, text: str, agency_by_point: dict[int, Any] | None = None) -> int:
    """Create the tasks of ``instruction`` from its text; existing tasks are left as edited."""
    _addressees, tasks = parse_instruction(text)
    created = 0
    with transaction.atomic():
        for task in tasks:
            _obj, was_created = InstructionTask.objects.get_or_create(
                instruction=instruction,
                point=task.point,
                letter=task.letter,
                defaults={
                    "addressee": task.addressee[:300],
                    "text": task.text,
                    "agency": (agency_by_point or {}).get(task.point),
                    "indicator": default_indicator(task.text),
                },
            )
            created += int(was_created)
    return created


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
