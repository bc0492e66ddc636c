"""Votes and alerts in the admin, read-only: votes change only by casting and by
moderation on the staff pages (which lock, move the rollups and audit), alerts
only by the nightly task and by acknowledging them there."""

from django.contrib import admin

from saduak.core.admin_helpers import ReadOnlyModelAdmin
from saduak.feedback.models import HappinessAlert, Vote


@admin.register(Vote)
class VoteAdmin(ReadOnlyModelAdmin):
    list_display = [
        "office",
        "day",
        "score",
        "status",
        "hold_reason",
        "comment_state",
        "channel",
        "verified",
        "updated_at",
    ]
    list_filter = ["status", "comment_state", "hold_reason", "channel", "verified"]
    search_fields = ["office__code"]
    list_select_related = ["office"]
    # The table grows with every vote: no COUNT(*) of all of it on each page.
    show_full_result_count = False
    # The hashes say nothing to people; the raw comment is shown masked.
    exclude = ["voter_key", "source_key", "comment"]


@admin.register(HappinessAlert)
class HappinessAlertAdmin(ReadOnlyModelAdmin):
    list_display = [
        "district",
        "raised_on",
        "recent_mean",
        "recent_votes",
        "baseline_mean",
        "baseline_votes",
        "acknowledged_at",
    ]
    list_filter = ["raised_on"]
    search_fields = ["district__code", "district__name_th", "district__name_en"]
    list_select_related = ["district"]
