from typing import Any

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ejamkesda.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib import admin

        # Django admin is for superusers only, never the working UI (docs/peran.md).
        def superuser_only(request: Any) -> bool:
            return bool(request.user.is_active and request.user.is_superuser)

        admin.site.has_permission = superuser_only  # type: ignore[method-assign]
        admin.site.site_header = "e-Jamkesda — administrasi sistem"
