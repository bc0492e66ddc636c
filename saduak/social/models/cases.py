"""Case management of a selected household: assessments, the family
development plan, referrals, follow-ups and closure."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saduak.core.models import BilingualNameMixin
from saduak.social.choices import (
    Capability,
    CaseOutcome,
    CaseStatus,
    Domain,
    FollowUpFrequency,
    PlanStepStatus,
    ReferralStatus,
)
from saduak.social.models.targeting import TargetHousehold


class Agency(BilingualNameMixin, models.Model):
    """An agency a plan step names or a case is referred to: the list comes
    from `social/data/agencies.json` (load_social_agencies); a referral to an
    agency not on it is refused."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """One household in case management, held by a case worker of its
    district. A household has at most one open case."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("case reference"), max_length=20, unique=True)
    household = models.ForeignKey(
        TargetHousehold, on_delete=models.PROTECT, related_name="cases"
    )
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("case worker"),
    )
    office = models.ForeignKey(
        "areas.Office", on_delete=models.PROTECT, related_name="+"
    )
    district_code = models.CharField(max_length=4)
    province_code = models.CharField(max_length=2)
    status = models.CharField(
        _("status"), max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    follow_up_frequency = models.CharField(
        _("follow-up"),
        max_length=10,
        choices=FollowUpFrequency.choices,
        default=FollowUpFrequency.MONTHLY,
    )
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=24, choices=CaseOutcome.choices, blank=True
    )
    closure_note = models.TextField(_("closure note"), blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["district_code", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="open"),
                name="social_one_open_case_per_household",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class Assessment(models.Model):
    """The household assessed in each domain, with its capability level."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"))
    capability = models.CharField(
        _("capability level"), max_length=1, choices=Capability.choices
    )
    # {domain: what the household needs in it}, for the domains assessed.
    needs = models.JSONField(_("needs per domain"), default=dict)
    note = models.TextField(_("note"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.assessed_on} {self.capability}"


class PlanStep(models.Model):
    """One step of the family development plan: a goal in a domain, the
    service, the agency responsible and the dates. A step may open an
    e-service application for the household (`application_reference`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_steps")
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    goal = models.CharField(_("goal"), max_length=500)
    service = models.CharField(_("service"), max_length=500)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    starts_on = models.DateField(_("starts on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PlanStepStatus.choices,
        default=PlanStepStatus.PLANNED,
    )
    application_reference = models.CharField(
        _("e-service application"), max_length=20, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return self.goal


class Referral(models.Model):
    """A case referred to another agency, and the agency's answer."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    reason = models.TextField(_("reason"))
    sent_on = models.DateField(_("sent on"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ReferralStatus.choices,
        default=ReferralStatus.SENT,
    )
    answer = models.TextField(_("agency's answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.agency_id}"


class FollowUp(models.Model):
    """A follow-up due on a day (from the case's frequency), and what the case
    worker found when it was done."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("what was found"), blank=True)
    capability = models.CharField(
        _("capability level"), max_length=1, choices=Capability.choices, blank=True
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The reminders already sent for it, by kind ("before", "due", "overdue-N"),
    # so that the daily job sends each once.
    reminders_sent = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["done_on", "due_on"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.due_on}"
