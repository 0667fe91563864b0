"""A small reader for gettext .po files (enough to check the catalogues; polib is not a dependency)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # -1 for a singular entry
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def _string(literal: str) -> str:
    value = ast.literal_eval(literal)
    assert isinstance(value, str)
    return value


def parse(path: Path) -> list[Entry]:
    """Entries of a .po file, obsolete (#~) entries left out."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None

    def flush() -> None:
        nonlocal current, target
        if current.msgstr:
            entries.append(current)
        current, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current.msgstr:
                flush()
            if line.startswith("#,"):
                current.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, literal = match.group(1), match.group(2), _string(match.group(3))
            if keyword in ("msgctxt", "msgid") and current.msgstr:
                flush()
            if keyword == "msgctxt":
                current.msgctxt, target = literal, ("msgctxt", 0)
            elif keyword == "msgid":
                current.msgid, current.line, target = literal, number, ("msgid", 0)
            elif keyword == "msgid_plural":
                current.msgid_plural, target = literal, ("msgid_plural", 0)
            else:
                slot = int(index) if index is not None else -1
                current.msgstr[slot], target = literal, ("msgstr", slot)
            continue
        if line.startswith('"') and target is not None:
            literal = _string(line)
            kind, slot = target
            if kind == "msgstr":
                current.msgstr[slot] += literal
            elif kind == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + literal
            elif kind == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + literal
            else:
                current.msgid += literal
            continue
        raise ValueError(f"{path}:{number}: cannot read {raw!r}")
    flush()
    return entries
