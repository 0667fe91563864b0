"""ICD-10 search understands Indonesian names and synonyms; English and codes keep working."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from ejamkesda.services import icd


@pytest.fixture(autouse=True)
def _indonesian():
    with translation.override("id"):
        yield


def _codes(query: str, limit: int = 5) -> list[str]:
    return [code for code, _description in icd.search(query, limit=limit)]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("demam", "R50.9"),
        ("diare", "A09"),
        ("mencret", "A09"),
        ("hipertensi", "I10"),
        ("darah tinggi", "I10"),
        ("tifoid", "A01.0"),
        ("tipes", "A01.0"),
        ("DBD", "A97.1"),
        ("ISPA", "J06.9"),
        ("TB paru", "A15.0"),
        ("kencing manis", "E11.9"),
        ("maag", "K29.7"),
        ("cacar air", "B01.9"),
        ("stroke", "I63.9"),
        ("gagal ginjal", "N18.9"),
        ("sesar", "O82"),
    ],
)
def test_clerk_words_find_the_diagnosis_at_the_top(query, code):
    assert code in _codes(query, limit=3)


def test_results_ranked_by_how_common():
    codes = _codes("demam", limit=10)
    assert codes.index("R50.9") < codes.index("A01.0") < codes.index("A97.1") < codes.index("R56.0")


def test_english_and_code_search_keep_working():
    assert _codes("J18")[0] == "J18"
    assert all(code.startswith("J18") for code in _codes("J18"))
    assert "A01.0" in _codes("typhoid fever")
    assert any(code.startswith("J18") for code in _codes("pneumonia", limit=15))


def test_description_follows_the_language():
    assert icd.describe("A01.0") == "Demam tifoid"
    with translation.override("en"):
        assert icd.describe("A01.0") == "Typhoid fever"
        assert icd.search("tifoid")[0] == ("A01.0", "Typhoid fever")


def test_data_covers_the_primary_care_list_with_valid_codes():
    names = icd.indonesian_names()
    assert len(names) >= 144
    assert all(icd.is_valid(code) for code in names)
    header = icd.DATA_FILE.read_text(encoding="utf-8").split("\ncode,", 1)[0]
    assert "144 diagnosis" in header and "Sumber" in header


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(icd.indonesian_names().values(), key=lambda entry: entry.code)))
def test_every_indonesian_name_and_synonym_finds_its_code(entry):
    with translation.override("id"):
        for text in (entry.name, *entry.synonyms):
            assert entry.code in _codes(text, limit=15), text


@pytest.mark.django_db
def test_autocomplete_answers_in_indonesian(client):
    from ejamkesda.core.roles import Role
    from tests.auth import login_verified
    from tests.factories import user_with_role

    login_verified(client, user_with_role(Role.PPK_OPERATOR))
    html = client.get(reverse("services:icd_search"), {"diagnosis_code": "diare"}).content.decode()
    assert '<option value="A09">A09 — Diare dan gastroenteritis</option>' in html
