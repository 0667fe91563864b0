"""Creating, checking and revoking API tokens.

The hot path (every API call) is one indexed query on the token prefix, then a small
per-process cache keyed by the token's SHA-256, so a busy SIMRS costs no query at all
for ``API_TOKEN_CACHE_SECONDS``. ``last_used_at`` is written at most once a minute.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from ejamkesda.api import conf
from ejamkesda.api.models import ApiToken
from ejamkesda.audit.services import audit_record

TOKEN_PREFIX = "ejk_"  # noqa: S105 - a public marker, not a secret


@dataclass
class _Cached:
    token_id: int
    user: Any
    expires: float


_cache: dict[str, _Cached] = {}
_last_used: dict[int, float] = {}
_lock = threading.Lock()


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_create(*, user: Any, name: str = "", actor: Any = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; the clear token is returned once and never stored."""
    with transaction.atomic():
        while True:
            prefix = secrets.token_hex(4)
            if not ApiToken.objects.filter(prefix=prefix).exists():
                break
        raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(user=user, name=name[:100], prefix=prefix, token_hash=_hash(raw))
        audit_record(
            action="create",
            obj=token,
            summary=f"Token API {prefix} dibuat untuk {user.username}",
            actor=actor,
        )
    return token, raw


def token_revoke(*, token: ApiToken, actor: Any = None) -> ApiToken:
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            audit_record(action="update", obj=locked, summary=f"Token API {locked.prefix} dicabut", actor=actor)
    token_cache_clear()
    return locked


def token_cache_clear() -> None:
    with _lock:
        _cache.clear()
        _last_used.clear()


def token_authenticate(raw: str) -> Any | None:
    """The active user a token belongs to, or None (unknown, revoked, inactive user)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    digest = _hash(raw)
    now = time.monotonic()
    cached = _cache.get(digest)
    if cached is not None and cached.expires > now:
        _touch(cached.token_id, now)
        return cached.user
    prefix = raw[len(TOKEN_PREFIX) :].split("_", 1)[0]
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .only("id", "token_hash", "user")
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, digest) or not token.user.is_active:
        with _lock:
            _cache.pop(digest, None)
        return None
    with _lock:
        if len(_cache) > 10_000:
            _cache.clear()
        _cache[digest] = _Cached(token.pk, token.user, now + conf.TOKEN_CACHE_SECONDS)
    _touch(token.pk, now)
    return token.user


def _touch(token_id: int, now: float) -> None:
    last = _last_used.get(token_id)
    if last is not None and now - last < conf.TOKEN_LAST_USED_INTERVAL:
        return
    _last_used[token_id] = now
    ApiToken.objects.filter(pk=token_id).update(last_used_at=timezone.now())
