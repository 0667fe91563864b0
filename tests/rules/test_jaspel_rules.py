"""Rules core of jasa pelayanan: profiles, formula, allocation, variables, tax."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ejamkesda.rules.allocation import AllocationError, allocate
from ejamkesda.rules.formula import FormulaError, parse_formula
from ejamkesda.rules.jaspel import CalculationError, StaffInput, calculate, service_duration, split_revenue
from ejamkesda.rules.profile import ProfileError, load_profile, parse_profile, profile_text, shipped_profile_ids
from ejamkesda.rules.roster import COLUMNS, RosterError, parse_roster
from ejamkesda.rules.tax import rank_of, tax_for

KH = "kapuas-hulu-9-2015"
TD = "tanah-datar-29-2017"
PM = "permenkes-21-2016"
END = dt.date(2025, 1, 31)


def _roster(text: str):
    """Rows of comma-separated text, as the guarded reader gives them, into the rule."""
    import csv
    import io

    lines = list(csv.reader(io.StringIO(text)))
    return parse_roster(lines[0], list(enumerate(lines[1:], start=2)))


def staff(**kw) -> StaffInput:
    base = dict(id="1", nama="Uji", jenis_tenaga="tenaga_medis", mulai_kerja=dt.date(2020, 2, 1), status="kontrak")
    base.update(kw)
    return StaffInput(**base)  # type: ignore[arg-type]


def variables(profile_id: str, **kw) -> dict[str, int]:
    kw.setdefault("hari_hadir", 1)
    result = calculate(profile=load_profile(profile_id), staff=[staff(**kw)], period_end=END, pool=100)
    return result.results[0].variables


# --- profiles ---------------------------------------------------------------------------


def test_three_profiles_ship_and_load():
    assert shipped_profile_ids() == [KH, PM, TD]
    kh, td, pm = load_profile(KH), load_profile(TD), load_profile(PM)
    assert pm.formula.text == "(jenis + rangkap) * kehadiran" and not pm.formula_needs_check
    assert kh.formula.text == "(jenis + rangkap + status + masa_kerja + program_jkn) * kehadiran"
    assert td.formula.text == "(jenis + rangkap + kinerja + status + masa_kerja) * kehadiran"
    assert kh.formula_needs_check and td.formula_needs_check
    assert kh.effective_from == dt.date(2015, 1, 1)  # Perbup Kapuas Hulu 9/2015 Pasal 23, retroactive
    assert td.effective_from == dt.date(2017, 1, 1)  # Perbup Tanah Datar 29/2017 Pasal 13
    for key in ("persen_angka_huruf", "terlambat_blok_sebagian", "nakes_bawah_d3_tepat_10_tahun"):
        assert kh.ambiguities[key].note
    for key in ("masa_kerja_kurang_1_tahun", "skp_tepat_70", "skp_tepat_90", "terlambat_blok_sebagian"):
        assert td.ambiguities[key].note


def test_kapuas_split_numerals_by_default_words_when_chosen():
    assert split_revenue(load_profile(KH), 1_000_000) == [
        ("jasa_pelayanan", "Jasa pelayanan kesehatan", 450_000),
        ("obat_alkes_bmhp", "Obat, alat kesehatan dan BMHP", 300_000),
        ("operasional", "Operasional pelayanan kesehatan lainnya", 250_000),
    ]
    words = parse_profile(profile_text(KH).replace('nilai = "angka"', 'nilai = "huruf"'))
    assert [amount for _c, _n, amount in split_revenue(words, 1_000_000)] == [460_000, 300_000, 240_000]


def test_split_tanah_datar_60_40_exact_on_odd_rupiah():
    amounts = [a for _c, _n, a in split_revenue(load_profile(TD), 1_000_001)]
    assert amounts == [600_001, 400_000] and sum(amounts) == 1_000_001


def test_profile_validation_lists_problems():
    bad = (
        profile_text(TD)
        .replace('persen = "60"', 'persen = "70"')
        .replace('ekspresi = "(jenis', 'ekspresi = "__import__(1) + (jenis')
    )
    with pytest.raises(ProfileError) as info:
        parse_profile(bad)
    text = str(info.value)
    assert "110%" in text and "rumus" in text


def test_permenkes_minimum_60_percent_enforced():
    bad = profile_text(PM).replace('persen = "60"', 'persen = "50"').replace('persen = "40"', 'persen = "50"')
    with pytest.raises(ProfileError, match="minimum"):
        parse_profile(bad)


def test_unknown_top_level_key_rejected():
    with pytest.raises(ProfileError, match="gaji_pokok"):
        parse_profile("gaji_pokok = 1\n" + profile_text(PM))


def test_unknown_ambiguity_and_bad_toml_rejected():
    with pytest.raises(ProfileError, match="TOML"):
        parse_profile("id = ")
    with pytest.raises(ProfileError, match="tidak dikenal"):
        parse_profile(profile_text(PM) + "\n[ambiguitas.apa_saja]\nnilai = 1\ncatatan = 'x'\n")


# --- formula ----------------------------------------------------------------------------


def test_formula_evaluates_exactly_with_min_max():
    f = parse_formula("max(jenis, 10) / 3 + min(kehadiran, 2) * -1")
    assert f.evaluate({"jenis": 20, "kehadiran": 5}) == Fraction(20, 3) - 2


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('x')",
        "jenis ** 2",
        "jenis.__class__",
        "gaji + 1",
        "abs(jenis)",
        "min(jenis)",
        "jenis if kehadiran else 0",
        "'a'",
        "True + 1",
        "[jenis]",
        "jenis % 2",
        "lambda: 1",
        "",
        "(jenis",
        "1e999 * jenis",
        "(" * 250 + "jenis" + ")" * 250,
    ],
)
def test_formula_rejects_anything_else(text):
    with pytest.raises(FormulaError):
        parse_formula(text)


def test_formula_division_by_zero_is_clear():
    with pytest.raises(FormulaError, match="nol"):
        parse_formula("jenis / kehadiran").evaluate({"jenis": 1, "kehadiran": 0})


# --- allocation -------------------------------------------------------------------------


def test_allocation_worked_example_and_ties_to_earlier_row():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(10, [1, 2, 2]) == [2, 4, 4]
    assert allocate(0, [1, 2]) == [0, 0]
    with pytest.raises(AllocationError, match="nol"):
        allocate(1000, [0, 0])
    with pytest.raises(AllocationError):
        allocate(-1, [1])


weights = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=60).filter(lambda w: sum(w) > 0)


@given(total=st.integers(min_value=0, max_value=10**12), w=weights)
def test_allocation_properties(total, w):
    shares = allocate(total, w)
    assert sum(shares) == total
    assert all(share >= 0 for share in shares)
    for share, weight in zip(shares, w, strict=True):
        assert abs(Fraction(share) - Fraction(weight * total, sum(w))) < 1
    assert allocate(total, w) == shares
    for i in range(len(w)):
        for j in range(len(w)):
            if w[i] > w[j]:
                assert shares[i] >= shares[j]


# --- variables: worked examples and bracket bounds ---------------------------------------


def test_service_duration_counts_through_last_day():
    assert service_duration(dt.date(2015, 2, 1), END) == (120, 0)
    assert service_duration(dt.date(2015, 1, 31), END) == (120, 1)
    assert service_duration(dt.date(2025, 2, 1), END) == (0, 0)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (dt.date(2024, 11, 1), 0),  # exactly 3 months → 0
        (dt.date(2024, 10, 31), 1),  # 3 months 1 day → 1
        (dt.date(2023, 2, 1), 1),  # exactly 2 years → 1
        (dt.date(2023, 1, 31), 2),  # > 2 years → 2
        (dt.date(2015, 2, 1), 5),  # exactly 10 years → 5
        (dt.date(1995, 2, 1), 15),  # exactly 30 years → 15
        (dt.date(1995, 1, 31), 16),  # > 30 years → 16
    ],
)
def test_kapuas_masa_kerja_brackets(start, expected):
    assert variables(KH, mulai_kerja=start)["masa_kerja"] == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (dt.date(2024, 3, 1), 0),  # 11 months: not regulated, default 0
        (dt.date(2024, 2, 1), 1),  # exactly 1 year
        (dt.date(2020, 2, 1), 1),  # exactly 5 years
        (dt.date(2020, 1, 31), 2),  # > 5 years
    ],
)
def test_tanah_datar_masa_kerja_brackets(start, expected):
    assert variables(TD, mulai_kerja=start)["masa_kerja"] == expected


def test_health_below_d3_long_service_differs_at_exactly_ten_years():
    ten = dt.date(2015, 2, 1)
    more = dt.date(2015, 1, 31)
    less = dt.date(2015, 2, 2)
    assert variables(KH, jenis_tenaga="nakes_bawah_d3", mulai_kerja=ten)["jenis"] == 25  # "lebih dari"
    assert variables(KH, jenis_tenaga="nakes_bawah_d3", mulai_kerja=more)["jenis"] == 40
    assert variables(TD, jenis_tenaga="nakes_bawah_d3", mulai_kerja=ten)["jenis"] == 40  # "paling singkat"
    assert variables(TD, jenis_tenaga="nakes_bawah_d3", mulai_kerja=less)["jenis"] == 25
    assert variables(KH, jenis_tenaga="non_nakes_bawah_d3", mulai_kerja=more)["jenis"] == 15


@pytest.mark.parametrize(
    ("skp", "expected"),
    [("90.01", 10), ("90", 5), ("89.99", 5), ("70", 5), ("69.99", 0), (None, 0)],
)
def test_tanah_datar_skp_bounds(skp, expected):
    assert variables(TD, skp=Decimal(skp) if skp else None)["kinerja"] == expected


def test_skp_bound_setting_changes_result():
    changed = parse_profile(
        profile_text(TD).replace("[ambiguitas.skp_tepat_90]\nnilai = 5", "[ambiguitas.skp_tepat_90]\nnilai = 10")
    )
    result = calculate(profile=changed, staff=[staff(skp=Decimal(90), hari_hadir=1)], period_end=END, pool=1)
    assert result.results[0].variables["kinerja"] == 10


@pytest.mark.parametrize(("minutes", "expected"), [(0, 20), (419, 20), (420, 19), (839, 19), (840, 18)])
def test_attendance_lateness_full_blocks(minutes, expected):
    assert variables(PM, hari_hadir=18, hari_izin=2, menit_terlambat=minutes)["kehadiran"] == expected


def test_attendance_partial_block_setting_and_never_negative():
    counted = parse_profile(profile_text(PM).replace('nilai = "abaikan"', 'nilai = "hitung"'))
    result = calculate(profile=counted, staff=[staff(hari_hadir=10, menit_terlambat=421)], period_end=END, pool=1)
    assert result.results[0].variables["kehadiran"] == 8
    other = staff(id="2", hari_hadir=1)
    result = calculate(profile=load_profile(PM), staff=[staff(menit_terlambat=100_000), other], period_end=END, pool=10)
    assert result.results[0].variables["kehadiran"] == 0 and result.results[0].share == 0


def test_rangkap_once_or_each():
    roles = ("kepala", "bendahara")
    assert variables(KH, rangkap=roles)["rangkap"] == 30
    assert variables(TD, rangkap=roles)["rangkap"] == 60  # "masing-masing 30 poin"
    assert variables(PM, rangkap=("ktu",))["rangkap"] == 30


def test_status_and_program_jkn_tables():
    assert variables(KH, status="pns")["status"] == 10
    assert variables(KH, status="cpns")["status"] == 8
    assert variables(KH, status="kontrak")["status"] == 1
    assert variables(TD, status="pns")["status"] == 2
    assert variables(KH, program_jkn=True)["program_jkn"] == 10
    assert variables(TD, program_jkn=True)["program_jkn"] == 0
    assert variables(PM, status="pns")["status"] == 0


def test_specialist_only_in_kapuas():
    assert variables(KH, jenis_tenaga="dokter_spesialis")["jenis"] == 200
    with pytest.raises(CalculationError, match="dokter_spesialis"):
        variables(PM, jenis_tenaga="dokter_spesialis")


def test_worked_example_tanah_datar_end_to_end():
    people = [
        staff(id="a", nama="dr. A", status="pns", golongan="III/b", rangkap=("kepala",), hari_hadir=22,
              skp=Decimal(95), mulai_kerja=dt.date(2010, 2, 1)),
        staff(id="b", nama="Bidan B", jenis_tenaga="nakes_d3", status="kontrak", hari_hadir=20, hari_izin=2,
              menit_terlambat=420, skp=Decimal(80), mulai_kerja=dt.date(2022, 2, 1)),
    ]  # fmt: skip
    result = calculate(profile=load_profile(TD), staff=people, period_end=END, revenue=10_000_000)
    a, b = result.results
    assert result.pool == 6_000_000
    assert a.points == (150 + 30 + 10 + 2 + 2) * 22 == 4268
    assert b.points == (40 + 0 + 5 + 1 + 1) * 21 == 987
    assert a.share + b.share == 6_000_000
    # 4268/5255 × 6,000,000 = 4,873,073.26 and 987/5255 × 6,000,000 = 1,126,926.74: the leftover
    # rupiah goes to the larger remainder (B).
    assert (a.share, b.share) == (4_873_073, 1_126_927)
    assert a.tax == a.share * 5 // 100 and b.tax == b.share * 5 // 100
    assert a.net == a.share - a.tax
    assert "SKP 95%" in a.explanations["kinerja"]


def test_zero_total_points_is_an_error():
    with pytest.raises(CalculationError, match="nol"):
        calculate(profile=load_profile(PM), staff=[staff(hari_hadir=0)], period_end=END, pool=1000)


def test_formula_override():
    result = calculate(profile=load_profile(PM), staff=[staff(hari_hadir=2)], period_end=END, pool=9, formula="jenis")
    assert result.results[0].points == 150


# --- tax --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "golongan", "rate"),
    [
        ("pns", "I/a", 0),
        ("pns", "II/d", 0),
        ("pns", "III/a", 5),
        ("cpns", "IV/b", 15),
        ("kontrak", "", 5),
        ("pppk", "IX", 5),
    ],
)
def test_tax_by_rank(status, golongan, rate):
    load = load_profile(PM)
    result = tax_for(
        share=1_000_000, status=status, golongan=golongan, rates=load.tax_rates, other_rate=load.tax_other_rate
    )
    assert result.rate == rate and result.amount == 10_000 * rate


def test_rank_parsing():
    assert rank_of("IV/e") == "IV" and rank_of("iii/a") == "III" and rank_of("II") == "II" and rank_of("") is None


# --- roster -----------------------------------------------------------------------------

HEADER = ",".join(COLUMNS) + "\n"


def test_roster_parses_and_names_row_and_column():
    ok = _roster(HEADER + "1,A,tenaga_medis,S1,2010-01-01,kepala;ktu,pns,III/a,20,1,30,91.5,1\n")
    assert ok[0].rangkap == ("kepala", "ktu") and ok[0].skp == Decimal("91.5") and ok[0].program_jkn
    with pytest.raises(RosterError) as info:
        _roster(HEADER + "1,A,tenaga_medis,S1,2010-01-01,,pns,,20,1,30,,0\n2,B,perawat,D3,2010-01-01,,pns,,1,0,0,,0\n")
    assert info.value.row == 3 and info.value.column == "jenis_tenaga"
    with pytest.raises(RosterError, match="Baris 2, kolom 'hari_hadir'"):
        _roster(HEADER + "1,A,tenaga_medis,S1,2010-01-01,,pns,,-3,0,0,,0\n")


# --- non-capitation per service ---------------------------------------------------------------


def test_noncapitation_per_case_and_by_points_of_those_who_served():
    people = [staff(id="a", hari_hadir=20), staff(id="b", hari_hadir=10), staff(id="c", hari_hadir=20)]
    per_case = calculate(
        profile=load_profile(TD), staff=people, period_end=END, pool=1000, cases=[3, 1, 0], method="per_kasus"
    )
    assert [r.share for r in per_case.results] == [750, 250, 0]
    assert per_case.results[0].variables["kasus"] == 3
    by_points = calculate(profile=load_profile(TD), staff=people, period_end=END, pool=900, cases=[3, 1, 0])
    assert by_points.results[2].share == 0
    assert by_points.results[0].share == 2 * by_points.results[1].share == 600
    with pytest.raises(CalculationError, match="nol"):
        calculate(profile=load_profile(TD), staff=people, period_end=END, pool=900, cases=[0, 0, 0])


# --- properties over whole calculations --------------------------------------------------------

person = st.builds(
    lambda jenis, hadir, izin, late, years, status, roles: staff(
        jenis_tenaga=jenis, hari_hadir=hadir, hari_izin=izin, menit_terlambat=late,
        mulai_kerja=dt.date(2024 - years, 3, 1), status=status, rangkap=roles,
    ),
    st.sampled_from(["tenaga_medis", "apoteker_ners", "nakes_s1_d4", "nakes_d3", "nakes_bawah_d3", "non_nakes_d3"]),
    st.integers(0, 23), st.integers(0, 3), st.integers(0, 2000), st.integers(0, 35),
    st.sampled_from(["pns", "cpns", "pppk", "kontrak"]),
    st.sampled_from([(), ("kepala",), ("ktu", "bendahara")]),
)  # fmt: skip


@given(people=st.lists(person, min_size=1, max_size=25), pool=st.integers(0, 10**10), pid=st.sampled_from([KH, TD, PM]))
def test_calculation_properties(people, pool, pid):
    people = [StaffInput(**{**p.__dict__, "id": str(i)}) for i, p in enumerate(people)]
    profile = load_profile(pid)
    try:
        result = calculate(profile=profile, staff=people, period_end=END, pool=pool)
    except CalculationError:
        assert all(p.hari_hadir + p.hari_izin - p.menit_terlambat // 420 <= 0 for p in people)
        return
    shares = [r.share for r in result.results]
    assert sum(shares) == pool and min(shares) >= 0
    total = sum(r.points for r in result.results)
    for r in result.results:
        assert abs(Fraction(r.share) - r.points * pool / total) < 1
        assert 0 <= r.tax <= r.share and r.net == r.share - r.tax
    again = calculate(profile=profile, staff=people, period_end=END, pool=pool)
    assert [r.share for r in again.results] == shares
    ranked = sorted(result.results, key=lambda r: r.points)
    for lower, higher in itertools.pairwise(ranked):
        if higher.points > lower.points:
            assert higher.share >= lower.share


@given(total=st.integers(0, 10**9), w=st.lists(st.fractions(min_value=0, max_value=1000), min_size=1, max_size=30))
def test_allocation_with_fractional_points(total, w):
    if sum(w) == 0:
        return
    shares = allocate(total, w)
    assert sum(shares) == total
    assert all(abs(Fraction(s) - x * total / sum(w)) < 1 for s, x in zip(shares, w, strict=True))


@given(st.text(max_size=60))
def test_formula_parser_never_crashes_with_anything_but_formula_error(text):
    with contextlib.suppress(FormulaError):
        parse_formula(text).evaluate({name: 1 for name in ("jenis", "rangkap", "kehadiran")})


def _months_before(end: dt.date, months: int) -> dt.date:
    """The start date whose service up to ``end`` is exactly ``months`` months."""
    following = end + dt.timedelta(days=1)
    year, month = divmod(following.year * 12 + following.month - 1 - months, 12)
    return dt.date(year, month + 1, following.day)


@pytest.mark.parametrize("bracket", range(16))
def test_kapuas_every_masa_kerja_bound(bracket):
    """Perbup Kapuas Hulu 9/2015 Pasal 19 ayat 8: at exactly the upper bound the lower value, one day more the next."""
    upper = 3 if bracket == 0 else 24 * bracket
    start = _months_before(END, upper)
    assert service_duration(start, END) == (upper, 0)
    assert variables(KH, mulai_kerja=start)["masa_kerja"] == bracket
    assert variables(KH, mulai_kerja=start - dt.timedelta(days=1))["masa_kerja"] == bracket + 1


@pytest.mark.parametrize("pid", [KH, TD, PM])
def test_each_profile_end_to_end_from_revenue(pid):
    kinds = ["tenaga_medis", "apoteker_ners", "nakes_s1_d4", "nakes_d3", "non_nakes_d3", "nakes_bawah_d3"]
    if pid == KH:
        kinds.append("dokter_spesialis")
    people = [
        staff(id=str(i), jenis_tenaga=k, hari_hadir=20 + i % 3, skp=Decimal(60 + 5 * i)) for i, k in enumerate(kinds)
    ]
    result = calculate(profile=load_profile(pid), staff=people, period_end=END, revenue=123_456_789)
    assert sum(amount for _c, _n, amount in result.split) == 123_456_789
    assert sum(r.share for r in result.results) == result.pool
    assert all(r.explanations[name] for r in result.results for name in r.variables)
