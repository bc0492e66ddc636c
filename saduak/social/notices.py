"""The messages case management sends its case workers (templates in
saduak/social/templates/notifications/<key>/, Thai and English through
gettext): a follow-up due soon, due today, overdue (services/reminders.py)."""

from django.utils.translation import gettext_lazy as _

from saduak.notifications.templates import register_template

# Context: "case" (the case reference), "url"; and "due_on", a date (shown in
# the reader's calendar), always given but not required, like performance's.
FOLLOW_UP_DUE_SOON = register_template(
    "social.follow_up_due_soon",
    description=_("Reminder: a case follow-up is due in a few days"),
    required_context=("case", "url"),
)
FOLLOW_UP_DUE = register_template(
    "social.follow_up_due",
    description=_("Reminder: a case follow-up is due today"),
    required_context=("case", "url"),
)
FOLLOW_UP_OVERDUE = register_template(
    "social.follow_up_overdue",
    description=_("Reminder: a case follow-up is overdue"),
    required_context=("case", "url"),
)
