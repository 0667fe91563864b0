"""Logins, logouts and failed logins go to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from ejamkesda.accounts.middleware import StaffSessionMiddleware
from ejamkesda.accounts.signin import username_failure_record
from ejamkesda.audit.services import audit_record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action="login", obj=user, summary="masuk", actor=user)
    if request is not None and hasattr(request, "session"):
        StaffSessionMiddleware.touch(request)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action="logout", obj=user, summary="keluar", actor=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:100]
    what = "kode faktor kedua salah" if kwargs.get("second_factor") else "gagal masuk"
    audit_record(action="login_failed", object_type="accounts.User", summary=f"{what} sebagai {username}")
    # Per username across all addresses (signin.username_brake_for); axes counts per address.
    username_failure_record(username)
