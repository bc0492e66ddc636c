"""The choices of Social Match (docs/social.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    """The five sources a target group is screened from (DOMAIN 3.8)."""

    WELFARE_CARD = "welfare_card", _("State welfare card register")
    SOCIAL_MAP = "social_map", _("Social map")
    BASIC_NEEDS = "basic_needs", _("Basic minimum needs survey (BMN)")
    FAMILY = "family", _("Family data")
    CASE_SYSTEM = "case_system", _("Social-service case system")


# Each source's bit in a `sources` mask (PersonMatch, TargetHousehold): a set of
# sources summed in SQL with SUM(DISTINCT bit), read back with `sources_of`.
SOURCE_BITS: dict[str, int] = {
    kind.value: 1 << index for index, kind in enumerate(SourceKind)
}


def sources_of(mask: int) -> list[SourceKind]:
    """The sources whose bits are set in `mask`, in the order of SourceKind."""
    return [SourceKind(kind) for kind, bit in SOURCE_BITS.items() if mask & bit]


class FileLayout(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel workbook (XLSX)")
    FIXED = "fixed", _("Fixed-width text")


class ImportStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ROLLED_BACK = "rolled_back", _("Rolled back")
    PURGED = "purged", _("Deleted after its retention period")


class Housing(models.TextChoices):
    NONE = "none", _("No home of their own")
    DILAPIDATED = "dilapidated", _("Dilapidated home")
    ADEQUATE = "adequate", _("Adequate home")


class Domain(models.TextChoices):
    """The seven domains a household is served in (DOMAIN 3.8)."""

    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    HOUSING = "housing", _("Housing")
    WORK_INCOME = "work_income", _("Work and income")
    JUSTICE = "justice", _("Justice")
    SOCIAL_SERVICES = "social_services", _("Social services")
    RECREATION = "recreation", _("Recreation")


class HouseholdStatus(models.TextChoices):
    """Where a screened household stands. Served is not a status: a confirmed
    or selected household is served once a service is recorded for it
    (`TargetHousehold.served_at`)."""

    FOUND = "found", _("Found by screening")
    CONFIRMED = "confirmed", _("Confirmed by the community forum")
    REMOVED = "removed", _("Removed after the community forum")
    SELECTED = "selected", _("Selected for case management")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Capability(models.TextChoices):
    """A household's capability level at an assessment: A can rely on itself,
    B needs some support, C needs intensive support."""

    A = "A", _("A: can rely on itself")
    B = "B", _("B: needs some support")
    C = "C", _("C: needs intensive support")


class FollowUpFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


FOLLOW_UP_MONTHS = {
    FollowUpFrequency.MONTHLY: 1,
    FollowUpFrequency.QUARTERLY: 3,
    FollowUpFrequency.YEARLY: 12,
}


class PlanStepStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")


class CaseOutcome(models.TextChoices):
    RETURNED_TO_FAMILY = "returned_to_family", _("Returned to family")
    RETURNED_TO_COMMUNITY = "returned_to_community", _("Returned to the community")
    SELF_RELIANT = "self_reliant", _("Can rely on itself")
    TRANSFERRED = "transferred", _("Transferred to another agency")
    MOVED_AWAY = "moved_away", _("Moved out of the area")
    DIED = "died", _("Died")
    OTHER = "other", _("Other")
