from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ejamkesda.core.navigation import menu_for, public_menu


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "REGENCY_CODE": settings.REGENCY_CODE,
        "SITE_NAME": "e-Jamkesda",
        "COPYRIGHT_HOLDER": settings.COPYRIGHT_HOLDER,
        "nav_menu": menu_for(user) if user is not None and user.is_authenticated else [],
        "public_menu": public_menu(),
    }
