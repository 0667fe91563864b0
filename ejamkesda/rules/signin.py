"""Sign-in policy for staff: who needs a second factor, and the per-username brake.

Pure functions (no Django); ``ejamkesda/accounts`` applies them. Background:
docs/tinjauan-keamanan.md, "Masuk petugas" (ASVS 5.0 V6.3, V6.4).
"""

from __future__ import annotations

from dataclasses import dataclass

# Roles that hold money or everyone's data: a second factor always (docs/tinjauan-keamanan.md).
FACTOR_ROLES = frozenset({"upt_admin", "upt_verifier", "treasurer"})


def second_factor_required(*, role: str, is_superuser: bool, all_roles: bool, has_device: bool) -> bool:
    """A superuser, a UPT admin/verifier or treasurer, anyone once ``all_roles`` is on, and
    anyone who has enrolled a factor, must pass it before reaching any staff page."""
    return is_superuser or role in FACTOR_ROLES or all_roles or has_device


@dataclass(frozen=True)
class Brake:
    """The answer for one username: locked, or wait ``wait_seconds`` before the next try."""

    locked: bool
    wait_seconds: int


def username_brake(
    *, failures: int, seconds_since_last: float, slowdown_after: int, lock_after: int, max_wait: int = 300
) -> Brake:
    """Failures for one username from all addresses together.

    Below ``slowdown_after``: no brake. From there on, each attempt must wait
    2, 4, 8 … seconds (at most ``max_wait``) after the last failure. At ``lock_after``
    the username is locked (the caller keeps it locked for the cool-off time).
    """
    if failures >= lock_after:
        return Brake(locked=True, wait_seconds=0)
    if failures < slowdown_after:
        return Brake(locked=False, wait_seconds=0)
    pause = min(max_wait, 2 ** (failures - slowdown_after + 1))
    remaining = pause - max(0.0, seconds_since_last)
    return Brake(locked=False, wait_seconds=max(0, int(remaining + 0.999)))
