"""Damrongdham complaints (docs/complaints.md): the HQ-managed category tree
with its targets and Open311 attributes, the complaint and its timeline, its
documents, the partner agencies' Open311 keys, and the report rollups."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saduak.areas.choices import OfficeKind
from saduak.complaints.choices import (
    OPEN_STATUS_VALUES,
    AttributeDatatype,
    Channel,
    ComplaintStatus,
    DurationMeasure,
    Escalation,
    EventKind,
    Outcome,
)
from saduak.core.models import BilingualNameMixin, TimeStampedModel, in_current_language
from saduak.core.uploads.models import EncryptedFile

DESCRIPTION_MAX_LENGTH = 4000


class ComplaintCategory(BilingualNameMixin, TimeStampedModel):
    """A node of the category tree HQ manages. A complaint is filed under a leaf;
    its parent is the Open311 `group`. The targets are working days."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    name_th = models.CharField(_("Thai name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    description_th = models.TextField(_("description (Thai)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True, help_text=_("Comma-separated")
    )
    # The kind of office of the district that handles it; the Damrongdham
    # center unless the category names another (a registry office, say).
    handling_office_kind = models.CharField(
        _("handled by"),
        max_length=32,
        choices=OfficeKind.choices,
        default=OfficeKind.DAMRONGDHAM_CENTER,
    )
    acknowledge_days = models.PositiveSmallIntegerField(
        _("working days to acknowledge"), default=1
    )
    resolve_days = models.PositiveSmallIntegerField(
        _("working days to resolve"), default=15
    )
    # Past the resolve target by this many more working days, HQ is told.
    hq_escalation_days = models.PositiveSmallIntegerField(
        _("further working days before HQ is told"), default=15
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"

    @property
    def description(self) -> str:
        return in_current_language(self.description_th, self.description_en)


class CategoryAttribute(models.Model):
    """A question a category asks besides the description (Open311's service
    definition attribute). `values` holds the choices of a list:
    [{"key": ..., "name_th": ..., "name_en": ...}]."""

    category = models.ForeignKey(
        ComplaintCategory, on_delete=models.CASCADE, related_name="attributes"
    )
    code = models.SlugField(_("code"), max_length=40)
    datatype = models.CharField(
        _("type"), max_length=16, choices=AttributeDatatype.choices
    )
    required = models.BooleanField(_("required"), default=False)
    description_th = models.CharField(_("question (Thai)"), max_length=300)
    description_en = models.CharField(
        _("question (English)"), max_length=300, blank=True
    )
    datatype_description_th = models.CharField(
        _("hint (Thai)"), max_length=300, blank=True
    )
    datatype_description_en = models.CharField(
        _("hint (English)"), max_length=300, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    values = models.JSONField(_("choices"), default=list, blank=True)

    class Meta:
        verbose_name = _("category question")
        verbose_name_plural = _("category questions")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"], name="complaint_attribute_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def description(self) -> str:
        return in_current_language(self.description_th, self.description_en)


class Open311Key(TimeStampedModel):
    """An API key a partner agency files complaints with over Open311 (the
    `api_key` parameter). Only the SHA-256 is stored; the key is shown once."""

    partner = models.ForeignKey(
        "identity.Partner", on_delete=models.PROTECT, related_name="open311_keys"
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(max_length=12)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 key")
        verbose_name_plural = _("Open311 keys")

    def __str__(self) -> str:
        return f"{self.key_prefix}… {self.name}"


class Complaint(TimeStampedModel):
    """One complaint or petition. `office` is the office that holds it now (a
    district's Damrongdham center, or the provincial office after a take-over);
    `district`/`province` say where it happened; `holder_district_code` and
    `holder_province_code` are the holder's, for reach filters without a join."""

    reference = models.CharField(_("reference"), max_length=16, unique=True)
    # The Open311 token and the API's public key; never the sequential id.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The secret of the tracking link given to whoever filed it.
    tracking_token = models.CharField(max_length=64, unique=True)
    category = models.ForeignKey(
        ComplaintCategory, on_delete=models.PROTECT, related_name="complaints"
    )
    description = models.TextField(_("what happened"))
    attribute_answers = models.JSONField(_("answers"), default=dict, blank=True)
    happened_on = models.DateField(_("when it happened"), null=True, blank=True)
    # Where: the subdistrict, a point, an address; at least one of them, and
    # always the district it resolves to.
    province = models.ForeignKey(
        "areas.Province", on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "areas.District", on_delete=models.PROTECT, related_name="+"
    )
    subdistrict = models.ForeignKey(
        "areas.Subdistrict",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    address = models.CharField(_("address or place"), max_length=300, blank=True)
    # Who: a digital ID, or only a way to reach them.
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    line_user_id = models.CharField(max_length=64, blank=True)
    show_name = models.BooleanField(
        _("my name may be shown to the agency complained about"), default=False
    )
    language = models.CharField(max_length=5, default="th")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
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
    open311_key = models.ForeignKey(
        Open311Key, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A hash of who filed it and what they wrote: a double tap within a minute
    # finds the first one instead of filing twice.
    fingerprint = models.CharField(max_length=64, db_index=True)
    # Who holds it.
    office = models.ForeignKey(
        "areas.Office", on_delete=models.PROTECT, related_name="complaints"
    )
    holder_district_code = models.CharField(max_length=4, blank=True)
    holder_province_code = models.CharField(max_length=2, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("officer in charge"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
    )
    outcome = models.CharField(
        _("outcome"), max_length=24, choices=Outcome.choices, blank=True, default=""
    )
    forwarded_to = models.CharField(_("forwarded to"), max_length=200, blank=True)
    escalation = models.PositiveSmallIntegerField(
        _("escalation"), choices=Escalation.choices, default=Escalation.NONE
    )
    is_overdue = models.BooleanField(_("overdue"), default=False)
    # The clock, in local dates computed in working days of the holder.
    received_at = models.DateTimeField(_("received"))
    acknowledge_due = models.DateField(_("acknowledge by"))
    resolve_due = models.DateField(_("resolve by"))
    hq_escalation_due = models.DateField()
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("comment on the handling"), blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
    )

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["office", "status"], name="complaint_office_status"),
            models.Index(
                fields=["holder_province_code", "status"],
                name="complaint_province_status",
            ),
            models.Index(fields=["status", "resolve_due"], name="complaint_due"),
            models.Index(fields=["received_at"], name="complaint_received"),
            models.Index(
                fields=["category", "received_at"], name="complaint_category_received"
            ),
            models.Index(
                fields=["subdistrict", "category", "received_at"],
                name="complaint_duplicates",
            ),
            models.Index(fields=["updated_at"], name="complaint_updated"),
            # The Open311 list filtered to open requests (status=open, with or
            # without service_code): newest first from the open ones only,
            # instead of reading every open complaint of the period and
            # sorting them (docs/bench-complaints.md).
            models.Index(
                fields=["category", "received_at"],
                condition=models.Q(status__in=OPEN_STATUS_VALUES),
                name="complaint_open_category_recv",
            ),
            models.Index(
                fields=["received_at"],
                condition=models.Q(status__in=OPEN_STATUS_VALUES),
                name="complaint_open_received",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        from saduak.complaints.choices import OPEN_STATUSES

        return self.status in OPEN_STATUSES


class ComplaintEvent(models.Model):
    """One line of a complaint's timeline. The complainant sees the public
    lines; internal notes and routing details are `is_public=False`."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("when"))
    kind = models.CharField(_("what"), max_length=16, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who acted when it was not a person with an account: "system", a
    # partner's key prefix, "complainant".
    actor_label = models.CharField(max_length=100, blank=True)
    is_public = models.BooleanField(default=True)
    text = models.TextField(blank=True)
    from_office = models.ForeignKey(
        "areas.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_office = models.ForeignKey(
        "areas.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status_after = models.CharField(
        max_length=16, choices=ComplaintStatus.choices, blank=True
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["complaint", "at"], name="complaint_event_at")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"


class ComplaintAttachment(EncryptedFile):
    """A photo or document filed with a complaint or an answer, stored
    encrypted under a random name with its own data key (`core/uploads/`, as
    e-services' documents are)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="attachments"
    )
    event = models.ForeignKey(
        ComplaintEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
    )
    # Shown to the complainant (their own, and the office's answers).
    is_public = models.BooleanField(default=True)

    class Meta(EncryptedFile.Meta):
        verbose_name = _("complaint document")
        verbose_name_plural = _("complaint documents")


class _UnitRollup(models.Model):
    """The unit columns every complaint rollup carries (docs/layout.md 8.4): the
    holding office with its district and province, for `Unit.where` and
    `Reach.q()`."""

    office = models.ForeignKey(
        "areas.Office", on_delete=models.CASCADE, related_name="+"
    )
    district = models.ForeignKey(
        "areas.District", on_delete=models.PROTECT, null=True, related_name="+"
    )
    province = models.ForeignKey(
        "areas.Province", on_delete=models.PROTECT, null=True, related_name="+"
    )
    category = models.ForeignKey(
        ComplaintCategory, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.office_id} {self.category_id} {self.channel}"


class ComplaintReportCounts(_UnitRollup):
    """The complaints received on one day (local date), or in the whole month
    starting on `day` when `whole_month`, at one holding office, in one
    category, by one channel: how many, and how many of them have been
    acknowledged, resolved, closed, in time or not. Moved in the transaction
    of every change of a complaint (`report_rollups`); repaired by the
    nightly recount. Signed counters: drift shows as a negative number."""

    day = models.DateField()
    whole_month = models.BooleanField(default=False)
    received = models.IntegerField(default=0)
    acknowledged = models.IntegerField(default=0)
    acknowledged_in_time = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    resolved_in_time = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "category", "channel", "day", "whole_month"],
                name="complaint_report_counts_unique",
            )
        ]
        indexes = [
            models.Index(fields=["day", "province"], name="complaint_counts_province"),
            models.Index(fields=["day", "district"], name="complaint_counts_district"),
            # One unit's rows over months (the dashboard's 12-month trend, its
            # period): the unit first, then the grain, then the day.
            models.Index(
                fields=["district", "whole_month", "day"],
                name="complaint_counts_district_m",
            ),
            models.Index(
                fields=["province", "whole_month", "day"],
                name="complaint_counts_province_m",
            ),
        ]


class ComplaintDurations(_UnitRollup):
    """A histogram of working days to acknowledge or to resolve, for medians
    (`core.rollups.histogram_medians`), at the grain of ComplaintReportCounts."""

    day = models.DateField()
    whole_month = models.BooleanField(default=False)
    measure = models.CharField(max_length=12, choices=DurationMeasure.choices)
    working_days = models.PositiveSmallIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "office",
                    "category",
                    "channel",
                    "day",
                    "whole_month",
                    "measure",
                    "working_days",
                ],
                name="complaint_durations_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["day", "province"], name="complaint_durations_province"
            ),
            models.Index(
                fields=["day", "district"], name="complaint_durations_district"
            ),
            models.Index(
                fields=["district", "whole_month", "day"],
                name="complaint_durations_dist_m",
            ),
            models.Index(
                fields=["province", "whole_month", "day"],
                name="complaint_durations_prov_m",
            ),
        ]


class ComplaintOpenCounts(_UnitRollup):
    """The complaints open now at one holding office, by the subdistrict where
    they happened, category and channel, and how many of them are overdue:
    the map and the open/overdue tiles. Moved with every change of a
    complaint and by the escalation job when it marks one overdue."""

    # The subdistrict's code, "" when the complaint names none (a key column
    # must not be null for the unique constraint to hold on both databases).
    subdistrict_code = models.CharField(max_length=6, blank=True)
    open = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "subdistrict_code", "category", "channel"],
                name="complaint_open_counts_unique",
            )
        ]
        indexes = [
            models.Index(fields=["province"], name="complaint_open_province"),
            models.Index(fields=["district"], name="complaint_open_district"),
        ]
