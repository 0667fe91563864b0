"""Creating, checking and revoking API tokens.

The hot path (every API call) is one indexed query on the token prefix, then a small
per-process cache keyed by the token's SHA-256, so a busy SIMRS costs no query at all
for ``API_TOKEN_CACHE_SECONDS``. ``last_used_at`` is written at most once a minute.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.api import conf
from ejamkesda.api.models import ApiToken
from ejamkesda.api.scopes import default_scopes, normalise
from ejamkesda.audit.services import audit_record

TOKEN_PREFIX = "ejk_"  # noqa: S105 - a public marker, not a secret


@dataclass(frozen=True)
class TokenIdentity:
    """Who is calling: the token (id, prefix, scopes) and its user."""

    token_id: int
    prefix: str
    user: Any
    scopes: frozenset[str]


@dataclass
class _Cached:
    identity: TokenIdentity
    expires: float


_cache: dict[str, _Cached] = {}
_last_used: dict[int, float] = {}
_lock = threading.Lock()


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_create(
    *,
    user: Any,
    name: str = "",
    actor: Any = None,
    scopes: Iterable[str] | None = None,
    days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; the clear token is returned once and never stored.

    ``scopes`` default to what the user's role needs (``scopes.default_scopes``); ``days``
    (1 to ``settings.API_TOKEN_MAX_DAYS``) default to ``settings.API_TOKEN_DEFAULT_DAYS``.
    """
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            _("Masa berlaku token harus 1 sampai %(max)s hari.") % {"max": settings.API_TOKEN_MAX_DAYS}
        )
    stored_scopes = normalise(default_scopes(user) if scopes is None else scopes)
    if not stored_scopes:
        raise ValidationError(_("Pilih sedikitnya satu cakupan token."))
    with transaction.atomic():
        while True:
            prefix = secrets.token_hex(4)
            if not ApiToken.objects.filter(prefix=prefix).exists():
                break
        raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            prefix=prefix,
            token_hash=_hash(raw),
            scopes=stored_scopes,
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        audit_record(
            action="create",
            obj=token,
            summary=f"Token API {prefix} dibuat untuk {user.username} (cakupan {stored_scopes}, {days} hari)",
            changes={"scopes": stored_scopes, "expires_at": token.expires_at.isoformat(), "label": token.name},
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
    """The active user a token belongs to, or None (unknown, revoked, expired, inactive user)."""
    identity = token_identify(raw)
    return identity.user if identity is not None else None


def token_identify(raw: str) -> TokenIdentity | None:
    """The token and its user, or None (unknown, revoked, expired, inactive user)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    digest = _hash(raw)
    now = time.monotonic()
    cached = _cache.get(digest)
    if cached is not None and cached.expires > now:
        _touch(cached.identity.token_id, now)
        return cached.identity
    prefix = raw[len(TOKEN_PREFIX) :].split("_", 1)[0]
    wall = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=prefix, revoked_at__isnull=True, expires_at__gt=wall)
        .only("id", "prefix", "token_hash", "scopes", "expires_at", "user")
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, digest) or not token.user.is_active:
        with _lock:
            _cache.pop(digest, None)
        return None
    identity = TokenIdentity(token.pk, token.prefix, token.user, frozenset(token.scopes.split()))
    # Cached no longer than the token lives: an expiring token stops at its expiry.
    keep = min(conf.TOKEN_CACHE_SECONDS, (token.expires_at - wall).total_seconds())
    with _lock:
        if len(_cache) > 10_000:
            _cache.clear()
        _cache[digest] = _Cached(identity, now + keep)
    _touch(token.pk, now)
    return identity


def _touch(token_id: int, now: float) -> None:
    last = _last_used.get(token_id)
    if last is not None and now - last < conf.TOKEN_LAST_USED_INTERVAL:
        return
    _last_used[token_id] = now
    ApiToken.objects.filter(pk=token_id).update(last_used_at=timezone.now())
