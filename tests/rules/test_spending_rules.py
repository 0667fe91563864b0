"""Spending rules of the profiles and the pool balance arithmetic (pure, no database)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ejamkesda.rules.profile import ProfileError, load_profile, parse_profile, profile_text
from ejamkesda.rules.spending import (
    CATEGORIES,
    PoolBalance,
    SpendingRules,
    can_spend,
    map_legacy_pool,
    with_payment,
    with_spend,
)


def test_kapuas_hulu_pools_procurement_deposit_and_carry_over():
    rules = load_profile("kapuas-hulu-9-2015").spending
    assert rules.pool_categories["obat_alkes_bmhp"] == ("obat", "alkes", "bmhp")  # Pasal 5 ayat (5) huruf a
    assert not rules.allows("obat_alkes_bmhp", "perjalanan")
    assert not rules.allows("operasional", "obat")
    assert "jasa_pelayanan" not in rules.pool_categories
    assert rules.needs_procurement("alkes") and not rules.needs_procurement("operasional")
    assert rules.deposit_to_treasury
    assert set(rules.carry_pools) == {"jasa_pelayanan", "obat_alkes_bmhp", "operasional"}  # Pasal 6 ayat (1)


def test_tanah_datar_jasa_sarana_without_pphp():
    rules = load_profile("tanah-datar-29-2017").spending
    assert rules.pool_categories == {"jasa_sarana": ("obat", "bmhp", "sarana", "perjalanan", "operasional")}
    assert not rules.procurement and not rules.needs_procurement("obat")
    assert not rules.deposit_to_treasury and rules.carry_pools == ("jasa_sarana",)


def _with(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def test_profile_spending_errors_are_listed():
    text = profile_text("kapuas-hulu-9-2015")
    bad = _with(text, 'kategori = ["obat", "alkes", "bmhp"]', 'kategori = ["obat", "tiket"]')
    bad = _with(bad, "setor_kas_daerah = true", 'setor_kas_daerah = "ya"\nlainnya = 1')
    bad = _with(bad, 'sumber = "Pasal 5 ayat (4)"', 'sumber = "Pasal 5 ayat (4)"\nkategori = ["operasional"]')
    with pytest.raises(ProfileError) as caught:
        parse_profile(bad)
    message = str(caught.value)
    assert "kategori 'tiket' tidak dikenal" in message
    assert "'setor_kas_daerah' harus true/false" in message
    assert "kunci 'lainnya' tidak dikenal" in message
    assert "pos jasa pelayanan dibagi lewat pembagian" in message


def test_old_profile_without_spending_rules_keeps_earlier_behaviour():
    text = profile_text("tanah-datar-29-2017")
    start, end = text.index("[belanja]"), text.index("[jenis]")
    old = _with(text[:start] + text[end:], 'kategori = ["obat", "bmhp", "sarana", "perjalanan", "operasional"]\n', "")
    rules = parse_profile(old).spending
    assert rules.pool_categories == {"jasa_sarana": CATEGORIES}
    assert not rules.procurement and not rules.deposit_to_treasury


def test_legacy_pool_text_maps_to_a_pool_key():
    rules = load_profile("kapuas-hulu-9-2015").spending
    names = {line.code: line.name for line in load_profile("kapuas-hulu-9-2015").split}
    assert map_legacy_pool("Obat_Alkes_BMHP ", "obat", rules, names) == "obat_alkes_bmhp"
    assert map_legacy_pool("Operasional pelayanan kesehatan lainnya", "sarana", rules, names) == "operasional"
    assert map_legacy_pool("obat", "bmhp", rules, names) == "obat_alkes_bmhp"
    assert map_legacy_pool("dana lain", "perjalanan", rules, names) == "operasional"
    assert map_legacy_pool("jasa_pelayanan", "obat", rules, names) == "obat_alkes_bmhp"
    assert map_legacy_pool("x", "obat", SpendingRules({}), {}) is None


# --- pool balance arithmetic --------------------------------------------------------------------

money = st.integers(min_value=0, max_value=10**10)
steps = st.lists(st.tuples(st.sampled_from(["spend", "order", "pay"]), st.integers(-10, 10**10)), max_size=12)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(received=money, carried=money, steps=steps)
def test_pool_never_overspends_and_always_adds_up(received, carried, steps):
    balance = PoolBalance("pos", "Pos", received=received, carried_in=carried)
    for kind, amount in steps:
        before = balance
        try:
            if kind == "pay":
                balance = with_payment(balance, amount)
            else:
                balance = with_spend(balance, amount, committed=kind == "order")
        except ValueError:
            assert balance == before  # a refused step changes nothing
            if kind != "pay":
                assert not can_spend(before, amount)
            continue
        assert balance.available == received + carried
        assert balance.spent + balance.committed + balance.free == balance.available
        assert balance.free >= 0 and balance.remaining >= 0 and balance.committed >= 0
        assert balance.carry_amount == balance.available - balance.spent


@given(available=money, amount=st.integers(-10, 10**10))
def test_can_spend_is_exactly_the_free_balance(available, amount):
    balance = PoolBalance("pos", "Pos", received=available)
    assert can_spend(balance, amount) == (0 < amount <= available)
