"""Pure helpers: tracking codes, file-type detection, validity period (hypothesis properties)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ejamkesda.enrolment.services import add_months
from ejamkesda.enrolment.tracking import (
    ALPHABET,
    LENGTH,
    tracking_code_display,
    tracking_code_new,
    tracking_code_normalise,
)
from ejamkesda.enrolment.uploads import JPEG, PDF, PNG, detect_type


def test_new_codes_are_well_formed_and_distinct():
    codes = {tracking_code_new() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == LENGTH and set(code) <= set(ALPHABET) for code in codes)
    assert not set("01OIL") & set(ALPHABET)


@given(st.text(alphabet=ALPHABET, min_size=LENGTH, max_size=LENGTH))
def test_display_then_normalise_round_trips(code):
    assert tracking_code_normalise(tracking_code_display(code)) == code
    assert tracking_code_normalise(f"  {tracking_code_display(code).lower()} ") == code


@given(st.text(max_size=30))
def test_normalise_never_accepts_garbage(text):
    result = tracking_code_normalise(text)
    assert result is None or (len(result) == LENGTH and set(result) <= set(ALPHABET))


@given(st.binary(max_size=32))
def test_detect_only_by_signature(head):
    detected = detect_type(head)
    if head.startswith(b"%PDF-"):
        assert detected is PDF
    elif head.startswith(b"\xff\xd8\xff"):
        assert detected is JPEG
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        assert detected is PNG
    else:
        assert detected is None


def test_exe_and_html_are_not_accepted():
    assert detect_type(b"MZ\x90\x00") is None
    assert detect_type(b"<!doctype html>") is None
    assert detect_type(b"  %PDF-1.4") is None  # the signature must be at the very start


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)), st.integers(0, 48))
def test_add_months(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day


def test_add_months_end_of_month():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 3, 1), 12) == dt.date(2026, 3, 1)
