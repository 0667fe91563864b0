"""Signing in from tests: every staff page needs the password AND the second factor.

* ``client.force_login(user)`` in any test signs in with both (tests/conftest.py patches
  it through ``force_login_verified``): the user gets a confirmed TOTP device and the
  session is marked as verified, as django-otp does after a correct code.
* ``login_verified(client, user)`` does the same explicitly.
* ``login_password_only(client, user)`` signs in WITHOUT the second factor, to test that
  such a session reaches no staff page.
* ``totp_code(device)`` is the device's current 6-digit code (what the app shows).
"""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

_force_login_without_factor = Client.force_login


def totp_device(user: Any) -> TOTPDevice:
    """The user's confirmed TOTP device (created if missing)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="uji", confirmed=True)


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps_ahead`` periods later)."""
    clock = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    clock.time = time.time() + steps_ahead * device.step
    return f"{clock.token():0{device.digits}d}"


def force_login_verified(self: Client, user: Any, backend: str | None = None) -> None:
    _force_login_without_factor(self, user, backend)
    device = totp_device(user)
    session = self.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def login_verified(client: Client, user: Any) -> Any:
    force_login_verified(client, user)
    return user


def login_password_only(client: Client, user: Any) -> Any:
    _force_login_without_factor(client, user)
    return user
