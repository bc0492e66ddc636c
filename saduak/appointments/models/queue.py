"""Walk-in and check-in tickets, numbered per office, day and service group, and
each office's queue settings."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from saduak.appointments.choices import (
    AppointmentPriority,
    ServiceGroup,
    TicketKind,
    TicketStatus,
)


class QueueSettings(models.Model):
    """How an office runs its queue. The kiosk key lets a kiosk device issue
    tickets for this office without anyone signed in on it; only its hash is
    kept."""

    office = models.OneToOneField(
        "areas.Office", on_delete=models.CASCADE, related_name="queue_settings"
    )
    appointment_priority = models.CharField(
        _("people with an appointment"),
        max_length=10,
        choices=AppointmentPriority.choices,
        default=AppointmentPriority.FIRST,
    )
    priority_first = models.BooleanField(
        _("elderly, disabled and pregnant people first"), default=True
    )
    wait_target_minutes = models.PositiveSmallIntegerField(
        _("waiting time target (minutes)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    notify_when_ahead = models.PositiveSmallIntegerField(
        _("tell people when this many are ahead"),
        default=3,
        validators=[MaxValueValidator(50)],
    )
    kiosk_key_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("queue settings")
        verbose_name_plural = _("queue settings")

    def __str__(self) -> str:
        return str(self.office)


class TicketSequence(models.Model):
    """The last number given out per office, day and group. Taking a number locks
    this row, so two kiosks never give out the same one."""

    office = models.ForeignKey(
        "areas.Office", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    group = models.CharField(max_length=1, choices=ServiceGroup.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "day", "group"], name="ticket_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} {self.group}{self.last_number}"


class Ticket(models.Model):
    office = models.ForeignKey(
        "areas.Office", on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    group = models.CharField(_("group"), max_length=1, choices=ServiceGroup.choices)
    number = models.PositiveIntegerField(_("number"))
    office_service = models.ForeignKey(
        "appointments.OfficeService", on_delete=models.PROTECT, related_name="tickets"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=TicketKind.choices)
    priority = models.BooleanField(
        _("priority (elderly, disabled, pregnant)"), default=False
    )
    booking = models.OneToOneField(
        "appointments.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ticket",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=TicketStatus.choices,
        default=TicketStatus.WAITING,
    )
    # When the ticket joined its current queue (a transfer keeps the first time).
    queued_at = models.DateTimeField(_("queued at"))
    issued_at = models.DateTimeField(_("issued at"))
    counter = models.ForeignKey(
        "areas.Counter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # First call (waiting time ends here) and the latest (what the display shows).
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    announced_at = models.DateTimeField(_("last called at"), null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(_("times called again"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    transferred_to = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transferred_from",
    )
    # The citizen's own page: /q/<token>/.
    token = models.CharField(max_length=32, unique=True)
    phone = models.CharField(_("mobile phone"), max_length=10, blank=True)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    near_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["day", "group", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "day", "group", "number"], name="ticket_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["office", "day", "status"]),
            models.Index(fields=["office_service", "status", "queued_at"]),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.group}{self.number:03d}"
