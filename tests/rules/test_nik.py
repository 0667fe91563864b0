from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ejamkesda.rules.nik import InvalidNik, mask_name, mask_nik, nik_region_warning, parse_nik

TODAY = dt.date(2026, 11, 23)


def build(prov="64", reg="09", dist="01", day=7, month=3, year=85, serial="0001"):
    return f"{prov}{reg}{dist}{day:02d}{month:02d}{year:02d}{serial}"


def test_parses_a_mans_nik():
    parsed = parse_nik(build(), today=TODAY)
    assert parsed.sex == "L"
    assert parsed.birth_date == dt.date(1985, 3, 7)
    assert (parsed.province_code, parsed.regency_code, parsed.district_code) == ("64", "64.09", "64.09.01")
    assert parsed.serial == "0001"


def test_woman_has_forty_added_to_the_day():
    parsed = parse_nik(build(day=47, year=1), today=TODAY)
    assert parsed.sex == "P"
    assert parsed.birth_date == dt.date(2001, 3, 7)


def test_surrounding_spaces_are_ignored():
    assert parse_nik(f"  {build()} ", today=TODAY).nik == build()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "kosong"),
        ("640901070385000", "16 digit"),
        ("64090107038500011", "16 digit"),
        ("64O9010703850001", "angka"),
        ("6409-10703850001", "angka"),
        ("٦٤٠٩٠١٠٧٠٣٨٥٠٠٠١", "angka"),
        (build(prov="00"), "provinsi"),
        (build(reg="00"), "kabupaten"),
        (build(dist="00"), "kecamatan"),
        (build(day=0), "hari"),
        (build(day=32), "hari"),
        (build(day=40), "hari"),
        (build(day=72), "hari"),
        (build(month=13), "bulan"),
        (build(month=0), "bulan"),
        (build(day=31, month=2), "tidak mungkin"),
        (build(day=69, month=2, year=1), "tidak mungkin"),  # 29 Feb 2001 (woman)
        (build(serial="0000"), "0000"),
    ],
)
def test_rejects_with_a_reason(text, fragment):
    with pytest.raises(InvalidNik, match=fragment):
        parse_nik(text, today=TODAY)


def test_leap_day_is_accepted():
    assert parse_nik(build(day=29, month=2, year=0), today=TODAY).birth_date == dt.date(2000, 2, 29)


def test_two_digit_year_after_this_year_is_last_century():
    assert parse_nik(build(year=27), today=TODAY).birth_date.year == 1927
    assert parse_nik(build(year=26, month=1), today=TODAY).birth_date.year == 2026


def test_future_birth_date_this_year_is_rejected():
    with pytest.raises(InvalidNik, match="masa depan"):
        parse_nik(build(day=1, month=12, year=26), today=TODAY)


def test_invalid_nik_is_a_value_error():
    assert issubclass(InvalidNik, ValueError)


def test_unknown_region_is_only_a_warning():
    parsed = parse_nik(build(prov="99"), today=TODAY)
    assert nik_region_warning(parsed, {"64.09.01"}) is not None
    assert nik_region_warning(parse_nik(build(), today=TODAY), {"64.09.01"}) is None


def test_record_that_disagrees_with_nik_is_reported():
    parsed = parse_nik(build(day=47), today=TODAY)
    problems = parsed.mismatches(sex="L", birth_date=dt.date(1985, 3, 8))
    assert len(problems) == 2
    assert parsed.mismatches(sex="p", birth_date=dt.date(1985, 3, 7)) == []


def test_masking():
    assert mask_name("Siti Nurhaliza") == "SIT* NUR******"
    assert mask_name("M Ali") == "M A**"
    assert mask_nik("6409010703850001") == "6409**********01"


dates = st.dates(min_value=dt.date(1927, 1, 1), max_value=TODAY)


@given(birth=dates, sex=st.sampled_from("LP"), serial=st.integers(1, 9999), district=st.integers(1, 99))
def test_round_trip_of_any_valid_nik(birth, sex, serial, district):
    day = birth.day + (40 if sex == "P" else 0)
    nik = f"6409{district:02d}{day:02d}{birth:%m%y}{serial:04d}"
    parsed = parse_nik(nik, today=TODAY)
    assert (parsed.birth_date, parsed.sex, int(parsed.serial)) == (birth, sex, serial)


@given(st.text(max_size=20))
def test_any_text_either_parses_or_raises_invalid_nik(text):
    try:
        parsed = parse_nik(text, today=TODAY)
    except InvalidNik as error:
        assert str(error)
    else:
        assert len(parsed.nik) == 16 and parsed.nik.isdigit()
