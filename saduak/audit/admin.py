from django.contrib import admin

from saduak.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: events are append-only."""

    list_display = ["sequence", "occurred_at", "actor_label", "action", "target_label"]
    list_filter = ["action"]
    search_fields = ["action", "actor_label", "target_label", "target_id", "request_id"]
    ordering = ["-sequence"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
