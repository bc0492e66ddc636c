"""Time slots released for booking, and bookings. A slot's capacity is enforced by
the database: `booked` only grows through a conditional UPDATE that a CHECK
constraint also guards, on SQLite and PostgreSQL alike."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from saduak.appointments.choices import BookingChannel, BookingStatus, CancelReason
from saduak.core.personal_id import mask_personal_id


class Slot(models.Model):
    office_service = models.ForeignKey(
        "appointments.OfficeService", on_delete=models.CASCADE, related_name="slots"
    )
    # The office, repeated so that an office's day is one indexed range.
    office = models.ForeignKey(
        "areas.Office", on_delete=models.CASCADE, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["office_service", "starts_at"], name="slot_unique_start"
            ),
            models.CheckConstraint(
                name="slot_within_capacity",
                condition=Q(booked__gte=0) & Q(booked__lte=F("capacity")),
            ),
            models.CheckConstraint(
                name="slot_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))
            ),
        ]
        indexes = [models.Index(fields=["office", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.office_service_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)


class Booking(models.Model):
    """A booked visit. Made online by the citizen or by an officer for a caller on
    the telephone; the person is known by personal ID either way, which is what
    the one-active-booking-per-service rule counts."""

    reference = models.CharField(_("reference"), max_length=8, unique=True)
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    office_service = models.ForeignKey(
        "appointments.OfficeService", on_delete=models.PROTECT, related_name="bookings"
    )
    # Repeated from the slot for the rules and the office's lists.
    service = models.ForeignKey(
        "appointments.Service", on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        "areas.Office", on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    personal_id = models.CharField(_("personal ID"), max_length=13)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
    )
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("mobile phone"), max_length=10, blank=True)
    channel = models.CharField(
        _("booked"), max_length=10, choices=BookingChannel.choices
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=BookingStatus.choices,
        default=BookingStatus.BOOKED,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(
        _("why cancelled"), max_length=20, choices=CancelReason.choices, blank=True
    )
    # What the office said, e.g. the name of the closure.
    cancel_note = models.CharField(_("cancellation note"), max_length=300, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    rebooked_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rebooked_as",
    )

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["personal_id", "service"],
                condition=Q(status=BookingStatus.BOOKED),
                name="booking_one_active_per_service",
            )
        ]
        indexes = [
            models.Index(fields=["office", "starts_at"]),
            models.Index(fields=["citizen", "-starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def masked_personal_id(self) -> str:
        return mask_personal_id(self.personal_id)
