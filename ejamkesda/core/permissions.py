"""View guards. Object scoping lives in each domain's selectors; these only gate roles."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from ejamkesda.core.roles import Role

ViewFunc = Callable[..., HttpResponse]


def user_has_role(user: Any, roles: Iterable[str]) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or user.role in set(roles))


def role_required(*roles: Role) -> Callable[[ViewFunc], ViewFunc]:
    """Login required, then one of ``roles`` (superusers pass). Anything else is 403."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not user_has_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator
