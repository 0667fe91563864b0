from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ejamkesda.core.navigation import menu_groups_for, public_menu


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "REGENCY_CODE": settings.REGENCY_CODE,
        "SITE_NAME": "e-Jamkesda",
        "COPYRIGHT_HOLDER": settings.COPYRIGHT_HOLDER,
        "nav_groups": _mark_current(menu_groups_for(user), request.path) if signed_in else [],
        "public_menu": public_menu(),
    }


def _mark_current(groups: list[dict[str, Any]], path: str) -> list[dict[str, Any]]:
    for group in groups:
        group["current"] = any(path.startswith(item["url"]) for item in group["items"])
    return groups
