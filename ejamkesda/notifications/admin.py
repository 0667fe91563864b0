from django.contrib import admin

from ejamkesda.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "subject", "email_status", "gateway_status", "read_at"]
    list_filter = ["email_status", "gateway_status"]
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
