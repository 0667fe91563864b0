"""The check every API and FHIR route runs after the token is known: scope, then rate.

Both channels call ``route_guard`` (REST through a NinjaAPI decorator in ``rest.py``, FHIR
through ``fhir_view``); the scope and rate group of each view come from the one table in
``scopes.py``. Cheap by design: the table is read once per view at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from ejamkesda.api.errors import Forbidden
from ejamkesda.api.limits import rate_check
from ejamkesda.api.scopes import ANY, PUBLIC, route_of

Check = Callable[[HttpRequest], None]


def route_guard(view: Any) -> Check:
    """The check for ``view``: built once, run on every request."""
    declared = route_of(view)
    if declared is None:

        def undeclared(request: HttpRequest) -> None:
            raise Forbidden("Layanan ini belum memiliki cakupan token yang dinyatakan; permintaan ditolak.")

        return undeclared
    scope, group = declared
    if scope == PUBLIC:
        return lambda request: None
    accepted = frozenset(scope.split("|"))

    def check(request: HttpRequest) -> None:
        identity = getattr(request, "api_token", None)
        if identity is None:
            raise Forbidden()
        if scope != ANY and not accepted & identity.scopes:
            raise Forbidden(
                f"Token ini tidak memiliki cakupan '{scope}' yang dibutuhkan layanan ini.", code="tidak_berwenang"
            )
        rate_check(token_id=identity.token_id, group=group)

    return check
