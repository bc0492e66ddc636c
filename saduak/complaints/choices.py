"""The complaint's states, outcomes, channels and timeline kinds
(docs/complaints.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("complaint status", "Received")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    FORWARDED = "forwarded", _("Forwarded to another agency")
    RESOLVED = "resolved", pgettext_lazy("complaint status", "Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


# Work still to do: the resolve clock runs, escalation applies.
OPEN_STATUSES = frozenset(
    {
        ComplaintStatus.RECEIVED,
        ComplaintStatus.ACCEPTED,
        ComplaintStatus.IN_PROGRESS,
        ComplaintStatus.FORWARDED,
        ComplaintStatus.REOPENED,
    }
)
# The same, in the order of the states: what a query's IN list and the partial
# indexes on open complaints name (models.py), so that the planner sees one.
OPEN_STATUS_VALUES = tuple(
    status.value for status in ComplaintStatus if status in OPEN_STATUSES
)
# Not yet acknowledged by the office that holds it.
UNACKNOWLEDGED_STATUSES = frozenset({ComplaintStatus.RECEIVED})


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    NOT_WITHIN_AUTHORITY = "not_within_authority", _("Not within our authority")
    DUPLICATE = "duplicate", _("Duplicate of another complaint")
    NO_ACTION_POSSIBLE = "no_action_possible", _("No action possible")
    WITHDRAWN = "withdrawn", _("Withdrawn by the complainant")


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    LINE = "line", _("LINE")
    HOTLINE = "hotline", _("1567 hotline")
    LETTER = "letter", _("Letter")
    WALK_IN = "walk_in", pgettext_lazy("complaint channel", "Walk-in")
    REFERRAL = "referral", _("Referred by another agency")
    OPEN311 = "open311", _("Partner system (Open311)")


# The channels an officer records a complaint from.
RECORDED_CHANNELS = frozenset(
    {Channel.HOTLINE, Channel.LETTER, Channel.WALK_IN, Channel.REFERRAL}
)


class Escalation(models.IntegerChoices):
    NONE = 0, _("Not escalated")
    PROVINCE = 1, _("Escalated to the province")
    HQ = 2, _("Escalated to HQ")


class EventKind(models.TextChoices):
    FILED = "filed", _("Complaint filed")
    RECORDED = "recorded", _("Recorded by an officer")
    ACCEPTED = "accepted", _("Accepted")
    STARTED = "started", _("Work started")
    TRANSFERRED = "transferred", _("Transferred to another district")
    TAKEN_OVER = "taken_over", _("Taken over by the province")
    FORWARDED = "forwarded", _("Forwarded to another agency")
    AGENCY_ANSWER = "agency_answer", _("Answer from the other agency")
    ANSWER = "answer", _("Answer")
    NOTE = "note", _("Internal note")
    RESOLVED = "resolved", pgettext_lazy("complaint status", "Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    RATED = "rated", _("Rated")
    ESCALATED = "escalated", _("Escalated")
    MERGED = "merged", _("Merged into another complaint")
    ABSORBED = "absorbed", _("Another complaint merged into this one")
    ATTACHMENT = "attachment", _("Document added")


class AttributeDatatype(models.TextChoices):
    """Open311 GeoReport v2's attribute datatypes."""

    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLEVALUELIST = "singlevaluelist", _("One choice")
    MULTIVALUELIST = "multivaluelist", _("Several choices")


class DurationMeasure(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Working days to acknowledge")
    RESOLVE = "resolve", _("Working days to resolve")
