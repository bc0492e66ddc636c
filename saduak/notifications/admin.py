"""The delivery log in the admin: read-only, because notifications change only
through services and provider reports."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from saduak.notifications.models import DeliveryAttempt, Notification


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeliveryAttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "attempted_at",
        "succeeded",
        "permanent_failure",
        "error",
        "provider_response",
    )


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "created_at",
        "channel",
        "template_key",
        "language",
        "status",
        "attempts",
    ]
    list_filter = ["status", "channel", "template_key", "language"]
    search_fields = ["provider_message_id", "address"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    inlines = [DeliveryAttemptInline]
    fields = readonly_fields = (
        "recipient",
        "channel",
        "address",
        "language",
        "template_key",
        "context",
        "subject",
        "body",
        "status",
        "attempts",
        "provider_message_id",
        "last_error",
        "created_at",
        "sent_at",
        "delivered_at",
        "failed_at",
    )
