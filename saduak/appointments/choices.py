from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceGroup(models.TextChoices):
    """Services are queued by group; a ticket's letter is its group's."""

    ID_CARD = "A", _("ID cards")
    HOUSE_REGISTRATION = "B", _("House registration")
    CIVIL_STATUS = "C", _("Births, deaths, names and family")
    CERTIFICATES = "D", _("Certified copies and certificates")
    OTHER = "E", _("Other services")


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    CHECKED_IN = "checked_in", _("Checked in")
    COMPLETED = "completed", _("Served")
    NO_SHOW = "no_show", _("Did not come")


class CancelReason(models.TextChoices):
    ON_REQUEST = "on_request", _("Cancelled on request.")
    MOVED = "moved", _("Changed to another time.")
    OFFICE_CLOSED = "office_closed", _("The office is closed that day.")


class BookingChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    PHONE = "phone", _("By telephone, booked by an officer")


class TicketKind(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    APPOINTMENT = "appointment", _("Appointment")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    COMPLETED = "completed", _("Served")
    NO_SHOW = "no_show", _("Did not come when called")
    TRANSFERRED = "transferred", _("Sent to another service")


class AppointmentPriority(models.TextChoices):
    """Where people with an appointment join the queue of walk-ins."""

    FIRST = "first", _("Ahead of walk-ins")
    ALTERNATE = "alternate", _("One appointment, then one walk-in")
    EQUAL = "equal", _("In order of arrival, like walk-ins")


class MobileCategory(models.TextChoices):
    BEDRIDDEN = "bedridden", _("Bedridden patient")
    ELDERLY = "elderly", _("Elderly person")
    DISABLED = "disabled", _("Person with a disability")
    GENERAL = "general", _("General mobile service")
    REMOTE = "remote", _("Remote area")


class MobileRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SCHEDULED = "scheduled", _("Visit scheduled")
    SERVED = "served", _("Served at home")
    NOT_SERVED = "not_served", _("Visited, not served")
    CANCELLED = "cancelled", _("Cancelled")


class MobileVisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
