"""Exact allocation of whole rupiah by the largest-remainder method.

DESIGN.md §4 and §6: a person's share is points ÷ all points × pool, in whole rupiah that add
up to the pool exactly. The same method splits revenue into pools (seed 003 Pasal 5,
seed 004 Pasal 6). Each quota is floored; the rupiah left over go one each to the largest
fractional remainders; equal remainders go to the earlier row.
"""

from __future__ import annotations

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
    weight_sum = sum(fractions, Fraction(0))
    if weight_sum == 0:
        raise AllocationError("Jumlah seluruh poin nol: tidak ada yang dapat dibagi, tidak ada yang dibayar.")
    shares: list[int] = []
    remainders: list[tuple[Fraction, int]] = []
    for index, weight in enumerate(fractions):
        quota = weight * total / weight_sum
        whole = quota.numerator // quota.denominator
        shares.append(whole)
        remainders.append((quota - whole, index))
    leftover = total - sum(shares)
    # Largest remainder first; on equal remainders the earlier row (smaller index) first.
    remainders.sort(key=lambda item: (-item[0], item[1]))
    for _remainder, index in remainders[:leftover]:
        shares[index] += 1
    return shares
