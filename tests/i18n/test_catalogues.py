"""The English catalogues are complete, compiled and consistent with the source strings.

Bahasa Indonesia is the source language; every app carries its own catalogue in
`ejamkesda/<app>/locale/en/LC_MESSAGES/`, and `ejamkesda/locale/` (LOCALE_PATHS) holds the
strings of the project templates in `ejamkesda/templates/`. See docs/terjemahan.md.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from tests.i18n.pofile import Entry, parse

ROOT = Path(settings.BASE_DIR) / "ejamkesda"
PROJECT_CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _project_apps() -> list:
    return [config for config in apps.get_app_configs() if config.name.startswith("ejamkesda.")]


def _catalogues() -> list[Path]:
    found = [Path(config.path) / "locale" / "en" / "LC_MESSAGES" / "django.po" for config in _project_apps()]
    return [path for path in found if path.exists()] + [PROJECT_CATALOGUE]


CATALOGUES = _catalogues()
IDS = [str(path.relative_to(ROOT)).split("/locale/")[0].replace("locale", "project") for path in CATALOGUES]

# %(name)s, %s, %d, %.1f … and the literal %% (python-format, as Django uses them).
_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


def _placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def _entries(path: Path) -> list[Entry]:
    return [entry for entry in parse(path) if not entry.is_header]


def test_every_project_app_has_an_english_catalogue():
    missing = [
        config.name
        for config in _project_apps()
        if not (Path(config.path) / "locale" / "en" / "LC_MESSAGES" / "django.po").exists()
    ]
    assert missing == []
    assert PROJECT_CATALOGUE.exists()
    assert str(PROJECT_CATALOGUE.parents[2]) in [str(path) for path in settings.LOCALE_PATHS]


def test_english_is_offered_and_indonesian_is_the_source():
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _name in settings.LANGUAGES] == ["id", "en"]


@pytest.mark.parametrize("path", CATALOGUES, ids=IDS)
def test_catalogue_header(path: Path):
    header = next(entry for entry in parse(path) if entry.is_header)
    text = header.msgstr[-1]
    assert "Language: en\n" in text
    assert "Content-Type: text/plain; charset=UTF-8" in text
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in text
    assert "fuzzy" not in header.flags


@pytest.mark.parametrize("path", CATALOGUES, ids=IDS)
def test_no_untranslated_or_fuzzy_entries(path: Path):
    entries = _entries(path)
    assert entries, f"{path} has no entries"
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    empty = [entry.msgid for entry in entries if not all(entry.msgstr.values())]
    assert fuzzy == [], f"fuzzy entries in {path}"
    assert empty == [], f"untranslated entries in {path}"
    for entry in entries:
        if entry.msgid_plural is not None:
            assert sorted(entry.msgstr) == [0, 1], f"{path}:{entry.line} needs both plural forms"


@pytest.mark.parametrize("path", CATALOGUES, ids=IDS)
def test_placeholders_are_kept(path: Path):
    """A translation must use exactly the placeholders of its source, or rendering breaks."""
    for entry in _entries(path):
        if entry.msgid_plural is None:
            assert _placeholders(entry.msgstr[-1]) == _placeholders(entry.msgid), f"{path}:{entry.line}"
        else:
            for form in entry.msgstr.values():
                assert set(_placeholders(form)) <= set(_placeholders(entry.msgid_plural)), f"{path}:{entry.line}"
            assert _placeholders(entry.msgstr[1]) == _placeholders(entry.msgid_plural), f"{path}:{entry.line}"


@pytest.mark.parametrize("path", CATALOGUES, ids=IDS)
def test_compiled_catalogue_is_up_to_date(path: Path):
    """The committed .mo says exactly what the .po says (compilemessages was run)."""
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run compilemessages"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = compiled._catalog  # type: ignore[attr-defined]
    for entry in _entries(path):
        if entry.msgid_plural is None:
            assert catalog.get(entry.key) == entry.msgstr[-1], f"{path}:{entry.line} not compiled"
        else:
            for index, form in entry.msgstr.items():
                assert catalog.get((entry.key, index)) == form, f"{path}:{entry.line} not compiled"
    compiled_keys = {key if isinstance(key, str) else key[0] for key in catalog if key != ""}
    assert compiled_keys == {entry.key for entry in _entries(path)}, f"{mo_path} has stale entries"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) not installed")
@pytest.mark.parametrize("path", CATALOGUES, ids=IDS)
def test_catalogue_compiles_with_format_checks(path: Path):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


# --- every string marked in the source has an English translation ----------------------------

_GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop"}
_TEMPLATE_TAG = re.compile(
    r"{%\s*(?:translate|trans)\s+((?P<q>\"|')(?:(?!(?P=q)).)*(?P=q))(?:\s+noop)?(?:\s+as\s+\w+)?\s*%}"
)


def _python_strings(path: Path) -> list[str]:
    """First arguments of gettext calls that are a plain string (not docstrings or comments)."""
    strings = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _GETTEXT_NAMES
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            strings.append(node.args[0].value)
    return strings


def _source_dirs() -> list[Path]:
    return [Path(config.path) for config in _project_apps()] + [ROOT / "templates"]


def _source_strings() -> dict[str, str]:
    """msgid → where it is used, for `_("…")`-style calls and `{% translate "…" %}` tags."""
    found: dict[str, str] = {}
    for directory in _source_dirs():
        for path in sorted(directory.rglob("*")):
            parts = set(path.relative_to(ROOT).parts)
            if parts & {"migrations", "tests", "locale", "static"} or not path.is_file():
                continue
            where = str(path.relative_to(ROOT))
            if path.suffix == ".py":
                for text in _python_strings(path):
                    found.setdefault(text, where)
            elif path.suffix in (".html", ".txt"):
                for match in _TEMPLATE_TAG.finditer(path.read_text(encoding="utf-8")):
                    # The template engine looks the string up with "%" doubled, as makemessages writes it.
                    found.setdefault(match.group(1)[1:-1].replace("%", "%%"), where)
    return found


def test_source_strings_are_found():
    """Guard for the extractor itself, so the completeness test below cannot pass vacuously."""
    strings = _source_strings()
    assert len(strings) > 500
    assert "Cari peserta" in strings  # a template tag
    assert "Nomor KK harus 16 digit angka." in strings  # a Python call


def test_every_marked_string_has_a_translation():
    translated: set[str] = set()
    for path in CATALOGUES:
        translated.update(entry.key for entry in _entries(path) if all(entry.msgstr.values()))
    missing = {text: where for text, where in _source_strings().items() if text and text not in translated}
    assert missing == {}, "re-run makemessages and translate (docs/terjemahan.md)"


def test_one_translation_per_source_string():
    """Django merges all catalogues into one, so a source string must read the same everywhere."""
    seen: dict[str, tuple[tuple[int, str], ...]] = {}
    conflicts = []
    for path in CATALOGUES:
        for entry in _entries(path):
            value = tuple(sorted(entry.msgstr.items()))
            if seen.setdefault(entry.key, value) != value:
                conflicts.append((entry.key, str(path.relative_to(ROOT))))
    assert conflicts == []
