"""The admin shows complaints, their categories and the partners' Open311
keys read-only: categories change through HQ's staff pages
(`complaint_category_save`, which checks the targets and audits) or
`load_complaint_categories`, complaints through their services, keys
through `open311_key_issue`/`open311_key_revoke`. A complainant's contact
details and the tracking secret are not shown here."""

from django.contrib import admin

from saduak.complaints.models import (
    CategoryAttribute,
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    Open311Key,
)
from saduak.core.admin_helpers import ReadOnlyInline, ReadOnlyModelAdmin


class CategoryAttributeInline(ReadOnlyInline):
    model = CategoryAttribute
    fields = ["code", "datatype", "required", "description_th", "order"]


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(ReadOnlyModelAdmin):
    list_display = [
        "code",
        "name_th",
        "parent",
        "handling_office_kind",
        "acknowledge_days",
        "resolve_days",
        "hq_escalation_days",
        "is_active",
    ]
    list_filter = ["parent", "is_active", "handling_office_kind"]
    search_fields = ["code", "name_th", "name_en"]
    inlines = [CategoryAttributeInline]


class ComplaintEventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = ["at", "kind", "actor", "actor_label", "is_public", "status_after"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyModelAdmin):
    list_display = [
        "reference",
        "category",
        "office",
        "status",
        "outcome",
        "channel",
        "escalation",
        "received_at",
    ]
    list_filter = ["status", "channel", "escalation", "is_overdue"]
    search_fields = ["reference"]
    list_select_related = ["category", "office"]
    exclude = [
        "tracking_token",
        "fingerprint",
        "contact_name",
        "contact_phone",
        "contact_email",
        "line_user_id",
        "complainant",
        "description",
        "attribute_answers",
        "rating_comment",
    ]
    inlines = [ComplaintEventInline]


@admin.register(Open311Key)
class Open311KeyAdmin(ReadOnlyModelAdmin):
    list_display = ["key_prefix", "name", "partner", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    list_select_related = ["partner"]
    exclude = ["key_hash"]
