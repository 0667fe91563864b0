"""Runs over several months, month by month (Perbup Kapuas Hulu 9/2015 Pasal 20), the monthly
attendance file of the command-line contract, and the two named profile ambiguities."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ejamkesda.rules.jaspel import CalculationError, StaffInput, calculate, variables_for
from ejamkesda.rules.jaspel_range import PersonMonths, calculate_range, month_end, month_range
from ejamkesda.rules.profile import load_profile, parse_profile, profile_text
from ejamkesda.rules.roster import RosterError, parse_attendance_months, parse_roster

KH = "kapuas-hulu-9-2015"
TD = "tanah-datar-29-2017"
YEAR = month_range(dt.date(2025, 1, 1), dt.date(2025, 12, 1))

# The worked example of docs/jasa-pelayanan.md ("Contoh Pasal 20").
ROSTER = """id,nama,jenis_tenaga,mulai_kerja,status,golongan,rangkap,pemegang_program_jkn,selesai_kerja
A,Ani,apoteker_ners,2024-01-01,pns,III/a,,0,
B,Budi,nakes_d3,2010-07-01,pns,III/b,,0,
C,Citra,non_nakes_d3,2023-01-01,kontrak,,,0,2025-09-15
D,Dedi,tenaga_medis,2018-01-01,pns,IV/a,,1,
"""


def _attendance_text() -> str:
    lines = ["id,bulan,hari_hadir,hari_izin,menit_terlambat,skp,status,rangkap"]
    for month in range(1, 13):
        bulan = f"2025-{month:02d}"
        lines.append(f"A,{bulan},20,0,0,,{'cpns' if month < 6 else ''},")  # PNS from June
        lines.append(f"B,{bulan},21,0,300,,,{'ktu' if month >= 3 else ''}")  # KTU from March
        if month <= 9:
            lines.append(f"C,{bulan},{20 if month < 9 else 10},0,0,,,")  # left on 15 September
        lines.append(f"D,{bulan},22,0,0,,,")
    return "\n".join(lines) + "\n"


def _rows(text: str):
    lines = list(csv.reader(io.StringIO(text)))
    return lines[0], list(enumerate(lines[1:], start=2))


def _people(roster: str, attendance: str, months=YEAR) -> list[PersonMonths]:
    staff = parse_roster(*_rows(roster))
    header, rows = _rows(attendance)
    return [PersonMonths(*item) for item in parse_attendance_months(header, rows, staff=staff, months=months)]


def test_pasal_20_worked_example_exact_to_the_rupiah():
    result = calculate_range(
        profile=load_profile(KH), people=_people(ROSTER, _attendance_text()), months=YEAR, pool=100_000_000
    )
    by_id = {row.staff.id: row for row in result.results}
    # Points by hand: A 5 × 109 × 20 + 7 × 111 × 20; B 2 × 58 × 21 + 10 × 88 × 21;
    # C 8 × 43 × 20 + 43 × 10; D 12 × 174 × 22.
    assert {key: row.points for key, row in by_id.items()} == {"A": 26440, "B": 20916, "C": 7310, "D": 45936}
    assert result.total_points == 100602
    assert {key: row.share for key, row in by_id.items()} == {
        "A": 26281784, "B": 20790839, "C": 7266257, "D": 45661120,
    }  # fmt: skip
    assert {key: (row.tax, row.net) for key, row in by_id.items()} == {
        "A": (1314089, 24967695), "B": (1039541, 19751298), "C": (363312, 6902945), "D": (6849168, 38811952),
    }  # fmt: skip
    # Month by month: the status change, the role change, the leaver, lateness within the month.
    ani, budi, citra = by_id["A"].months, by_id["B"].months, by_id["C"].months
    assert [m.variables["status"] for m in ani] == [8] * 5 + [10] * 7
    assert [m.variables["rangkap"] for m in budi] == [0, 0] + [30] * 10
    assert all(m.variables["kehadiran"] == 21 for m in budi)  # 300 minutes a month: no full block
    assert [m.employed for m in citra] == [True] * 9 + [False] * 3
    assert [m.points for m in citra][-4:] == [430, 0, 0, 0]


def test_yearly_counting_would_differ_for_lateness():
    """The same year read as one period (what Pasal 20 does not say) takes 8 blocks off Budi."""
    budi = StaffInput(
        id="B", nama="Budi", jenis_tenaga="nakes_d3", mulai_kerja=dt.date(2010, 7, 1), status="pns",
        rangkap=("ktu",), hari_hadir=252, menit_terlambat=3600,
    )  # fmt: skip
    yearly = calculate(profile=load_profile(KH), staff=[budi], period_end=dt.date(2025, 12, 31), pool=1)
    assert yearly.results[0].variables["kehadiran"] == 244
    assert yearly.results[0].points == 88 * 244 != 20916


def test_leaver_is_in_the_run_and_a_month_without_a_row_has_no_attendance():
    attendance = "id,bulan,hari_hadir\nC,2025-01,20\n"
    people = _people(ROSTER, attendance)
    citra = next(p for p in people if p.id == "C")
    assert [item is not None for item in citra.months] == [True] * 9 + [False] * 3
    assert citra.months[1] is not None and citra.months[1].hari_hadir == 0


def test_someone_who_worked_no_month_of_the_range_is_not_in_it():
    people = _people(ROSTER, "id,bulan\n", months=month_range(dt.date(2025, 10, 1), dt.date(2025, 12, 1)))
    assert [p.id for p in people] == ["A", "B", "D"]


@pytest.mark.parametrize(
    ("attendance", "row", "column", "words"),
    [
        ("id,bulan,hari_hadir\nX,2025-01,20\n", 2, "id", "tidak ada di roster"),
        ("id,bulan,hari_hadir\nA,2024-12,20\n", 2, "bulan", "di luar rentang"),
        ("id,bulan,hari_hadir\nA,2025-13,20\n", 2, "bulan", "bukan bulan"),
        ("id,bulan,hari_hadir\nA,2025-01,20\nB,2025-01,1\nA,2025-01,3\n", 4, "id", "sudah punya baris"),
        ("id,bulan,hari_hadir\nC,2025-10,5\n", 2, "bulan", "setelah selesai_kerja"),
        ("id,bulan,hari_hadir,status\nA,2025-01,5,honor\n", 2, "status", "tidak dikenal"),
        ("id,bulan,hari_hadir\nA,2025-01,x\n", 2, "hari_hadir", "bilangan bulat"),
        ("id,hari_hadir\nA,1\n", 1, "bulan", "kolom wajib"),
    ],
)
def test_bad_attendance_names_row_and_column(attendance, row, column, words):
    with pytest.raises(RosterError) as info:
        _people(ROSTER, attendance)
    assert (info.value.row, info.value.column) == (row, column)
    assert words in str(info.value)


def test_a_zero_row_after_leaving_is_accepted():
    assert _people(ROSTER, "id,bulan,hari_hadir\nC,2025-10,0\n")


def test_roster_end_before_start_is_refused():
    with pytest.raises(RosterError, match="selesai_kerja"):
        parse_roster(
            *_rows("id,nama,jenis_tenaga,mulai_kerja,status,selesai_kerja\n1,X,nakes_d3,2020-01-01,pns,2019-01-01\n")
        )


def test_roster_accepts_berlaku_mulai_header_as_written_in_a_spreadsheet():
    header = ["id", "nama", "jenis_tenaga", "mulai_kerja", "status", "Berlaku mulai"]
    (person,) = parse_roster(header, [(2, ["1", "X", "nakes_d3", "2020-01-01", "pns", "2025-06-01"])])
    assert person.berlaku_mulai == dt.date(2025, 6, 1)


def test_profile_states_the_multi_month_reading():
    kapuas = load_profile(KH)
    assert kapuas.range_method == "bulanan" and kapuas.annual_previous_year and "Pasal 20" in kapuas.range_source
    assert not load_profile(TD).annual_previous_year
    text = profile_text(TD).replace("[nonkapitasi]", '[periode]\nrentang = "tahunan"\n\n[nonkapitasi]')
    with pytest.raises(ValueError, match="rentang"):
        parse_profile(text)


# --- properties -------------------------------------------------------------------------

person = st.builds(
    StaffInput,
    id=st.just("0"), nama=st.just("X"),
    jenis_tenaga=st.sampled_from(["tenaga_medis", "nakes_d3", "non_nakes_bawah_d3"]),
    mulai_kerja=st.dates(dt.date(1990, 1, 1), dt.date(2025, 3, 1)),
    status=st.sampled_from(["pns", "cpns", "kontrak"]),
    hari_hadir=st.integers(0, 23), menit_terlambat=st.integers(0, 1500),
)  # fmt: skip


@given(
    months=st.lists(st.lists(st.one_of(st.none(), person), min_size=3, max_size=3), min_size=1, max_size=8),
    pool=st.integers(0, 10**10),
)
def test_range_is_the_sum_of_its_months_and_shares_are_exact(months, pool):
    span = month_range(dt.date(2025, 1, 1), dt.date(2025, 3, 1))
    people = [
        PersonMonths(str(i), f"P{i}", tuple(None if p is None else dataclasses.replace(p, id=str(i)) for p in items))
        for i, items in enumerate(months)
        if any(p is not None for p in items)
    ]
    if not people:
        return
    profile = load_profile(KH)
    try:
        result = calculate_range(profile=profile, people=people, months=span, pool=pool)
    except CalculationError:
        return  # no points at all
    assert sum(row.share for row in result.results) == pool
    for row, who in zip(result.results, people, strict=True):
        expected = Fraction(0)
        for month, item in zip(span, who.months, strict=True):
            if item is not None:
                expected += profile.formula.evaluate(variables_for(item, profile, month_end(month))[0])
        assert row.points == expected
        assert abs(Fraction(row.share) - row.points * pool / result.total_points) < 1


def test_one_month_range_equals_the_single_month_calculation():
    staff = parse_roster(*_rows(ROSTER))
    single = calculate(
        profile=load_profile(KH), staff=[dataclasses.replace(s, hari_hadir=20) for s in staff],
        period_end=dt.date(2025, 1, 31), pool=9_999_999,
    )  # fmt: skip
    span = [dt.date(2025, 1, 1)]
    people = [PersonMonths(s.id, s.nama, (dataclasses.replace(s, hari_hadir=20),)) for s in staff]
    ranged = calculate_range(profile=load_profile(KH), people=people, months=span, pool=9_999_999)
    assert [r.share for r in ranged.results] == [r.share for r in single.results]


# --- named ambiguities ------------------------------------------------------------------


def _with(profile_id: str, key: str, value: str):
    text = profile_text(profile_id).replace(
        f'[ambiguitas.{key}]\nnilai = "', f'[ambiguitas.{key}]\nnilai = "{value}" #'
    )
    return parse_profile(text)


def test_five_years_and_a_day_default_and_whole_years_reading():
    td = load_profile(TD)
    assert "1-5 tahun" in td.ambiguities["masa_kerja_batas_tahun"].note
    start = dt.date(2020, 1, 31)  # service through 31 Jan 2025 = 5 years and 1 day
    member = StaffInput(id="1", nama="X", jenis_tenaga="nakes_d3", mulai_kerja=start, status="pns", hari_hadir=1)
    exact = calculate(profile=td, staff=[member], period_end=dt.date(2025, 1, 31), pool=1)
    whole = calculate(
        profile=_with(TD, "masa_kerja_batas_tahun", "tahun_penuh"),
        staff=[member],
        period_end=dt.date(2025, 1, 31),
        pool=1,
    )
    assert exact.results[0].variables["masa_kerja"] == 2
    assert whole.results[0].variables["masa_kerja"] == 1


def test_tanah_datar_pasal_8_health_staff_only_is_a_named_choice():
    td = load_profile(TD)
    assert td.setting("nonkapitasi_tenaga") == "semua" and "Pasal 8" in td.ambiguities["nonkapitasi_tenaga"].note
    common = {"mulai_kerja": dt.date(2015, 1, 1), "status": "pns", "hari_hadir": 20}
    staff = [
        StaffInput(id="1", nama="Bidan", jenis_tenaga="nakes_d3", **common),  # type: ignore[arg-type]
        StaffInput(id="2", nama="Sopir", jenis_tenaga="non_nakes_bawah_d3", **common),  # type: ignore[arg-type]
    ]
    everyone = calculate(profile=td, staff=staff, period_end=dt.date(2025, 1, 31), pool=1000, cases=[3, 1])
    health = calculate(
        profile=_with(TD, "nonkapitasi_tenaga", "nakes"),
        staff=staff,
        period_end=dt.date(2025, 1, 31),
        pool=1000,
        cases=[3, 1],
    )
    assert everyone.results[1].share > 0
    assert [r.share for r in health.results] == [1000, 0]
    assert "bukan tenaga kesehatan" in health.results[1].explanations["kasus"]
