from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ejamkesda.audit.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin[AuditLog]):
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "summary", "ip_address"]
    list_filter = ["action", "object_type"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
