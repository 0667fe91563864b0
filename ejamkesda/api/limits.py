"""Per-token rate limits and the daily person look-up quota.

Fixed windows counted in the configured cache (``CACHES``: Redis in production, shared by
all server processes), so every process sees the same count. The eligibility path is hot
(thousands of requests a second), so a process does not go to the cache on every request:
it counts locally and adds its count to the shared counter every tenth of the limit (every
request for limits under 10). A token is therefore held to its limit exactly within a
process and, across P processes, to at most the limit plus P × 10% of it.

Over the limit the caller gets 429 with ``Retry-After`` (seconds until the window ends).
If the cache is unreachable the request is let through (logged): a broken cache must not
stop a hospital's registration desk.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from ejamkesda.api.errors import ApiError

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RateLimited(ApiError):
    status = 429
    code = "terlalu_banyak_permintaan"
    message = "Terlalu banyak permintaan dengan token ini. Coba lagi setelah Retry-After detik."

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Terlalu banyak permintaan dengan token ini. Coba lagi setelah {retry_after} detik.")
        self.retry_after = retry_after


def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/s"`` → (20, 1); ``"30/m"`` → (30, 60); ``"100/5m"`` → (100, 300)."""
    count, _, per = rate.partition("/")
    unit = per[-1:]
    if unit not in _PERIODS or not count.strip().isdigit():
        raise ValueError(f"laju tidak sah: {rate!r} (contoh: 20/s, 30/m, 1000/h, 5000/d)")
    multiple = int(per[:-1]) if per[:-1].strip() else 1
    return int(count), multiple * _PERIODS[unit]


@dataclass
class _Window:
    index: int
    local: int = 0  # counted here and not yet added to the shared counter
    shared: int = 0  # the shared counter when this process last added to it


_windows: dict[tuple[int, str], _Window] = {}
_lock = threading.Lock()


def limits_reset() -> None:
    """Forget this process's windows (tests)."""
    with _lock:
        _windows.clear()


def _push(key: str, delta: int, period: int) -> int | None:
    try:
        cache.add(key, 0, timeout=period + 1)
        try:
            return int(cache.incr(key, delta))
        except ValueError:  # expired between add and incr
            cache.set(key, delta, timeout=period + 1)
            return delta
    except Exception:
        logger.exception("batas laju API: cache tidak dapat dipakai; permintaan diteruskan")
        return None


def rate_check(*, token_id: int, group: str, now: float | None = None) -> None:
    """Count one request of ``token_id`` in ``group``; raise RateLimited past the limit."""
    if not settings.API_RATE_LIMIT_ENABLE:
        return
    limit, period = parse_rate(settings.API_RATE_LIMITS[group])
    now = time.time() if now is None else now
    index = int(now // period)
    retry_after = max(1, math.ceil((index + 1) * period - now))
    with _lock:
        window = _windows.get((token_id, group))
        if window is None or window.index != index:
            if len(_windows) > 10_000:
                _windows.clear()
            window = _windows[(token_id, group)] = _Window(index)
        if window.shared + window.local >= limit:
            raise RateLimited(retry_after)
        window.local += 1
        if window.local < max(1, limit // 10):
            return
        delta, window.local = window.local, 0
    total = _push(f"ejk:api-rate:{token_id}:{group}:{index}", delta, period)
    if total is None:
        return
    with _lock:
        window.shared = max(window.shared, total)
    if total > limit:
        raise RateLimited(retry_after)


def person_lookup_count(*, identity: Any) -> int:
    """Count one person look-up by NIK for the token; tell UPT admins once a day past the quota."""
    quota = settings.API_PERSON_LOOKUP_DAILY_QUOTA
    day = timezone.localdate()
    key = f"ejk:api-lookups:{identity.token_id}:{day:%Y%m%d}"
    count = _push(key, 1, 2 * 86400) or 0
    if count > quota and cache.add(f"{key}:reported", 1, timeout=2 * 86400):
        _report_quota(identity=identity, count=count, quota=quota, day=day)
    return count


def _report_quota(*, identity: Any, count: int, quota: int, day: Any) -> None:
    from ejamkesda.accounts.models import User
    from ejamkesda.audit.services import audit_record
    from ejamkesda.core.roles import Role
    from ejamkesda.notifications.services import notification_send

    subject = f"Token API {identity.prefix} melewati kuota pencarian peserta"
    body = (
        f"Token {identity.prefix} milik {identity.user.username} sudah melakukan {count} pencarian peserta "
        f"dengan NIK pada {day:%d-%m-%Y} (kuota harian {quota}). Periksa apakah pemakaian ini wajar; "
        "bila tidak, cabut token di halaman Token API."
    )
    audit_record(
        action="view",
        object_type="api.ApiToken",
        object_id=identity.token_id,
        summary=subject,
        actor=identity.user,
        changes={"count": count, "quota": quota},
    )
    link = reverse("api_tokens:list")
    for admin in User.objects.filter(role=Role.UPT_ADMIN, is_active=True):
        notification_send(recipient_user=admin, subject=subject, body=body, link=link)
