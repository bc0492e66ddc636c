"""The Mobile Unit: requests for a home visit for people who cannot travel, and
the visits a district schedules to serve them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saduak.appointments.choices import (
    MobileCategory,
    MobileRequestStatus,
    MobileVisitStatus,
)
from saduak.core.personal_id import validate_personal_id


class MobileVisit(models.Model):
    """One trip by a district's officers: a day, a subdistrict, the requests it
    serves."""

    office = models.ForeignKey(
        "areas.Office", on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "areas.District", on_delete=models.PROTECT, related_name="+"
    )
    subdistrict = models.ForeignKey(
        "areas.Subdistrict", on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day of the visit"))
    note = models.CharField(_("note for the team"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MobileVisitStatus.choices,
        default=MobileVisitStatus.PLANNED,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mobile unit visit")
        verbose_name_plural = _("mobile unit visits")
        ordering = ["day"]
        indexes = [models.Index(fields=["district", "day"])]

    def __str__(self) -> str:
        return f"{self.subdistrict_id} {self.day}"


class MobileRequest(models.Model):
    reference = models.CharField(_("reference"), max_length=8, unique=True)
    category = models.CharField(
        _("who needs the visit"), max_length=10, choices=MobileCategory.choices
    )
    person_name = models.CharField(_("name of the person to serve"), max_length=200)
    person_personal_id = models.CharField(
        _("their personal ID"),
        max_length=13,
        blank=True,
        validators=[validate_personal_id],
    )
    requester_name = models.CharField(_("your name"), max_length=200)
    requester_relation = models.CharField(
        _("you are their"), max_length=100, blank=True
    )
    contact_phone = models.CharField(_("contact telephone"), max_length=10)
    address = models.CharField(_("house number, village, road"), max_length=300)
    subdistrict = models.ForeignKey(
        "areas.Subdistrict", on_delete=models.PROTECT, related_name="+"
    )
    # Repeated from the subdistrict: each district sees its own requests.
    district = models.ForeignKey(
        "areas.District", on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "areas.Province", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("why they cannot come to the office"), max_length=1000)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MobileRequestStatus.choices,
        default=MobileRequestStatus.REQUESTED,
    )
    visit = models.ForeignKey(
        MobileVisit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )
    outcome_note = models.CharField(_("what was done"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The day the person was served (status served): the visit's day, or the
    # day the outcome was recorded when there was no visit by then. What the
    # Mobile Unit's KPI counts by (MobileServedCounts).
    served_on = models.DateField(_("served on"), null=True, blank=True)
    # The requester's own status page: /mobile-unit/r/<token>/.
    token = models.CharField(max_length=32, unique=True)

    class Meta:
        verbose_name = _("mobile unit request")
        verbose_name_plural = _("mobile unit requests")
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["district", "status"]),
            models.Index(fields=["requested_at"]),
        ]

    def __str__(self) -> str:
        return self.reference


class MobileServedCounts(models.Model):
    """How many people the Mobile Unit served in one district on one day (the
    local date they were served, `MobileRequest.served_on`), or in the whole
    calendar month starting on `day` when `whole_month` (pattern A of
    docs/layout.md 8.4). A period reads the month rows of its whole months and
    the day rows of the days at either end (`core.rollups.period_q`). Moved in
    the transaction that records a request's outcome
    (`services.mobile.mobile_request_close`); `appointments_mobile_recount`
    rebuilds it from the requests (the nightly task, and the backfill after
    migration 0003). Kept per district, the unit a request belongs to: a
    request has no office of its own."""

    district = models.ForeignKey(
        "areas.District", on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "areas.Province", on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField()
    whole_month = models.BooleanField(default=False)
    # Signed: a negative count is drift made visible, repaired by the recount.
    served = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("mobile unit people served")
        verbose_name_plural = _("mobile unit people served")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "day", "whole_month"],
                name="mobile_served_district_day_unique",
            )
        ]
        indexes = [models.Index(fields=["day", "province"])]

    def __str__(self) -> str:
        return f"{self.district_id} {self.day}"
