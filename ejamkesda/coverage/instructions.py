"""A regent's instruction on JKN optimisation as a document file (JSON), read and checked.

Each regency loads its own instruction: title, number, date, issuing official, the agencies
it addresses and its tasks (diktum KEDUA angka/huruf), each with the agency that carries it
out. Bundled documents live in ``ejamkesda/coverage/data/instructions/``:
``tegal_379_2022.json`` (Instruksi Bupati Tegal 379/2022, the template) and
``ppu_contoh_demo.json`` (a demo example for Penajam Paser Utara built from it, not an
issued instruction). The format is described in docs/cakupan-uhc.md §8.

Pure Python: the loading into the database is ``coverage.services.tasks.instruction_load``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BUNDLED_DIR = Path(__file__).resolve().parent / "data" / "instructions"
FORMAT = 1
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
_LETTER = re.compile(r"^[a-z]?$")
_TEXT_FIELDS = ("name", "kind", "number", "title", "regency", "issued_at", "official")


class InstructionFileError(ValueError):
    """The file cannot be used; ``problems`` lists every problem found, each with its place."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


@dataclass(frozen=True)
class DocumentAgency:
    code: str
    name: str
    addressee: str


@dataclass(frozen=True)
class DocumentTask:
    point: int
    letter: str
    agency: str  # DocumentAgency.code
    addressee: str
    text: str
    indicator: str


@dataclass(frozen=True)
class InstructionDocument:
    name: str  # short name, e.g. "Instruksi Bupati Tegal 379/2022" (InstructionTask.instruction)
    kind: str
    number: str
    title: str
    regency: str
    issued_on: dt.date
    issued_at: str
    official: str
    official_name: str
    example: bool
    note: str
    agencies: tuple[DocumentAgency, ...]
    tasks: tuple[DocumentTask, ...]


def bundled_documents() -> list[Path]:
    return sorted(BUNDLED_DIR.glob("*.json"))


def document_path(name: str) -> Path:
    """A bundled document by its file name (with or without ``.json``), or any path."""
    bundled = BUNDLED_DIR / (name if name.endswith(".json") else f"{name}.json")
    if "/" not in name and bundled.exists():
        return bundled
    return Path(name)


def document_read(path: Path) -> InstructionDocument:
    """Read and check a document file; every problem is reported at once."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InstructionFileError(str(path), [f"berkas tidak dapat dibaca ({error.strerror})"]) from error
    except json.JSONDecodeError as error:
        raise InstructionFileError(
            str(path), [f"bukan JSON yang sah (baris {error.lineno}, kolom {error.colno}: {error.msg})"]
        ) from error
    return document_parse(raw, source=str(path))


def _text(raw: dict[str, Any], key: str, where: str, problems: list[str], *, required: bool = True) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str):
        problems.append(f"{where}{key}: harus teks")
        return ""
    if required and not value.strip():
        problems.append(f"{where}{key}: wajib diisi")
    return " ".join(value.split())


def _objects(raw: Any, key: str, what: str, problems: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(place, object) for each item of the list ``key``; a wrong shape is a problem."""
    if not isinstance(raw, list) or not raw:
        problems.append(f"{key}: harus daftar {what} yang tidak kosong")
        return
    for index, item in enumerate(raw):
        if isinstance(item, dict):
            yield f"{key}[{index}].", item
        else:
            problems.append(f"{key}[{index}]: harus objek")


def _agencies(raw: Any, problems: list[str]) -> dict[str, DocumentAgency]:
    agencies: dict[str, DocumentAgency] = {}
    for where, item in _objects(raw, "agencies", "OPD", problems):
        code = _text(item, "code", where, problems)
        if code and not _CODE.match(code):
            problems.append(f"{where}code: {code!r} harus huruf besar/angka, paling panjang 32")
        if code in agencies:
            problems.append(f"{where}code: {code!r} ganda")
        agency = DocumentAgency(
            code=code, name=_text(item, "name", where, problems), addressee=_text(item, "addressee", where, problems)
        )
        if code:
            agencies.setdefault(code, agency)
    return agencies


def _tasks(raw: Any, agencies: dict[str, DocumentAgency], problems: list[str]) -> list[DocumentTask]:
    tasks: list[DocumentTask] = []
    seen: set[tuple[int, str]] = set()
    for where, item in _objects(raw, "tasks", "tugas", problems):
        point = item.get("point")
        if not isinstance(point, int) or isinstance(point, bool) or not 1 <= point <= 99:
            problems.append(f"{where}point: harus bilangan 1–99")
            point = 0
        letter = _text(item, "letter", where, problems, required=False)
        if not _LETTER.match(letter):
            problems.append(f"{where}letter: {letter!r} harus satu huruf kecil atau kosong")
        if (point, letter) in seen:
            problems.append(f"{where}: angka {point} huruf {letter!r} ganda")
        seen.add((point, letter))
        code = _text(item, "agency", where, problems)
        agency = agencies.get(code)
        if code and agency is None:
            problems.append(f"{where}agency: kode OPD {code!r} tidak ada di agencies")
        addressee = _text(item, "addressee", where, problems, required=False)
        tasks.append(
            DocumentTask(
                point=point,
                letter=letter,
                agency=code,
                addressee=addressee or (agency.addressee if agency else ""),
                text=_text(item, "text", where, problems),
                indicator=_text(item, "indicator", where, problems, required=False),
            )
        )
    return tasks


def document_parse(raw: Any, *, source: str = "instruksi") -> InstructionDocument:
    if not isinstance(raw, dict):
        raise InstructionFileError(source, ["isi berkas harus objek JSON"])
    problems: list[str] = []
    if raw.get("format") != FORMAT:
        problems.append(f"format: harus {FORMAT}")
    texts = {key: _text(raw, key, "", problems) for key in _TEXT_FIELDS}
    issued_on = dt.date.min
    try:
        issued_on = dt.date.fromisoformat(str(raw.get("issued_on", "")))
    except ValueError:
        problems.append("issued_on: harus tanggal TTTT-BB-HH")
    example = raw.get("example", False)
    if not isinstance(example, bool):
        problems.append("example: harus true atau false")
    agencies = _agencies(raw.get("agencies"), problems)
    tasks = _tasks(raw.get("tasks"), agencies, problems)
    if problems:
        raise InstructionFileError(source, problems)
    return InstructionDocument(
        **texts,
        issued_on=issued_on,
        official_name=_text(raw, "official_name", "", problems, required=False),
        example=bool(example),
        note=_text(raw, "note", "", problems, required=False),
        agencies=tuple(agencies.values()),
        tasks=tuple(tasks),
    )
