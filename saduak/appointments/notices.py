"""The messages the appointments app sends (templates in
templates/notifications/<key>/)."""

from django.utils.translation import gettext_lazy as _

from saduak.notifications.templates import register_template

BOOKING_CONFIRMED = register_template(
    "appointments.booking.confirmed",
    description=_("A booking is confirmed"),
    required_context=("reference", "service", "office", "when", "url"),
)
BOOKING_REMINDER = register_template(
    "appointments.booking.reminder",
    description=_("Reminder the day before a booking"),
    required_context=("reference", "service", "office", "when", "url"),
)
BOOKING_CANCELLED = register_template(
    "appointments.booking.cancelled",
    description=_("A booking is cancelled"),
    required_context=("reference", "service", "office", "when"),
)
BOOKING_OFFICE_CLOSED = register_template(
    "appointments.booking.office_closed",
    description=_("A booking is cancelled because the office closed that day"),
    required_context=(
        "reference",
        "service",
        "office",
        "when",
        "day",
        "closure",
        "url",
    ),
)
TICKET_NEAR = register_template(
    "appointments.ticket.near",
    description=_("Few people are ahead of a ticket"),
    required_context=("ticket", "ahead", "office"),
)
MOBILE_REQUEST_RECEIVED = register_template(
    "appointments.mobile.received",
    description=_("A Mobile Unit request is received"),
    required_context=("reference", "person", "url"),
)
MOBILE_VISIT_SCHEDULED = register_template(
    "appointments.mobile.scheduled",
    description=_("A Mobile Unit visit is scheduled"),
    required_context=("reference", "person", "day", "office"),
)
MOBILE_REQUEST_CLOSED = register_template(
    "appointments.mobile.closed",
    description=_("A Mobile Unit request is closed with its outcome"),
    required_context=("reference", "person", "outcome"),
)
