"""The messages the complaints app sends (templates in
templates/notifications/<key>/): to the complainant when the complaint is
received and at each public answer or change of state, and to staff when a
complaint escalates."""

from django.utils.translation import gettext_lazy as _

from saduak.notifications.templates import register_template

COMPLAINT_RECEIVED = register_template(
    "complaint.received",
    description=_("A complaint is received: its reference and tracking link"),
    required_context=("reference", "category", "url"),
)
COMPLAINT_UPDATED = register_template(
    "complaint.updated",
    # "message": the public answer or the reason given (may be empty).
    description=_("A complaint was answered or changed state"),
    required_context=("reference", "status", "url"),
)
COMPLAINT_ESCALATED = register_template(
    "complaint.escalated",
    description=_("A complaint is overdue and escalated (to staff)"),
    required_context=("reference", "category", "office", "level", "url"),
)
