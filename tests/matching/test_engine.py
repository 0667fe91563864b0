"""The matching engine: NIK evidence, swapped dates, scores and reasons, duplicates."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from ejamkesda.matching import find_duplicates, match_frames
from ejamkesda.matching.features import (
    MISSING,
    NIK_DIFFERENT,
    NIK_DIFFERENT_CONSISTENT,
    NIK_EXACT,
    NIK_SERIAL,
    NIK_TYPO,
    compare,
    nik_levels,
)
from ejamkesda.matching.io import conform
from ejamkesda.matching.prepare import nik_matrix, prepare

from .factories import frame, person, population


def _levels(left_nik: str, right_nik: str, *, dob_ok: bool = True) -> int:
    ln, rn = pl.Series([left_nik or None], dtype=pl.String), pl.Series([right_nik or None], dtype=pl.String)
    ld, _ = nik_matrix(ln.str.pad_end(16, "0") if len(left_nik) == 16 else pl.Series([None], dtype=pl.String))
    rd, _ = nik_matrix(rn.str.pad_end(16, "0") if len(right_nik) == 16 else pl.Series([None], dtype=pl.String))
    return int(nik_levels(ld, rd, ln, rn, np.array([dob_ok]))[0])


def test_nik_levels():
    nik = "3328015708800002"
    assert _levels(nik, nik) == NIK_EXACT
    assert _levels(nik, "") == MISSING
    # only the serial differs: twins / people born the same day in the same district → no evidence
    assert _levels(nik, "3328015708800003") == NIK_SERIAL
    # one mistyped digit in the birth-date part while the record's birth date agrees → typo
    assert _levels(nik, "3328015708810002", dob_ok=False) == NIK_TYPO
    # the same digit difference, but each NIK matches its own record's birth date → different people
    assert _levels(nik, "3328015708810002", dob_ok=True) == NIK_DIFFERENT_CONSISTENT
    # two neighbouring digits swapped → typo
    assert _levels(nik, "3328017508800002", dob_ok=False) == NIK_TYPO
    # regency digits mistyped → typo; a digit missing → typo
    assert _levels(nik, "3329015708800002") == NIK_TYPO
    assert _levels(nik, "332801570880002") == NIK_TYPO
    # unrelated
    assert _levels(nik, "3174094101950123", dob_ok=False) == NIK_DIFFERENT
    assert _levels(nik, "3174094101950123", dob_ok=True) == NIK_DIFFERENT_CONSISTENT


def _register() -> list[dict[str, str]]:
    return population(240)


def _by_right(result: pl.DataFrame) -> dict[str, dict]:
    return {row["right_id"]: row for row in result.iter_rows(named=True)}


def test_exact_nik_typo_and_swapped_date_are_matched():
    left = _register()
    right = [dict(r, id=f"B{i}") for i, r in enumerate(left[:200])]
    # B0: mistyped NIK digit in the birth year, name spelled with a title
    right[0]["nik"] = right[0]["nik"][:10] + str((int(right[0]["nik"][10]) + 1) % 10) + right[0]["nik"][11:]
    right[0]["nama"] = "H. " + right[0]["nama"]
    # B1: no NIK, day and month swapped (day ≤ 12)
    day_month = [r for r in right[1:] if int(r["tgl_lahir"][8:]) <= 12 and r["tgl_lahir"][5:7] != r["tgl_lahir"][8:]]
    swapped = day_month[0]
    y, m, d = swapped["tgl_lahir"].split("-")
    swapped.update(nik="", tgl_lahir=f"{y}-{d}-{m}")
    result = _by_right(match_frames(frame(left), frame(right), threshold=0.9))
    assert result["B0"]["left_id"] == "A0"
    assert result["B0"]["method"] == "nik_salah_ketik"
    assert "nik: salah ketik" in result["B0"]["reasons"]
    assert result[swapped["id"]]["left_id"] == "A" + swapped["id"][1:]
    assert "hari-bulan tertukar" in result[swapped["id"]]["reasons"]
    assert result[swapped["id"]]["method"] == "probabilistik"
    assert result["B5"]["method"] == "nik"
    assert result["B5"]["status"] == "diterima"
    scores = [row["score"] for row in result.values()]
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_twin_with_nik_differing_only_in_serial_is_not_matched():
    left = _register()
    twin_of = left[10]
    # someone not in the register: same birth date, district, address; NIK differs only in the serial
    twin = dict(twin_of, id="T1", nik=twin_of["nik"][:12] + "0777", nama="Zainal Arifin")
    right = [dict(r, id=f"B{i}") for i, r in enumerate(left[:150])] + [twin]
    result = _by_right(match_frames(frame(left), frame(right), threshold=0.9, review_threshold=0.0))
    assert result.get("T1") is None or result["T1"]["status"] != "diterima"


def test_person_not_in_register_is_not_matched():
    left = _register()
    stranger = person(
        "X1", nik="3174094101950123", nama="Yohanes Situmorang", tgl_lahir="1995-01-01", kode_desa="31.74.09.1001"
    )
    right = [dict(r, id=f"B{i}") for i, r in enumerate(left[:150])] + [stranger]
    result = _by_right(match_frames(frame(left), frame(right), threshold=0.9))
    assert "X1" not in result


def test_duplicates_inside_one_list_are_reported():
    rows = _register()[:150]
    dup = dict(rows[3], id="A3-dup", nik="", nama="Hj. " + rows[3]["nama"])
    found = find_duplicates(frame([*rows, dup]), threshold=0.9)
    pairs = {tuple(sorted(p)) for p in found.select("id_a", "id_b").iter_rows()}
    assert ("A3", "A3-dup") in pairs
    assert len(pairs) == 1


record = st.fixed_dictionaries(
    {
        "nik": st.sampled_from(["", "3328015708800002", "3328015708800003", "3328015708810002", "3328011203900001"]),
        "nama": st.sampled_from(["", "Siti Aminah", "Hj. Sitti Aminah", "M. Yusuf", "Muhammad Yusuf", "Budi"]),
        "jenis_kelamin": st.sampled_from(["", "L", "P"]),
        "tgl_lahir": st.sampled_from(["", "1980-08-17", "1980-03-12", "1980-12-03", "1990-03-12"]),
        "tempat_lahir": st.sampled_from(["", "Tegal", "Brebes"]),
        "alamat": st.sampled_from(["", "Jl. Mawar 3", "Jl. Melati 9"]),
        "rt": st.sampled_from(["", "1", "003"]),
        "rw": st.sampled_from(["", "2"]),
        "kode_desa": st.sampled_from(["", "33.28.01.2001", "33.28.01.2002", "33.28.05.2001"]),
    }
)


@settings(max_examples=40, deadline=None)
@given(record, record)
def test_comparison_features_are_symmetric(a, b):
    left = prepare(conform(frame([person("a", **a)])))
    right = prepare(conform(frame([person("b", **b)])))
    idx = np.zeros(1, dtype=np.uint32)
    forward = compare(left, right, idx, idx, (nik_matrix(left["nik"]), nik_matrix(right["nik"])))
    backward = compare(right, left, idx, idx, (nik_matrix(right["nik"]), nik_matrix(left["nik"])))
    cols = ["nik", "nama", "jk", "tgl_lahir", "tempat_lahir", "alamat"]
    assert forward.select(cols).row(0) == backward.select(cols).row(0)


@settings(max_examples=8, deadline=None)
@given(st.lists(record, min_size=1, max_size=6), st.lists(record, min_size=1, max_size=6))
def test_scores_are_between_zero_and_one(lefts, rights):
    left = frame([person(f"A{i}", **r) for i, r in enumerate(lefts)])
    right = frame([person(f"B{i}", **r) for i, r in enumerate(rights)])
    result = match_frames(left, right, threshold=0.9, review_threshold=0.0)
    assert result["score"].is_between(0.0, 1.0).all()
    assert set(result["right_id"]) <= set(right["id"])
    assert result["right_id"].is_unique().all()


def test_review_decisions_are_reused():
    left = _register()
    right = [dict(r, id=f"B{i}") for i, r in enumerate(left[:100])]
    decisions = pl.DataFrame(
        {"right_id": ["B1", "B2"], "left_id": ["A1", "A7"], "accepted": [False, True]},
    )
    result = _by_right(match_frames(frame(left), frame(right), decisions=decisions))
    assert result.get("B1", {}).get("left_id") != "A1"  # rejected: never proposed again
    assert result["B2"]["left_id"] == "A7"
    assert result["B2"]["method"] == "keputusan_petugas"
    assert result["B2"]["score"] == 1.0
    assert result["B3"]["method"] == "nik"


def test_relative_sharing_address_or_nik_is_not_accepted():
    left = _register()
    head = left[20]
    # a newborn not in the register, same household address, another name and birth date
    baby = dict(head, id="N1", nik="", nama="Zahra Aulia", jenis_kelamin="P", tgl_lahir="2024-05-05")
    # a member list row that carries the household head's NIK but another person's name and birth date
    wrong_nik = dict(head, id="N2", nama="Yusuf Maulana", tgl_lahir="2001-09-30")
    right = [dict(r, id=f"B{i}") for i, r in enumerate(left[:150])] + [baby, wrong_nik]
    result = _by_right(match_frames(frame(left), frame(right), threshold=0.5, review_threshold=0.0))
    for rid in ("N1", "N2"):
        assert result.get(rid) is None or result[rid]["status"] != "diterima", result.get(rid)
    assert result["N2"]["status"] == "tinjau"  # the same NIK is worth a look by a UPT user
