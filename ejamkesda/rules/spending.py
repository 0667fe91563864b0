"""Spending rules of a regulation profile: which pool pays for what, how it is bought, and
where unspent money goes. Pure Python; the profile TOML carries the data.

- Perbup Kapuas Hulu 9/2015 Pasal 5 ayat (5): the drugs pool (30%) pays for drugs, devices and
  consumables only; the operational pool (25%) for the other operational costs.
- Perbup Kapuas Hulu 9/2015 Pasal 7-18: drugs, devices and consumables are procured by the
  procurement official, inspected by the PPHP, then paid by the treasurer.
- Perbup Kapuas Hulu 9/2015 Pasal 2 ayat (4), Pasal 6: revenue is deposited to the Kas Daerah
  and used in the next budget year; the unspent part of the pools of Pasal 5 ayat (1) huruf a
  and b is carried over.
- Perbup Tanah Datar 29/2017 Pasal 5: jasa sarana pays for drugs, consumables, facilities,
  official travel and operations; no procurement committee is named.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

# The spending categories the application knows (the budget line's ``category``).
CATEGORIES: tuple[str, ...] = ("obat", "alkes", "bmhp", "sarana", "perjalanan", "operasional")
SPENDING_KEYS = frozenset({"sumber", "pengadaan_pphp", "kategori_pengadaan", "setor_kas_daerah", "pos_sisa"})


@dataclass(frozen=True)
class SpendingRules:
    """How a profile's pools are spent.

    ``pool_categories`` maps each spendable pool to the categories it may pay for; a pool not in
    it (the jasa pelayanan pool) is paid out by distribution runs, never by budget lines.
    """

    pool_categories: dict[str, tuple[str, ...]]
    procurement: bool = False
    procurement_categories: tuple[str, ...] = ()
    deposit_to_treasury: bool = False
    carry_pools: tuple[str, ...] = ()
    source: str = ""

    def pools(self) -> tuple[str, ...]:
        return tuple(self.pool_categories)

    def allows(self, pool: str, category: str) -> bool:
        return category in self.pool_categories.get(pool, ())

    def needs_procurement(self, category: str) -> bool:
        """True when spending of this category goes through order → PPHP → payment."""
        return self.procurement and category in self.procurement_categories


def parse_spending(
    data: dict[str, Any], pool_categories: dict[str, tuple[str, ...]], pool_codes: list[str], jaspel_pool: str
) -> tuple[SpendingRules, list[str]]:
    """Read the ``[belanja]`` table; ``pool_categories`` comes from each pool's ``kategori``.

    A profile without any ``kategori`` (an old stored copy) keeps the earlier behaviour: every
    pool except jasa pelayanan may pay for every category, without procurement or deposit.
    """
    errors: list[str] = []
    table = data.get("belanja", {})
    if not isinstance(table, dict):
        return SpendingRules(pool_categories), ["belanja: harus berupa tabel."]
    for key in sorted(set(table) - SPENDING_KEYS):
        errors.append(f"belanja: kunci '{key}' tidak dikenal.")
    if jaspel_pool in pool_categories:
        errors.append(f"pembagian.pos {jaspel_pool}: pos jasa pelayanan dibagi lewat pembagian, tanpa 'kategori'.")
    for pool, categories in pool_categories.items():
        for category in categories:
            if category not in CATEGORIES:
                errors.append(f"pembagian.pos {pool}: kategori '{category}' tidak dikenal ({', '.join(CATEGORIES)}).")
    if not pool_categories and not table:
        legacy = {code: CATEGORIES for code in pool_codes if code != jaspel_pool}
        return SpendingRules(legacy, carry_pools=tuple(legacy)), errors

    def flag(key: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            errors.append(f"belanja: '{key}' harus true/false.")
            return False
        return value

    def codes(key: str, allowed: set[str] | tuple[str, ...], default: list[str]) -> tuple[str, ...]:
        value = table.get(key, default)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            errors.append(f"belanja: '{key}' harus daftar teks.")
            return ()
        for item in value:
            if item not in allowed:
                errors.append(f"belanja: '{key}' memuat '{item}' yang tidak dikenal.")
        return tuple(value)

    procurement = flag("pengadaan_pphp")
    procurement_categories = codes("kategori_pengadaan", CATEGORIES, [])
    if procurement and not procurement_categories:
        errors.append("belanja: 'kategori_pengadaan' wajib diisi bila 'pengadaan_pphp' = true.")
    carry = codes("pos_sisa", set(pool_codes), list(pool_categories))
    source = table.get("sumber", "")
    rules = SpendingRules(
        pool_categories=pool_categories,
        procurement=procurement,
        procurement_categories=procurement_categories,
        deposit_to_treasury=flag("setor_kas_daerah"),
        carry_pools=carry,
        source=source if isinstance(source, str) else "",
    )
    return rules, errors


# --- pool balance arithmetic ----------------------------------------------------------------


@dataclass(frozen=True)
class PoolBalance:
    """One pool in one budget year, in integer rupiah.

    ``received``: money the pool may use this year (this year's receipts, or last year's
    deposits where the profile deposits to the Kas Daerah); ``carried_in``: last year's unspent
    part; ``spent``: paid; ``committed``: ordered or accepted but not yet paid.
    """

    code: str
    name: str
    received: int = 0
    carried_in: int = 0
    planned: int = 0
    spent: int = 0
    committed: int = 0

    @property
    def available(self) -> int:
        return self.received + self.carried_in

    @property
    def remaining(self) -> int:
        return self.available - self.spent

    @property
    def free(self) -> int:
        """What a new expense or order may still use."""
        return self.available - self.spent - self.committed

    @property
    def carry_amount(self) -> int:
        """What goes to the next year: the unspent part, never negative."""
        return max(self.remaining, 0)


def can_spend(balance: PoolBalance, amount: int) -> bool:
    return amount > 0 and amount <= balance.free


def with_spend(balance: PoolBalance, amount: int, *, committed: bool = False) -> PoolBalance:
    """The balance after an accepted spend (``committed``: an order not yet paid)."""
    if not can_spend(balance, amount):
        raise ValueError("amount exceeds the pool's free balance")
    if committed:
        return replace(balance, committed=balance.committed + amount)
    return replace(balance, spent=balance.spent + amount)


def with_payment(balance: PoolBalance, amount: int) -> PoolBalance:
    """A committed order is paid: it moves from committed to spent."""
    if amount <= 0 or amount > balance.committed:
        raise ValueError("payment exceeds the committed orders")
    return replace(balance, committed=balance.committed - amount, spent=balance.spent + amount)


# --- budget lines written before pools came from the profile --------------------------------


def _normal(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text.strip().lower()).strip("_")


def map_legacy_pool(value: str, category: str, rules: SpendingRules, names: dict[str, str]) -> str | None:
    """The pool key a free-text pool of an old budget line stands for, or None if none fits.

    In order: the key itself (any spelling), a pool's name, a key contained in the text (or the
    text in a key) whose pool allows the line's category, else the first pool allowing it.
    """
    pools = rules.pool_categories
    text = _normal(value)
    if text in pools:
        return text
    for code, name in names.items():
        if code in pools and _normal(name) == text:
            return code
    allowing = [code for code in pools if category in pools[code]]
    for code in allowing:
        if text and (code in text or text in code):
            return code
    return allowing[0] if allowing else None
