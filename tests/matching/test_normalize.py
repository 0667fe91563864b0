"""Name normalisation for Indonesian spelling (docs/pemadanan.md)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ejamkesda.matching.normalize import normalize_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Dr. H. Muhammad Yusuf, S.Pd., M.Si.", "MUHAMAD YUSUF"),
        ("M. Yusuf", "MUHAMAD YUSUF"),
        ("Moch. Yusuf S.Pd", "MUHAMAD YUSUF"),
        ("Mohammad Yusuf", "MUHAMAD YUSUF"),
        ("Mhd Yusuf", "MUHAMAD YUSUF"),
        ("Hj. Sitti Nurhasanah", "SITI NURHASANAH"),
        ("Siti Nurhasanah, A.Md.Kep", "SITI NURHASANAH"),
        ("Prof. Ir. Budi Santoso S.Kom", "BUDI SANTOSO"),
        ("Drs. Budi Santoso", "BUDI SANTOSO"),
        ("Soekarno", "SUKARNO"),
        ("Djoko Tjahjono", "JOKO CAHJONO"),
        ("Achmad Chairul", "AHMAD HAIRUL"),
        ("Ahmad Khairul", "AHMAD HAIRUL"),
        ("Abd. Rahman", "ABDUL RAHMAN"),
        ("  nyoman   adi ", "NYOMAN ADI"),
        ("Élisa", "ELISA"),
    ],
)
def test_normalises_titles_degrees_and_spelling(raw, expected):
    assert normalize_name(raw) == expected


def test_name_is_never_reduced_to_nothing():
    assert normalize_name("H.") == "H"
    assert normalize_name("Drs") == "DRS"


def test_empty_and_missing():
    assert normalize_name("") == ""
    assert normalize_name(None) == ""
    assert normalize_name(" .,- ") == ""


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcdhjkmnostuyAEHDJKMNOST .,-'")), max_size=30))
def test_normaliser_is_idempotent(text):
    once = normalize_name(text)
    assert normalize_name(once) == once


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=25))
def test_output_is_upper_letters_and_single_spaces(text):
    out = normalize_name(text)
    assert out == out.strip()
    assert "  " not in out
    assert all(ch == " " or "A" <= ch <= "Z" for ch in out)
