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
