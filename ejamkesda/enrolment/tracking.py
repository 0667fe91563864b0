"""Tracking codes (kode pelacakan) for applications and complaints. Pure Python.

10 characters from an alphabet without look-alikes (no 0/O, 1/I/L): 31**10 ≈ 8·10^14
codes, drawn with ``secrets`` so they cannot be guessed. Shown as ``ABCDE-FGHJK``;
input is forgiving (lower case, spaces and dashes are ignored).
"""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 10


def tracking_code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def tracking_code_normalise(text: str) -> str | None:
    """The canonical code, or ``None`` when ``text`` cannot be a code."""
    code = "".join(ch for ch in (text or "").upper() if ch not in " -\t\n\r")
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def tracking_code_display(code: str) -> str:
    half = LENGTH // 2
    return f"{code[:half]}-{code[half:]}"
