"""The repository explains itself: every reference in it resolves inside it.

A reader of the repository has the code, ``docs/`` and the regulations by name and article,
nothing else. So no file may point at a design note, an issue tracker or a numbered source
file that is not in the repository; ``docs/…`` and ``tests/…`` paths named in any file must
exist. Regulations are cited by their own name and article, e.g. "Perbup Kapuas Hulu 9/2015
Pasal 20".
"""

from __future__ import annotations

import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
THIS = pathlib.Path(__file__).resolve().relative_to(ROOT).as_posix()
SKIPPED_DIRS = {".git", ".venv", ".tools", "node_modules", "var", "__pycache__", "staticfiles"}
BINARY_SUFFIXES = {".mo", ".png", ".jpg", ".jpeg", ".gif", ".ico", ".xlsx", ".zip", ".gz", ".woff", ".woff2", ".pdf"}

# Each pattern names what it catches; built from pieces so that this file does not match itself.
UNRESOLVED = {
    "design note": re.compile(r"\bDESIGN" + r"\.md\b|\bdesign ?" + "§" + r"|\bdesign doc\b", re.IGNORECASE),
    "issue number": re.compile(r"\bissues? ?#?\d", re.IGNORECASE),
    "numbered source file": re.compile(
        r"\bseeds?[ _]?`?0\d\d\b|\bseeds" + r"/|\b\d{3}_[0-9a-f]{16}\.txt\b", re.IGNORECASE
    ),
}
DOC_PATH = re.compile(r"(?<![\w/.-])((?:docs|tests)/[\w./-]*[\w-]\.(?:md|py))\b")
# An article of a regulation ("Pasal 7 ayat (3)") or a point of the regent's instruction ("KEDUA angka 6").
LEGAL_BASIS = re.compile(r"\bPasal \d|\bKEDUA angka \d")
MARKDOWN_LINK = re.compile(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)")


def _tracked_files() -> list[str]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=30
        ).stdout
        return [name for name in out.split("\0") if name]
    except (OSError, subprocess.SubprocessError):
        return [
            path.relative_to(ROOT).as_posix()
            for path in ROOT.rglob("*")
            if path.is_file() and not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts)
        ]


def _text_files() -> list[tuple[str, list[str]]]:
    files = []
    for name in _tracked_files():
        path = ROOT / name
        if name == THIS or path.suffix.lower() in BINARY_SUFFIXES or not path.is_file():
            continue
        try:
            files.append((name, path.read_text(encoding="utf-8").splitlines()))
        except UnicodeDecodeError:
            continue
    return files


@pytest.fixture(scope="module")
def text_files() -> list[tuple[str, list[str]]]:
    return _text_files()


def test_no_reference_points_outside_the_repository(text_files):
    found = [
        f"{name}:{number}: {kind}: {line.strip()[:100]}"
        for name, lines in text_files
        for number, line in enumerate(lines, start=1)
        for kind, pattern in UNRESOLVED.items()
        if pattern.search(line)
    ]
    assert not found, (
        "References that do not resolve in the repository; cite the regulation by name and "
        "article (e.g. 'Perbup Kapuas Hulu 9/2015 Pasal 20') or a docs/ section instead:\n" + "\n".join(found)
    )


def test_docs_and_tests_paths_named_in_files_exist(text_files):
    missing = [
        f"{name}:{number}: {target}"
        for name, lines in text_files
        for number, line in enumerate(lines, start=1)
        for target in DOC_PATH.findall(line)
        if "*" not in target and not (ROOT / target).exists()
    ]
    assert not missing, "Paths named in the repository that do not exist:\n" + "\n".join(missing)


def test_markdown_links_between_documents_resolve(text_files):
    missing = [
        f"{name}:{number}: {target}"
        for name, lines in text_files
        if name.endswith(".md")
        for number, line in enumerate(lines, start=1)
        for target in MARKDOWN_LINK.findall(line)
        if "://" not in target and not (ROOT / name).parent.joinpath(target).exists()
    ]
    assert not missing, "Markdown links to documents that do not exist:\n" + "\n".join(missing)


@pytest.mark.parametrize(
    "line",
    [
        "see DESIGN" + ".md §4",
        "(issue 4 " + "§2)",
        "Issue #12",
        "seed 003 Pasal 18",
        "Seed_002",
        "seed `000_68286ad467e7699d.txt`",
        "../shared/seeds" + "/",
    ],
)
def test_the_patterns_catch_each_form(line):
    assert any(pattern.search(line) for pattern in UNRESOLVED.values())


@pytest.mark.parametrize(
    "line",
    [
        "Perbup Kapuas Hulu 9/2015 Pasal 18",
        "manage.py seed_demo --seed 7",
        'outcome.issue[0].code == "not-found"',
        "OTP_TOTP_ISSUER",
        "faker.seed_instance(seed)",
    ],
)
def test_the_patterns_leave_ordinary_text_alone(line):
    assert not any(pattern.search(line) for pattern in UNRESOLVED.values())


def test_every_functional_requirement_is_traced_to_a_regulation_and_a_test():
    """docs/kebutuhan.md: each KF row names its legal basis and at least one test file."""
    text = (ROOT / "docs" / "kebutuhan.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if re.match(r"\| KF-[A-Z]+-\d\d \|", line)]
    assert len(rows) >= 40
    ids = [row.split("|")[1].strip() for row in rows]
    assert len(ids) == len(set(ids)), "requirement numbers must be unique"
    untraced = [
        row.split("|")[1].strip()
        for row in rows
        if not re.search(r"tests/\S+\.py", row.split("|")[-2]) or not LEGAL_BASIS.search(row.split("|")[-3])
    ]
    assert not untraced, "Requirements without a regulation article or a test file: " + ", ".join(untraced)
