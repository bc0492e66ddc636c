"""E-services: a service and its immutable published versions (form, workflow,
citizen's manual), the applications made under a version with their timeline
and documents, committee meetings, and payments to approved applicants."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saduak.core.models import BilingualNameMixin, TimeStampedModel, in_current_language
from saduak.core.uploads.models import EncryptedFile
from saduak.eservices.choices import (
    ApplicationStatus,
    BatchStatus,
    Channel,
    CommitteeDecisionKind,
    EventKind,
    IdentityCheckMethod,
    MeetingStatus,
    Outcome,
    PaymentStatus,
    VersionStatus,
)


class Service(BilingualNameMixin, TimeStampedModel):
    """A service a bureau offers online. What citizens fill in and how officers
    work it live in its versions; the service itself holds only what may change
    at any time: names, owner, the offices that take applications."""

    code = models.SlugField(_("service code"), max_length=40, unique=True)
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    summary_th = models.CharField(_("Thai summary"), max_length=400, blank=True)
    summary_en = models.CharField(_("English summary"), max_length=400, blank=True)
    bureau_th = models.CharField(_("owning bureau (Thai)"), max_length=200)
    bureau_en = models.CharField(
        _("owning bureau (English)"), max_length=200, blank=True
    )
    offices = models.ManyToManyField(
        "areas.Office",
        blank=True,
        related_name="eservices",
        verbose_name=_("responsible offices"),
        help_text=_("Empty: every district office takes applications."),
    )
    is_builtin = models.BooleanField(_("built in"), default=False)
    is_active = models.BooleanField(_("open for applications"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("e-service")
        verbose_name_plural = _("e-services")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def summary(self) -> str:
        return in_current_language(self.summary_th, self.summary_en)

    @property
    def bureau(self) -> str:
        return in_current_language(self.bureau_th, self.bureau_en)


class ServiceVersion(TimeStampedModel):
    """One version of a service's manual, form and workflow. A draft may be
    edited; publishing freezes it (services refuse to change it and a new
    draft copies it), and applications keep the version they were made under."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=VersionStatus.choices,
        default=VersionStatus.DRAFT,
    )
    manual = models.JSONField(_("citizen's manual"), default=dict, blank=True)
    form = models.JSONField(_("form"), default=dict, blank=True)
    workflow = models.JSONField(_("workflow"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("e-service version")
        verbose_name_plural = _("e-service versions")
        ordering = ["service", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "number"], name="eservice_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(status=VersionStatus.DRAFT),
                name="eservice_one_draft_per_service",
            ),
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(status=VersionStatus.PUBLISHED),
                name="eservice_one_published_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.code} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status != VersionStatus.DRAFT


class Application(TimeStampedModel):
    """A citizen's application under one published version. `stage` is a stage
    code of that version's workflow; `status` says whether it is a draft, moving,
    waiting for the applicant, or closed with an `outcome`."""

    reference = models.CharField(_("reference"), max_length=16, unique=True)
    version = models.ForeignKey(
        ServiceVersion, on_delete=models.PROTECT, related_name="applications"
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    office = models.ForeignKey(
        "areas.Office", on_delete=models.PROTECT, related_name="applications"
    )
    # Copied from the office, for reach filters without a join.
    district_code = models.CharField(max_length=4, blank=True)
    province_code = models.CharField(max_length=2, blank=True)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.ONLINE
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by officer"),
    )
    referral_agency = models.CharField(
        _("referring agency"), max_length=200, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default="", blank=True
    )
    stage = models.CharField(_("stage"), max_length=40, blank=True)
    stage_entered_at = models.DateTimeField(null=True, blank=True)
    stage_due_on = models.DateField(_("due"), null=True, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # What an officer asked for when returning it; cleared when answered.
    request_to_applicant = models.TextField(blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_amount = models.DecimalField(
        _("approved amount (THB)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # Set with the decision (approve or reject): every stage it went through
    # until then was left by its due date (StageVisit.within_target), the
    # e-service's "within target". What ApplicationDecisionCounts counts.
    decided_within_target = models.BooleanField(
        _("decided within target"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            # The officer queue: one office's open cases at one stage, by due date.
            models.Index(
                fields=["office", "stage", "stage_due_on", "id"],
                condition=Q(status__in=["in_progress", "returned"]),
                name="eservice_app_queue",
            ),
            models.Index(fields=["applicant", "-created_at"], name="eservice_app_mine"),
            models.Index(
                fields=["service", "submitted_at"], name="eservice_app_report"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in (
            ApplicationStatus.IN_PROGRESS,
            ApplicationStatus.RETURNED,
        )


class ApplicationEvent(models.Model):
    """The timeline: every step, action, note and document. Internal notes and
    staff-only details have `for_applicant` False and never reach the citizen."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events"
    )
    occurred_at = models.DateTimeField(_("when"))
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    action = models.CharField(max_length=16, blank=True)
    from_stage = models.CharField(max_length=40, blank=True)
    to_stage = models.CharField(max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.TextField(_("message"), blank=True)
    for_applicant = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["application", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind} {self.occurred_at:%Y-%m-%d}"


class StageVisit(models.Model):
    """One stay of an application in one stage: the fact table for stage times
    and the share handled within the stage's target."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="stage_visits"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(
        "areas.Office", on_delete=models.CASCADE, related_name="+"
    )
    stage = models.CharField(max_length=40)
    entered_at = models.DateTimeField()
    due_on = models.DateField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    working_days = models.PositiveIntegerField(null=True, blank=True)
    within_target = models.BooleanField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["office", "entered_at"], name="eservice_visit_office"),
            models.Index(
                fields=["service", "entered_at"], name="eservice_visit_service"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} @ {self.stage}"


class Attachment(EncryptedFile):
    """An uploaded document of an application (core/uploads: stored encrypted
    under a random name with its own data key, wrapped by a master key).
    Nothing about it is publicly addressable: staff download through a view
    that checks reach and writes an audit event."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    field_key = models.CharField(_("form field"), max_length=60)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta(EncryptedFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class FactCheck(models.Model):
    """The officer's record of the fact check: how the identity was checked and
    what the home visit found."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="fact_check"
    )
    identity_method = models.CharField(
        _("identity checked by"), max_length=16, choices=IdentityCheckMethod.choices
    )
    identity_confirmed = models.BooleanField(_("identity confirmed"))
    visited_on = models.DateField(_("home visit on"))
    household_size = models.PositiveSmallIntegerField(_("people in the household"))
    monthly_income = models.DecimalField(
        _("household income a month (THB)"), max_digits=12, decimal_places=2
    )
    findings = models.TextField(_("what the visit found"))
    recommendation = models.TextField(_("recommendation"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.application_id}: {self.visited_on}"


class CommitteeMeeting(TimeStampedModel):
    """A meeting of the "One Home" committee that decides a batch of cases."""

    # The key in addresses and the API: never the sequential id, which would
    # tell how many there are and let one guess another's.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(
        "areas.Office", on_delete=models.PROTECT, related_name="committee_meetings"
    )
    title = models.CharField(_("title"), max_length=200)
    meets_on = models.DateField(_("meeting date"))
    members = models.TextField(_("members present"), blank=True)
    status = models.CharField(
        max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")
        ordering = ["-meets_on", "-id"]

    def __str__(self) -> str:
        return self.title


class CommitteeDecision(models.Model):
    meeting = models.ForeignKey(
        CommitteeMeeting, on_delete=models.CASCADE, related_name="decisions"
    )
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="committee_decision"
    )
    decision = models.CharField(
        max_length=16, choices=CommitteeDecisionKind.choices, blank=True
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.decision or '-'}"


class PaymentBatch(TimeStampedModel):
    reference = models.CharField(_("batch reference"), max_length=20, unique=True)
    status = models.CharField(
        max_length=16, choices=BatchStatus.choices, default=BatchStatus.OPEN
    )
    pay_on = models.DateField(_("transfer date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    exported_at = models.DateTimeField(null=True, blank=True)
    reconciled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference


class Payment(models.Model):
    """One transfer to one approved applicant. At most one payment per
    application is pending or paid at any time (a database constraint), so
    nobody is paid twice; a failed one may be batched again."""

    # The key in addresses and the API: never the sequential id, which would
    # tell how many there are and let one guess another's.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    batch = models.ForeignKey(
        PaymentBatch, on_delete=models.PROTECT, related_name="payments"
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    bank_code = models.CharField(max_length=3)
    account_number = models.CharField(max_length=15)
    account_name = models.CharField(max_length=200)
    status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    failure_reason = models.CharField(max_length=300, blank=True)
    bank_reference = models.CharField(max_length=40, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["pending", "paid"]),
                name="eservice_one_live_payment_per_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.amount} {self.status}"

    @property
    def failure_text(self) -> str:
        """Why the bank refused it, in the reader's language: the meaning of
        the bank's result code, then the bank's own words if it gave any."""
        from saduak.eservices.bank_files_ktb import RESULT_CODES

        code, _space, words = self.failure_reason.partition(" ")
        meaning = RESULT_CODES.get(code)
        if meaning is None:
            return self.failure_reason
        return f"{meaning} ({words})" if words else str(meaning)


class ApplicationReportCounts(models.Model):
    """The report's counts of the applications submitted at one office for one
    service on one day (local date), or in the whole calendar month starting
    on `day` when `whole_month`, that are now at one stage. A period reads the
    month rows of its whole months and the day rows of the days at either end
    (`core.rollups.period_q`), so a year costs twelve rows per office, service
    and stage however many applications it had. Moved in the same transaction
    as every change of an application (`report_rollups`), so the report is
    exact right after a write; `eservices_report_recount` rebuilds it from the
    applications and says how many rows were wrong."""

    office = models.ForeignKey(
        "areas.Office", on_delete=models.CASCADE, related_name="+"
    )
    # The application's district and province (as filed), for reach and unit
    # filters without a join.
    district = models.ForeignKey(
        "areas.District", on_delete=models.PROTECT, null=True, related_name="+"
    )
    province = models.ForeignKey(
        "areas.Province", on_delete=models.PROTECT, null=True, related_name="+"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    whole_month = models.BooleanField(default=False)
    stage = models.CharField(max_length=40, blank=True)
    # Signed: a negative count is drift made visible, repaired by the recount.
    received = models.IntegerField(default=0)
    in_progress = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    approved = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    paid = models.IntegerField(default=0)
    decided = models.IntegerField(default=0)
    amount_approved = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    amount_paid = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "service", "day", "whole_month", "stage"],
                name="eservice_report_counts_unique",
            )
        ]
        indexes = [
            models.Index(fields=["day", "province"], name="eservice_counts_province"),
            models.Index(fields=["day", "district"], name="eservice_counts_district"),
        ]

    def __str__(self) -> str:
        span = "month" if self.whole_month else "day"
        return f"{self.office_id} {self.service_id} {span} {self.day} {self.stage}"


class ApplicationDecisionMinutes(models.Model):
    """How many of the applications submitted at one office for one service on
    one day (or in one month, `whole_month`), now at one stage, were decided
    after `minutes` minutes (to the nearest minute): the
    report's median days to decision, for any group, without reading the
    applications (exact to half a minute). Moved and recounted with
    ApplicationReportCounts."""

    office = models.ForeignKey(
        "areas.Office", on_delete=models.CASCADE, related_name="+"
    )
    district = models.ForeignKey(
        "areas.District", on_delete=models.PROTECT, null=True, related_name="+"
    )
    province = models.ForeignKey(
        "areas.Province", on_delete=models.PROTECT, null=True, related_name="+"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    whole_month = models.BooleanField(default=False)
    stage = models.CharField(max_length=40, blank=True)
    minutes = models.IntegerField()
    decided = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "service", "day", "whole_month", "stage", "minutes"],
                name="eservice_decision_minutes_unique",
            )
        ]
        indexes = [
            models.Index(fields=["day", "province"], name="eservice_minutes_province"),
            models.Index(fields=["day", "district"], name="eservice_minutes_district"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.service_id} {self.day} {self.minutes}"


class ApplicationDecisionCounts(models.Model):
    """The applications decided (approved or rejected) at one office for one
    service on one day (the local date of the decision), or in the whole
    calendar month starting on `day` when `whole_month`, and of them those
    decided within target (`Application.decided_within_target`). Unlike
    ApplicationReportCounts, keyed by the day of the decision: "decided in the
    period", the KPI source `eservices.decided_within_target`. Moved and
    recounted with the other report rollups (`report_rollups`)."""

    office = models.ForeignKey(
        "areas.Office", on_delete=models.CASCADE, related_name="+"
    )
    district = models.ForeignKey(
        "areas.District", on_delete=models.PROTECT, null=True, related_name="+"
    )
    province = models.ForeignKey(
        "areas.Province", on_delete=models.PROTECT, null=True, related_name="+"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    whole_month = models.BooleanField(default=False)
    # Signed: a negative count is drift made visible, repaired by the recount.
    decided = models.IntegerField(default=0)
    decided_within_target = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "service", "day", "whole_month"],
                name="eservice_decision_counts_unique",
            )
        ]
        indexes = [
            models.Index(fields=["day", "province"], name="eservice_decided_province"),
            models.Index(fields=["day", "district"], name="eservice_decided_district"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.service_id} {self.day} decided"
