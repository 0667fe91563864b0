"""Template filters ``angka`` and ``rupiah`` (built in through settings.TEMPLATES)."""

from __future__ import annotations

from typing import Any

from django import template

from ejamkesda.core import numbers

register = template.Library()


@register.filter
def angka(value: Any, decimals: Any = None) -> str:
    """``{{ n|angka }}`` → "3.000" (id) / "3,000" (en); ``{{ x|angka:1 }}`` one decimal."""
    return numbers.angka(value, int(decimals) if decimals not in (None, "") else None)


@register.filter
def rupiah(value: Any) -> str:
    """``{{ amount|rupiah }}`` → "Rp 145.000" (id) / "Rp 145,000" (en)."""
    return numbers.rupiah(value)
