"""The fixed lists of performance management (docs/performance.md)."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UnitLevel(models.TextChoices):
    """The unit a framework evaluates (the values are accounts/units.py's)."""

    COUNTRY = "country", _("The department")
    PROVINCE = "province", _("A province")
    DISTRICT = "district", _("A district")


class FrameworkStatus(models.TextChoices):
    # Set up and changed freely; weights need not add up yet.
    DRAFT = "draft", pgettext_lazy("framework", "Draft")
    # Weights add up and targets are ordered; results are reported against it.
    PUBLISHED = "published", pgettext_lazy("framework", "Published")


class KpiKind(models.TextChoices):
    NUMERIC = "numeric", _("Numeric (a value against three targets)")
    MILESTONE = "milestone", _("Milestones (a checklist per level)")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class MeasureUnit(models.TextChoices):
    PERCENT = "percent", _("%")
    COUNT = "count", pgettext_lazy("measure unit", "count")
    POINTS = "points", pgettext_lazy("measure unit", "points")
    DAYS = "days", pgettext_lazy("measure unit", "days")


class ResultOrigin(models.TextChoices):
    """How a KPI's result is obtained."""

    TYPED = "typed", _("Typed in")
    IMPORTED = "imported", _("Imported from a file")
    COMPUTED = "computed", _("Computed from Saduak's data")


class BreakdownLevel(models.TextChoices):
    NONE = "", _("No breakdown")
    PROVINCE = "province", _("By province")
    DISTRICT = "district", _("By district")
    OFFICE = "office", _("By office")
    FACILITY = "facility", _("By facility (named in each row)")


class TargetLevel(models.IntegerChoices):
    """The three targets, and the levels of a milestone KPI's checklist."""

    MINIMUM = 1, _("Minimum")
    STANDARD = 2, _("Standard")
    ADVANCED = 3, _("Advanced")


# The score each target level is worth (../shared/DOMAIN.md 3.9).
LEVEL_SCORES: dict[int, Decimal] = {
    TargetLevel.MINIMUM: Decimal(50),
    TargetLevel.STANDARD: Decimal(75),
    TargetLevel.ADVANCED: Decimal(100),
}


class RoundStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("round", "Open")
    LOCKED = "locked", pgettext_lazy("round", "Locked")


class ImportStatus(models.TextChoices):
    # Read and matched; waiting for a person to confirm the likely matches.
    PENDING = "pending", pgettext_lazy("import", "Waiting for confirmation")
    APPLIED = "applied", pgettext_lazy("import", "Applied")
    DISCARDED = "discarded", pgettext_lazy("import", "Discarded")


class PmqaCategory(models.IntegerChoices):
    LEADERSHIP = 1, _("Leadership")
    STRATEGY = 2, _("Strategic planning")
    CUSTOMERS = 3, _("Customers and stakeholders")
    KNOWLEDGE = 4, _("Measurement, analysis and knowledge management")
    WORKFORCE = 5, _("Workforce")
    OPERATIONS = 6, _("Operations")
    RESULTS = 7, _("Results")


PMQA_MAX_SCORE = 500
# The overall score that passes to the next stage.
PMQA_PASS_SCORE = 400


# Report collection: directives and the GECC round (docs/performance-collection.md)


class RequestKind(models.TextChoices):
    DIRECTIVE = "directive", _("Directive")
    GECC_REGISTRATION = "gecc_registration", _("GECC registration")
    GECC_PROGRESS = "gecc_progress", _("GECC self-assessment progress")


class RequestStatus(models.TextChoices):
    # Written and changed freely; nobody else sees it.
    DRAFT = "draft", pgettext_lazy("request", "Draft")
    # Sent down the map; answers are taken (late ones marked late).
    SENT = "sent", pgettext_lazy("request", "Sent")
    # No more answers are taken.
    CLOSED = "closed", pgettext_lazy("request", "Closed")


class RequestRoute(models.TextChoices):
    # HQ sends to the provinces; each forwards to its districts.
    THROUGH_PROVINCES = "through_provinces", _("To the provinces, which forward it")
    # HQ (or a province) names the offices; their provinces still certify.
    DIRECT = "direct", _("Directly to the offices named")


class LegStatus(models.TextChoices):
    """The request at one province."""

    # Arrived; the province has not forwarded it yet.
    RECEIVED = "received", pgettext_lazy("leg", "Received")
    # The districts have it; the province collects and certifies.
    FORWARDED = "forwarded", _("Forwarded to the districts")
    # The consolidated report went up to HQ.
    SUBMITTED = "submitted", pgettext_lazy("leg", "Submitted to HQ")
    # HQ sent the consolidated report back with a comment.
    RETURNED = "returned", pgettext_lazy("leg", "Returned by HQ")
    # HQ accepted it.
    ACCEPTED = "accepted", _("Accepted by HQ")


class AnswerStatus(models.TextChoices):
    """One addressed office's report. 'Due soon' and 'overdue' are not
    states: they follow from the deadline (selectors)."""

    NEW = "new", pgettext_lazy("answer", "New")
    READ = "read", pgettext_lazy("answer", "Read")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    SUBMITTED = "submitted", pgettext_lazy("answer", "Submitted")
    RETURNED = "returned", pgettext_lazy("answer", "Sent back")
    CERTIFIED = "certified", _("Certified")
    # Left out by the province, with a reason.
    EXCUSED = "excused", _("Excused")


class AnswerStepKind(models.TextChoices):
    """What happened to an answer, in its history."""

    READ = "read", pgettext_lazy("step", "Read")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("step", "Acknowledged")
    SUBMITTED = "submitted", pgettext_lazy("step", "Submitted")
    RETURNED = "returned", pgettext_lazy("step", "Sent back")
    CERTIFIED = "certified", pgettext_lazy("step", "Certified")
    EXCUSED = "excused", pgettext_lazy("step", "Excused")
    REMINDED = "reminded", pgettext_lazy("step", "Reminded")


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Before the deadline")
    AFTER = "after", _("After the deadline")


class LetterKind(models.TextChoices):
    # หนังสือภายนอก: to another organisation (or to every province).
    EXTERNAL = "external", _("External letter (หนังสือภายนอก)")
    # หนังสือภายใน (บันทึกข้อความ): within the department.
    INTERNAL = "internal", _("Internal memo (บันทึกข้อความ)")


class Urgency(models.TextChoices):
    NORMAL = "", _("Normal")
    URGENT = "urgent", _("Urgent (ด่วน)")
    VERY_URGENT = "very_urgent", _("Very urgent (ด่วนมาก)")
    MOST_URGENT = "most_urgent", _("Most urgent (ด่วนที่สุด)")


class Confidentiality(models.TextChoices):
    NORMAL = "", _("Not classified")
    CONFIDENTIAL = "confidential", _("Confidential (ลับ)")
    SECRET = "secret", _("Secret (ลับมาก)")
    TOP_SECRET = "top_secret", _("Top secret (ลับที่สุด)")


class GeccRoundStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("gecc round", "Being prepared")
    OPEN = "open", pgettext_lazy("gecc round", "Open")
    CLOSED = "closed", pgettext_lazy("gecc round", "Closed")


class GeccGroup(models.TextChoices):
    """The parts of the GECC self-assessment (../shared/DOMAIN.md 3.9)."""

    PHYSICAL = "physical", _("Physical checklist")
    BASIC = "basic", _("Basic quality criteria")
    ADVANCED = "advanced", _("Advanced quality criteria")
    OUTCOME = "outcome", _("Outcome criteria")


# How many items each part has in the standard; a round's criteria are
# checked against it when the round opens.
GECC_GROUP_SIZES = {
    GeccGroup.PHYSICAL: 14,
    GeccGroup.BASIC: 30,
    GeccGroup.ADVANCED: 20,
    GeccGroup.OUTCOME: 3,
}


class GeccParticipation(models.TextChoices):
    TARGET = "target", _("Named by HQ")
    VOLUNTEER = "volunteer", _("Volunteered")


class GeccItemStatus(models.TextChoices):
    NOT_ASSESSED = "", _("Not assessed yet")
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_YET = "not_yet", _("Not yet met")
