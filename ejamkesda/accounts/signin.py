"""The steps of a staff sign-in after the password: second factor, brakes, completion.

Failed passwords and failed one-time codes are the same kind of event here: both send
Django's ``user_login_failed`` signal, so django-axes counts them per (address, username)
and ``username_failure_record`` counts them per username across all addresses
(docs/tinjauan-keamanan.md, "Masuk petugas").
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp_webauthn.models import AbstractWebAuthnCredential

from ejamkesda.accounts.models import UsernameFailures
from ejamkesda.audit.services import audit_record
from ejamkesda.rules.signin import Brake, second_factor_required, username_brake


def factor_required(user: Any) -> bool:
    """Whether ``user`` must pass a second factor before any staff page."""
    if not getattr(user, "is_authenticated", False):
        return False
    return second_factor_required(
        role=user.role,
        is_superuser=user.is_superuser,
        all_roles=settings.SECOND_FACTOR_ALL_ROLES,
        has_device=user_has_device(user),
    )


def is_verified(user: Any) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


# --- The per-username brake (all addresses together) --------------------------------


def _cool_off_seconds() -> int:
    return int(float(settings.AXES_COOLOFF_TIME) * 3600)


def _key(username: str) -> str:
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]


def username_brake_for(username: str) -> Brake:
    row = UsernameFailures.objects.filter(key=_key(username)).values_list("failures", "last_failure_at").first()
    failures, since = 0, 0.0
    if row is not None:
        since = (timezone.now() - row[1]).total_seconds()
        failures = row[0] if since < _cool_off_seconds() else 0
    return username_brake(
        failures=failures,
        seconds_since_last=since,
        slowdown_after=settings.LOGIN_USERNAME_SLOWDOWN_AFTER,
        lock_after=settings.LOGIN_USERNAME_LOCK_AFTER,
    )


def _count_failure(key: str, now: dt.datetime) -> int:
    """One atomic UPDATE: a count older than the cool-off starts again at 1."""
    stale = now - dt.timedelta(seconds=_cool_off_seconds())
    return UsernameFailures.objects.filter(key=key).update(
        failures=Case(When(last_failure_at__lt=stale, then=Value(1)), default=F("failures") + 1),
        last_failure_at=now,
    )


def username_failure_record(username: str) -> None:
    """One more failure for ``username``; the count lives for the cool-off after the last.

    Atomic: simultaneous failures from many addresses each count (a row per username,
    raised in one UPDATE; the first failure inserts it, a lost insert race updates).
    """
    if not username:
        return
    key, now = _key(username), timezone.now()
    if _count_failure(key, now):
        return
    try:
        with transaction.atomic():
            UsernameFailures.objects.create(key=key, failures=1, last_failure_at=now)
    except IntegrityError:
        _count_failure(key, now)


def username_failures_clear(username: str) -> None:
    UsernameFailures.objects.filter(key=_key(username)).delete()


# --- Second factor ---------------------------------------------------------------------


def normalise_token(token: str) -> str:
    return "".join(token.split()).replace("-", "").lower()


def second_factor_check(user: Any, token: str) -> Device | None:
    """The confirmed device of ``user`` that accepts ``token`` (TOTP code or recovery code).

    Each device applies django-otp's own throttling (a growing wait after each failure).
    """
    token = normalise_token(token)
    if not token:
        return None
    for device in devices_for_user(user):
        if isinstance(device, AbstractWebAuthnCredential):
            continue  # a passkey answers through its own ceremony, not a typed code
        if django_otp.verify_token(user, device.persistent_id, token) is not None:
            return device
    return None


def second_factor_failed(request: HttpRequest, user: Any) -> bool:
    """Counts a wrong code like a wrong password; True when the sign-in is now locked."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.username}, request=request, second_factor=True
    )
    return signin_locked(request, user.username)


def signin_locked(request: HttpRequest, username: str) -> bool:
    if getattr(request, "axes_locked_out", False):
        return True
    if settings.AXES_ENABLED and not AxesProxyHandler.is_allowed(request, {"username": username}):
        return True
    return username_brake_for(username).locked


def second_factor_passed(request: HttpRequest, user: Any, device: Device) -> None:
    """The whole sign-in succeeded: mark the session verified, clear the failure counts."""
    django_otp.login(request, device)
    if settings.AXES_ENABLED:
        AxesProxyHandler.reset_attempts(ip_address=get_client_ip_address(request), username=user.username)
    username_failures_clear(user.username)
    kind = type(device).__name__
    audit_record(action="login", obj=user, summary=f"faktor kedua lolos ({kind})", actor=user)
