"""Types shared by the import library."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class ImportFileError(Exception):
    """The file as a whole cannot be imported. The message is for the user (Bahasa Indonesia)."""


class RowError(NamedTuple):
    """One problem in one row: spreadsheet row number (header = 1), column, value, reason."""

    row: int
    column: str
    value: str
    reason: str


class RowInvalid(Exception):
    """Raised by an importer's ``clean_row``: the row is rejected for these reasons."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(error.reason for error in errors))
        self.errors = errors


@dataclass(frozen=True)
class Column:
    """A column an importer understands: its canonical name and the headers that mean it."""

    key: str  # canonical header, e.g. "TGL_LAHIR"
    aliases: tuple[str, ...] = ()
    required: bool = False
    description: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.key, *self.aliases)


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)  # rows rejected while writing (e.g. conflicts)
