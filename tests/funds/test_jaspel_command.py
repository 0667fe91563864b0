"""The jaspel_calculate command-line contract (docs/jasa-pelayanan.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ejamkesda.rules.roster import COLUMNS

ROOT = Path(__file__).resolve().parents[2]
ROWS = [
    "1,dr. A,tenaga_medis,S1,2010-02-01,kepala,pns,III/b,22,0,0,95,0",
    "2,Bidan B,nakes_d3,D3,2022-02-01,,kontrak,,20,2,420,80,1",
]


@pytest.fixture
def roster(tmp_path):
    def make(rows=ROWS):
        path = tmp_path / "roster.csv"
        path.write_text(",".join(COLUMNS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
        return str(path)

    return make


def run(*args) -> str:
    out = StringIO()
    call_command("jaspel_calculate", *args, stdout=out)
    return out.getvalue()


def test_json_shape_and_exact_sum(roster):
    data = json.loads(
        run(
            "--profile",
            "tanah-datar-29-2017",
            "--roster",
            roster(),
            "--revenue",
            "10000000",
            "--period",
            "2025-01",
            "--json",
        )
    )
    assert data["profile"] == "tanah-datar-29-2017"
    assert data["pool"] == 6_000_000 and data["total_points"] == 5255
    assert [s["share"] for s in data["staff"]] == [4_873_073, 1_126_927]
    first = data["staff"][0]
    assert set(first) >= {"id", "points", "variables", "share", "tax", "net"}
    assert first["variables"] == {
        "jenis": 150, "rangkap": 30, "kehadiran": 22, "status": 2, "masa_kerja": 2, "kinerja": 10, "program_jkn": 0,
    }  # fmt: skip
    assert first["net"] == first["share"] - first["tax"] and isinstance(first["tax"], int)


def test_pool_and_formula_override(roster):
    data = json.loads(
        run("--profile", "permenkes-21-2016", "--roster", roster(), "--pool", "1000", "--formula", "jenis", "--json")
    )
    assert [s["points"] for s in data["staff"]] == [150, 40]
    assert sum(s["share"] for s in data["staff"]) == 1000


def test_readable_table_warns_about_unchecked_formula(roster):
    text = run("--profile", "kapuas-hulu-9-2015", "--roster", roster(), "--pool", "1000000", "--period", "2025-01")
    assert "harus dicek" in text and "1.000.000" in text and "Bidan B" in text


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([ROWS[0], "2,B,perawat,D3,2022-02-01,,kontrak,,20,2,0,,0"], "Baris 3, kolom 'jenis_tenaga'"),
        (["1,A,tenaga_medis,S1,2010-13-01,,pns,,1,0,0,,0"], "Baris 2, kolom 'mulai_kerja'"),
        (["1,A,tenaga_medis,S1,2010-01-01,,pns,,1,0,0,,2"], "Baris 2, kolom 'pemegang_program_jkn'"),
        (["1,A,tenaga_medis,S1,2010-01-01,,pns,,0,0,0,,0"], "nol"),
    ],
)
def test_bad_rows_exit_2_naming_row_and_column(roster, rows, message):
    with pytest.raises(CommandError, match=message) as info:
        run("--profile", "permenkes-21-2016", "--roster", roster(rows), "--pool", "100")
    assert info.value.returncode == 2


def test_subprocess_exit_status(roster):
    env = {**os.environ, "EJAMKESDA_ENV": "test"}
    ok = subprocess.run(
        [sys.executable, "manage.py", "jaspel_calculate", "--profile", "permenkes-21-2016", "--roster", roster(),
         "--pool", "500", "--json"],
        cwd=ROOT, capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert sum(s["share"] for s in json.loads(ok.stdout)["staff"]) == 500
    bad = subprocess.run(
        [sys.executable, "manage.py", "jaspel_calculate", "--profile", "permenkes-21-2016",
         "--roster", roster(["1,A,dokter,S1,2010-01-01,,pns,,1,0,0,,0"]), "--pool", "500"],
        cwd=ROOT, capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "Baris 2" in bad.stderr and "jenis_tenaga" in bad.stderr
