"""The multi-month command-line contract: --attendance --from --to (Perbup Kapuas Hulu 9/2015
Pasal 20), with the worked example of docs/jasa-pelayanan.md."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.rules.test_jaspel_range import ROSTER, _attendance_text


@pytest.fixture
def files(tmp_path):
    def make(roster: str = ROSTER, attendance: str | None = None) -> tuple[str, str]:
        (tmp_path / "roster.csv").write_text(roster, encoding="utf-8")
        (tmp_path / "kehadiran.csv").write_text(attendance or _attendance_text(), encoding="utf-8")
        return str(tmp_path / "roster.csv"), str(tmp_path / "kehadiran.csv")

    return make


def run(roster: str, attendance: str, *extra: str) -> str:
    out = StringIO()
    call_command(
        "jaspel_calculate", "--profile", "kapuas-hulu-9-2015", "--roster", roster, "--attendance", attendance,
        "--from", "2025-01", "--to", "2025-12", *extra, stdout=out,
    )  # fmt: skip
    return out.getvalue()


def test_json_month_by_month_worked_example(files):
    data = json.loads(run(*files(), "--pool", "100000000", "--json"))
    staff = {row["id"]: row for row in data["staff"]}
    assert {key: (row["points"], row["share"], row["tax"], row["net"]) for key, row in staff.items()} == {
        "A": (26440, 26281784, 1314089, 24967695),
        "B": (20916, 20790839, 1039541, 19751298),
        "C": (7310, 7266257, 363312, 6902945),
        "D": (45936, 45661120, 6849168, 38811952),
    }
    months = staff["A"]["months"]
    assert [m["bulan"] for m in months] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert months[0] == {
        "bulan": "2025-01", "points": 2180,
        "variables": {"jenis": 100, "rangkap": 0, "kehadiran": 20, "status": 8, "masa_kerja": 1, "kinerja": 0,
                      "program_jkn": 0},
    }  # fmt: skip
    assert staff["C"]["months"][9] == {"bulan": "2025-10", "variables": {}, "points": 0}


def test_revenue_and_table(files):
    data = json.loads(run(*files(), "--revenue", "1000", "--json"))
    assert data["pool"] == 450 and sum(row["share"] for row in data["staff"]) == 450
    text = run(*files(), "--pool", "100000000")
    assert "bulan per bulan" in text and "26.281.784" in text


@pytest.mark.parametrize(
    ("attendance", "where"),
    [
        ("id,bulan,hari_hadir\nZ,2025-01,20\n", "kehadiran.csv: Baris 2, kolom 'id'"),
        ("id,bulan,hari_hadir\nA,2026-01,20\n", "kehadiran.csv: Baris 2, kolom 'bulan'"),
        ("id,bulan,hari_hadir\nA,2025-01,20\nA,2025-01,20\n", "kehadiran.csv: Baris 3, kolom 'id'"),
        ("id,bulan,hari_hadir\nC,2025-11,20\n", "kehadiran.csv: Baris 2, kolom 'bulan'"),
    ],
)
def test_bad_attendance_names_file_row_column_and_computes_nothing(files, attendance, where):
    out = StringIO()
    with pytest.raises(CommandError) as info:
        call_command(
            "jaspel_calculate", "--profile", "kapuas-hulu-9-2015", "--roster", files(attendance=attendance)[0],
            "--attendance", files(attendance=attendance)[1], "--from", "2025-01", "--to", "2025-12", "--pool", "100",
            stdout=out,
        )  # fmt: skip
    assert where in str(info.value) and info.value.returncode == 2
    assert out.getvalue() == ""


def test_bad_roster_names_the_roster_file(files):
    roster, attendance = files(roster=ROSTER.replace("2025-09-15", "2025-99-15"))
    with pytest.raises(CommandError, match=r"roster.csv: Baris 4, kolom 'selesai_kerja'"):
        run(roster, attendance, "--pool", "100")


@pytest.mark.parametrize(
    "args",
    [
        ("--from", "2025-01", "--pool", "1"),
        ("--from", "2025-05", "--to", "2025-01", "--pool", "1"),
        ("--from", "2025-1x", "--to", "2025-02", "--pool", "1"),
    ],
)
def test_range_options_checked(files, args):
    roster, attendance = files()
    with pytest.raises(CommandError):
        call_command(
            "jaspel_calculate", "--profile", "kapuas-hulu-9-2015", "--roster", roster, "--attendance", attendance,
            *args, stdout=StringIO(),
        )  # fmt: skip
