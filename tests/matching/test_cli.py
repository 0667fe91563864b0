"""``manage.py match_files`` — the command-line contract of docs/pemadanan.md."""

from __future__ import annotations

import csv

import pytest
from django.core.management import CommandError, call_command

from .factories import frame, population


def _write(path, rows):
    frame(rows).write_csv(path)


def test_contract(tmp_path, capsys):
    left = population(200)
    right = [dict(r, id=f"B{i}") for i, r in enumerate(left[:120])]
    right[0]["nik"] = ""  # found by name, birth date and address instead
    right.append(
        dict(
            left[0],
            id="X1",
            nik="3174094101950123",
            nama="Yohanes Situmorang",
            tgl_lahir="1995-01-01",
            kode_desa="31.74.09.1001",
            alamat="Jl. Lain 1",
        )
    )
    _write(tmp_path / "a.csv", left)
    _write(tmp_path / "b.csv", right)
    out = tmp_path / "out.csv"
    call_command(
        "match_files",
        "--left",
        str(tmp_path / "a.csv"),
        "--right",
        str(tmp_path / "b.csv"),
        "--out",
        str(out),
        "--threshold",
        "0.8",
    )
    with out.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["right_id", "left_id", "score", "method", "reasons"]
        rows = list(reader)
    by_right = {r["right_id"]: r for r in rows}
    assert len(rows) == 120  # every B row of a registered person, none for X1
    assert "X1" not in by_right
    assert all(float(r["score"]) >= 0.8 for r in rows)
    assert by_right["B1"]["left_id"] == "A1" and by_right["B1"]["method"] == "nik"
    assert by_right["B0"]["left_id"] == "A0" and by_right["B0"]["method"] == "probabilistik"
    assert "nik: kosong" in by_right["B0"]["reasons"]
    printed = capsys.readouterr().out
    assert "Ringkasan pemadanan" in printed
    assert "cocok (skor ≥ 0.8): 120" in printed
    # the NIK is never printed
    assert all(r["nik"] not in printed for r in left if r["nik"])


def test_empty_columns_and_review_and_duplicates(tmp_path):
    left = population(150)
    right = [dict(r, id=f"B{i}", tempat_lahir="", alamat="", rt="", rw="") for i, r in enumerate(left[:100])]
    right.append(dict(right[5], id="B5-dup", nik=""))
    _write(tmp_path / "a.csv", left)
    _write(tmp_path / "b.csv", right)
    call_command(
        "match_files",
        "--left",
        str(tmp_path / "a.csv"),
        "--right",
        str(tmp_path / "b.csv"),
        "--out",
        str(tmp_path / "out.csv"),
        "--review",
        str(tmp_path / "review.csv"),
        "--duplicates",
        str(tmp_path / "dup.csv"),
    )
    with (tmp_path / "dup.csv").open(encoding="utf-8") as fh:
        dups = list(csv.DictReader(fh))
    assert {("B", "B5", "B5-dup")} <= {(d["berkas"], d["id_a"], d["id_b"]) for d in dups}
    assert (tmp_path / "review.csv").exists()


def test_missing_column_is_a_clear_error(tmp_path):
    (tmp_path / "a.csv").write_text("id,nama\n1,Budi\n", encoding="utf-8")
    _write(tmp_path / "b.csv", population(3))
    with pytest.raises(CommandError, match="kolom wajib tidak ada: nik"):
        call_command(
            "match_files",
            "--left",
            str(tmp_path / "a.csv"),
            "--right",
            str(tmp_path / "b.csv"),
            "--out",
            str(tmp_path / "out.csv"),
        )


def test_threshold_must_be_between_zero_and_one(tmp_path):
    with pytest.raises(CommandError):
        call_command("match_files", "--left", "a", "--right", "b", "--out", "c", "--threshold", "2")
