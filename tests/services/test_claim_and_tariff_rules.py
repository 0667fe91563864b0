"""Pure rules of claims and tariffs (ejamkesda/rules/claims.py, tariffs.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ejamkesda.rules.claims import (
    CLAIM_TRANSITIONS,
    ClaimState,
    InvalidTransition,
    ageing_bucket,
    check_transition,
    line_amount,
    missing_attachments,
    sjp_number,
    sla_status,
    sniff_attachment,
    stays_overlap,
    within_emergency_window,
)
from ejamkesda.rules.tariffs import InvalidAmount, TableVersion, parse_rupiah, parse_tariff_rows, table_in_force


def test_verification_moves_only_from_submitted():
    for target in (ClaimState.APPROVED, ClaimState.ADJUSTED, ClaimState.RETURNED, ClaimState.REJECTED):
        check_transition(ClaimState.SUBMITTED, target)
        for source in ClaimState:
            if source != ClaimState.SUBMITTED:
                with pytest.raises(InvalidTransition):
                    check_transition(source, target)


def test_terminal_states_have_no_way_out():
    assert CLAIM_TRANSITIONS[ClaimState.REJECTED] == frozenset()
    assert CLAIM_TRANSITIONS[ClaimState.PAID] == frozenset()
    with pytest.raises(InvalidTransition, match="Dibayar"):
        check_transition(ClaimState.PAID, ClaimState.SUBMITTED)


def test_payment_path():
    check_transition(ClaimState.APPROVED, ClaimState.IN_PAYMENT)
    check_transition(ClaimState.ADJUSTED, ClaimState.IN_PAYMENT)
    check_transition(ClaimState.IN_PAYMENT, ClaimState.PAID)
    with pytest.raises(InvalidTransition):
        check_transition(ClaimState.SUBMITTED, ClaimState.PAID)


@given(st.sampled_from(list(ClaimState)), st.sampled_from(list(ClaimState)))
def test_check_transition_agrees_with_the_table(source, target):
    allowed = target in CLAIM_TRANSITIONS[source]
    try:
        check_transition(source, target)
    except InvalidTransition:
        assert not allowed
    else:
        assert allowed


def test_required_attachments_per_kind():
    assert missing_attachments("rawat_jalan", set()) == ["rincian_biaya"]
    assert missing_attachments("rawat_inap", {"rincian_biaya"}) == ["resume_medis"]
    assert missing_attachments("persalinan", {"rincian_biaya", "resume_medis"}) == []


def test_sniff_by_content_not_name():
    assert sniff_attachment(b"%PDF-1.7") == "pdf"
    assert sniff_attachment(b"\xff\xd8\xff\xe0") == "jpeg"
    assert sniff_attachment(b"\x89PNG\r\n\x1a\n") == "png"
    assert sniff_attachment(b"MZ\x90\x00") is None
    assert sniff_attachment(b"<html>") is None


def test_emergency_window_default_three_days():
    start = dt.datetime(2026, 3, 1, 22, 0)
    assert within_emergency_window(start, start + dt.timedelta(hours=72), 72)
    assert not within_emergency_window(start, start + dt.timedelta(hours=72, minutes=1), 72)
    assert not within_emergency_window(start, start - dt.timedelta(minutes=1), 72)  # not in the future


@given(st.integers(0, 10_000), st.integers(0, 10**9))
def test_line_amount_is_exact_integer(quantity, price):
    assert line_amount(quantity, price) == quantity * price


def test_line_amount_refuses_negatives():
    with pytest.raises(ValueError):
        line_amount(-1, 100)


def test_stays_overlap():
    d = dt.date
    assert stays_overlap(d(2026, 1, 1), d(2026, 1, 3), d(2026, 1, 3), d(2026, 1, 5))
    assert not stays_overlap(d(2026, 1, 1), d(2026, 1, 3), d(2026, 1, 4), d(2026, 1, 5))


def test_ageing_and_sla():
    assert ageing_bucket(0) == "0–7 hari"
    assert ageing_bucket(8) == "8–14 hari"
    assert ageing_bucket(30) == "15–30 hari"
    assert ageing_bucket(31) == "> 30 hari"
    status = sla_status(dt.date(2026, 1, 1), dt.date(2026, 1, 17), 15)
    assert status.days == 16 and status.breached and status.days_left == -1
    assert not sla_status(dt.date(2026, 1, 1), dt.date(2026, 1, 16), 15).breached


def test_sjp_number_format():
    assert sjp_number(2026, 123) == "SJP/2026/000123"
    with pytest.raises(ValueError):
        sjp_number(2026, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("150000", 150_000),
        ("150.000", 150_000),
        ("Rp 1.250.000,00", 1_250_000),
        ("150,000", 150_000),
        (75000, 75_000),
        (75000.0, 75_000),
        (Decimal("10"), 10),
        ("0", 0),
    ],
)
def test_parse_rupiah(text, expected):
    assert parse_rupiah(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "-100", "150,50", 12.5, True, "1e999", "NaN"])
def test_parse_rupiah_refuses(text):
    with pytest.raises(InvalidAmount):
        parse_rupiah(text)


@given(st.integers(0, 10**15))
def test_parse_rupiah_round_trips_indonesian_format(amount):
    formatted = f"{amount:,}".replace(",", ".")
    assert parse_rupiah(formatted) == amount
    assert parse_rupiah(f"Rp {formatted},00") == amount
    assert parse_rupiah(str(amount)) == amount


def test_table_in_force_latest_date_then_highest_version():
    d = dt.date
    tables = [
        TableVersion(1, d(2024, 1, 1), 1),
        TableVersion(2, d(2025, 1, 1), 1),
        TableVersion(3, d(2025, 1, 1), 2),
        TableVersion(4, d(2026, 7, 1), 1),
    ]
    assert table_in_force(tables, d(2023, 12, 31)) is None
    assert table_in_force(tables, d(2024, 6, 1)).id == 1
    assert table_in_force(tables, d(2025, 1, 1)).id == 3
    assert table_in_force(tables, d(2026, 6, 30)).id == 3
    assert table_in_force(tables, d(2026, 7, 1)).id == 4


@given(
    st.lists(st.tuples(st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)), st.integers(1, 5)), min_size=1, max_size=8),
    st.dates(dt.date(2019, 1, 1), dt.date(2031, 1, 1)),
)
def test_table_in_force_never_picks_a_future_table(pairs, on):
    tables = [TableVersion(i, date, version) for i, (date, version) in enumerate(pairs)]
    chosen = table_in_force(tables, on)
    eligible = [t for t in tables if t.effective_from <= on]
    if not eligible:
        assert chosen is None
    else:
        assert chosen is not None and chosen.effective_from <= on
        assert all((t.effective_from, t.version) <= (chosen.effective_from, chosen.version) for t in eligible)


def test_parse_tariff_rows_names_row_and_column():
    rows = [
        ["Kode", "Uraian", "Tarif (Rp)"],
        ["rj01", "Rawat jalan", "50.000"],
        ["", "tanpa kode", "1"],
        ["RJ01", "ganda", "1"],
        ["LAB1", "Lab", "lima puluh"],
        [None, None, None],
    ]
    parsed, errors = parse_tariff_rows(rows)
    assert [(row.code, row.price, row.row) for row in parsed] == [("RJ01", 50_000, 2)]
    assert errors == [
        "baris 3, kolom kode: kode kosong",
        "baris 4, kolom kode: kode RJ01 sudah ada di baris 2",
        "baris 5, kolom tarif: tarif 'lima puluh' bukan angka rupiah",
    ]


def test_parse_tariff_rows_missing_header():
    parsed, errors = parse_tariff_rows([["kode", "nama"]])
    assert parsed == [] and errors == ["baris 1: kolom wajib tidak ada: tarif"]
