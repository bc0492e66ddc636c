from django.contrib import admin

from saduak.audit.models import AuditEvent
from saduak.core.admin_helpers import ReadOnlyModelAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    """Read-only: events are append-only."""

    list_display = [
        "id",
        "sequence",
        "occurred_at",
        "actor_label",
        "action",
        "target_label",
    ]
    list_filter = ["action"]
    search_fields = ["action", "actor_label", "target_label", "target_id", "request_id"]
    ordering = ["-id"]
