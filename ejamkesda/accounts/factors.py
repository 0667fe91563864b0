"""Writes for second factors and sessions: always through these functions, always audited.

The cryptography is django-otp's (TOTP, RFC 6238; recovery codes) and
django-otp-webauthn's (passkeys); this module only decides who may do what.
"""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ejamkesda.accounts.models import User
from ejamkesda.audit.services import audit_record

TOTP_NAME = "Aplikasi autentikator"
RECOVERY_NAME = "Kode pemulihan"


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps expect it when typed by hand (RFC 4648 base32)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def totp_enrolment_device(*, user: User) -> TOTPDevice:
    """The user's pending (unconfirmed) TOTP device, created with a fresh secret if none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_enrolment_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirms the pending device when ``token`` is its current code."""
    locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if locked.confirmed or not locked.verify_token(token):
        return False
    locked.confirmed = True
    locked.save(update_fields=["confirmed"])
    audit_record(action="update", obj=locked.user, summary="aplikasi autentikator didaftarkan", actor=locked.user)
    device.confirmed = True
    return True


@transaction.atomic
def recovery_codes_create(*, user: User) -> list[str]:
    """A new set of one-time recovery codes; the old set stops working. Shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit_record(action="update", obj=user, summary="kode pemulihan baru dibuat", actor=user)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def factors_of(user: User) -> list[Any]:
    """Every confirmed device of ``user`` (apps, passkeys, recovery codes)."""
    return list(devices_for_user(user))


@transaction.atomic
def second_factor_reset(*, user: User, actor: User) -> int:
    """An admin removes every factor of another user and signs them out everywhere.

    The user must enrol again at the next sign-in. Nobody resets their own factors here
    (that would let a stolen password replace the factor), and only a superuser resets a
    superuser's.
    """
    if actor.pk == user.pk:
        raise PermissionDenied("faktor kedua sendiri tidak dapat direset")
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied("hanya superuser yang dapat mereset superuser")
    locked = User.objects.select_for_update().get(pk=user.pk)
    removed = 0
    for device in list(devices_for_user(locked, confirmed=None)):
        device.delete()
        removed += 1
    User.objects.filter(pk=locked.pk).update(session_version=F("session_version") + 1)
    audit_record(
        action="update",
        obj=locked,
        summary=f"faktor kedua {locked.username} direset ({removed} perangkat)",
        actor=actor,
    )
    return removed


@transaction.atomic
def sessions_end_others(*, user: User) -> User:
    """Signs ``user`` out of every session; the caller keeps the current one alive
    (``update_session_auth_hash``)."""
    User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
    user.refresh_from_db(fields=["session_version"])
    audit_record(action="update", obj=user, summary="keluar dari semua sesi lain", actor=user)
    return user


@transaction.atomic
def password_change_own(*, user: User, password: str) -> User:
    """The user chose a new password (validated by the form); the admin-set one is gone."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.set_password(password)
    locked.password_change_required = False
    locked.save(update_fields=["password", "password_change_required"])
    audit_record(action="update", obj=locked, summary="kata sandi diganti sendiri", actor=locked)
    return locked


def demo_totp_device(*, user: User) -> TOTPDevice:
    """Demo accounts only (``seed_demo``, never in production): a confirmed TOTP device
    whose secret ``manage.py demo_logins`` prints."""
    if settings.PRODUCTION:
        raise PermissionDenied("perangkat demo tidak dibuat di produksi")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=True)
