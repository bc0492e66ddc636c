"""The messages report collection sends (templates in
templates/notifications/<key>/, Thai and English through gettext): a request
arrives at a province or an office, a report is sent back or accepted, a
province's consolidated report reaches the issuer, and the reminders before
and after a deadline (services/reminders.py)."""

from django.utils.translation import gettext_lazy as _

from saduak.notifications.templates import register_template

REQUEST_RECEIVED = register_template(
    "performance.request_received",
    description=_("A report is requested from a province or an office"),
    # "due_on": a date (shown in the reader's calendar), always given.
    required_context=("title", "issuer", "url"),
)
REPORT_UPDATE = register_template(
    "performance.report_update",
    # "comment": why it was sent back (may be empty).
    description=_("A report was sent back, certified or accepted"),
    required_context=("title", "office", "status", "url"),
)
REPORT_SUBMITTED = register_template(
    "performance.report_submitted",
    description=_("A province submitted its consolidated report (to the issuer)"),
    required_context=("title", "office", "url"),
)
REPORT_DUE_SOON = register_template(
    "performance.report_due_soon",
    description=_("Reminder: a report is due in a few days"),
    required_context=("title", "office", "url"),
)
REPORT_OVERDUE = register_template(
    "performance.report_overdue",
    description=_("Reminder: a report is overdue"),
    required_context=("title", "office", "url"),
)
