"""Reading bookings: a citizen's own, one by reference for who may see it, and an
office's day."""

from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.appointments.models import Booking
from saduak.areas.models import Office
from saduak.core.errors import NotFound, PermissionDeniedError
from saduak.core.thai import day_bounds

RELATED = ("office", "service", "slot", "office_service")


def bookings_of(citizen: User) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(citizen=citizen)
        .select_related(*RELATED)
        .order_by("-starts_at")
    )


def booking_for(*, viewer: User, reference: str) -> Booking:
    """The booking, for the person it is for or staff whose reach covers its
    office; anyone else is told there is no such booking."""
    booking = (
        Booking.objects.select_related(*RELATED).filter(reference=reference).first()
    )
    if booking is None or not (
        booking.citizen_id == viewer.pk
        or read_reach(viewer).covers_office(booking.office)
    ):
        raise NotFound(_("There is no such booking."))
    return booking


def office_day_bookings(
    *, viewer: User, office: Office, day: date
) -> QuerySet[Booking]:
    if not read_reach(viewer).covers_office(office):
        raise PermissionDeniedError(_("This office is outside your area."))
    start, end = day_bounds(day)
    return (
        Booking.objects.filter(office=office, starts_at__gte=start, starts_at__lt=end)
        .select_related("service", "slot")
        .order_by("starts_at", "reference")
    )
