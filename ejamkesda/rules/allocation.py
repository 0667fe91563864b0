"""Exact allocation of whole rupiah by the largest-remainder method.

docs/aturan.md and docs/arsitektur.md: a person's share is points ÷ all points × pool, in whole rupiah that add
up to the pool exactly. The same method splits revenue into pools (Perbup Kapuas Hulu 9/2015 Pasal 5,
Perbup Tanah Datar 29/2017 Pasal 6). Each quota is floored; the rupiah left over go one each to the largest
fractional remainders; equal remainders go to the earlier row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction


class AllocationError(ValueError):
    """Nothing can be allocated; the message is in Bahasa Indonesia."""


def allocate(total: int, weights: Sequence[Fraction | int]) -> list[int]:
    """Split ``total`` rupiah over ``weights``; the result sums to ``total`` exactly."""
    if isinstance(total, bool) or not isinstance(total, int):
        raise AllocationError("Jumlah dana harus bilangan bulat rupiah.")
    if total < 0:
        raise AllocationError("Jumlah dana tidak boleh negatif.")
    fractions = [Fraction(weight) for weight in weights]
    if any(weight < 0 for weight in fractions):
        raise AllocationError("Bobot (poin) tidak boleh negatif.")
    # Scale to whole numbers (common denominator) so everything below is integer arithmetic.
    common = math.lcm(*(weight.denominator for weight in fractions)) if fractions else 1
    scaled = [weight.numerator * (common // weight.denominator) for weight in fractions]
    weight_sum = sum(scaled)
    if weight_sum == 0:
        raise AllocationError("Jumlah seluruh poin nol: tidak ada yang dapat dibagi, tidak ada yang dibayar.")
    shares: list[int] = []
    remainders: list[int] = []
    for weight in scaled:
        whole, remainder = divmod(weight * total, weight_sum)
        shares.append(whole)
        remainders.append(remainder)
    leftover = total - sum(shares)
    # Largest remainder first (all remainders share the denominator weight_sum); on equal
    # remainders the earlier row (smaller index) first.
    order = sorted(range(len(scaled)), key=lambda index: (-remainders[index], index))
    for index in order[:leftover]:
        shares[index] += 1
    return shares
