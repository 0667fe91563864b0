"""Writes for users: always through these functions, always audit-logged."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ejamkesda.accounts.models import Agency, User
from ejamkesda.audit.services import audit_record
from ejamkesda.providers.models import Provider
from ejamkesda.regions.models import Region


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    full_name: str = "",
    email: str = "",
    provider: Provider | None = None,
    agency: Agency | None = None,
    region: Region | None = None,
    actor: Any = None,
) -> User:
    first, _, last = full_name.partition(" ")
    user = User(
        username=username,
        role=role,
        email=email,
        provider=provider,
        agency=agency,
        region=region,
        first_name=first,
        last_name=last,
    )
    user.full_clean(exclude=["password"])
    if password:
        user.set_password(password)
        user.password_change_required = True  # chosen by the admin: the user picks their own
    else:
        user.set_unusable_password()
    user.save()
    audit_record(action="create", obj=user, summary=f"pengguna {username} dibuat, peran {role}", actor=actor)
    return user


@transaction.atomic
def user_update(*, user: User, actor: Any = None, **fields: Any) -> User:
    allowed = {"role", "email", "provider", "agency", "region", "is_active", "first_name", "last_name"}
    changes = {}
    # Lock the row: two admins editing one user at once cannot interleave (one wins whole).
    user = User.objects.select_for_update().get(pk=user.pk)
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"field {name} tidak boleh diubah di sini")
        old = getattr(user, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    if changes:
        audit_record(
            action="update", obj=user, summary=f"pengguna {user.username} diubah", changes=changes, actor=actor
        )
    return user


@transaction.atomic
def user_password_set(*, user: User, password: str, actor: Any = None) -> User:
    """An admin sets a new password; the change is audit-logged (never the password).

    The user must change it at the next sign-in (the admin knows it).
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.set_password(password)
    locked.password_change_required = True
    locked.save(update_fields=["password", "password_change_required"])
    audit_record(action="update", obj=locked, summary=f"kata sandi {locked.username} diganti", actor=actor)
    return locked
