"""PPh 21 on service fees, per profile (Perbup Kapuas Hulu 9/2015 Pasal 21: "dikenakan pajak sesuai dengan
peraturan dan perundang-undangan yang berlaku").

Civil servants by rank: golongan I/II 0%, III 5%, IV 15%; everyone else a configurable
rate. The rates live in the profile and must be confirmed with the regency's finance office
(BPKAD). Tax is rounded down to the whole rupiah.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_RANK = re.compile(r"^\s*(IV|III|II|I)\b", re.IGNORECASE)


@dataclass(frozen=True)
class TaxResult:
    rate: Decimal  # percent
    amount: int
    explanation: str


def rank_of(golongan: str) -> str | None:
    """'III/a' → 'III'; '' or anything else → None."""
    match = _RANK.match(golongan or "")
    return match.group(1).upper() if match else None


def tax_for(
    *,
    share: int,
    status: str,
    golongan: str,
    rates: dict[str, Decimal],
    other_rate: Decimal,
    ranked_status: tuple[str, ...] = ("pns", "cpns"),
) -> TaxResult:
    rank = rank_of(golongan) if status in ranked_status else None
    if rank is not None and rank in rates:
        rate = rates[rank]
        why = f"PPh 21 golongan {rank}: {rate}%"
    else:
        rate = other_rate
        why = f"PPh 21 tarif lainnya ({status or 'tanpa status'}): {rate}%"
    numerator, denominator = rate.as_integer_ratio()
    amount = share * numerator // (denominator * 100)  # exact, rounded down
    return TaxResult(rate=rate, amount=amount, explanation=why)
