"""Reading slots: free times for a day, days with free times, and what else can
be booked when a slot cannot."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from saduak.appointments.models import OfficeService, Slot
from saduak.core.forms import posted_id
from saduak.core.thai import day_bounds

ALTERNATIVES_HERE = 3
ALTERNATIVES_ELSEWHERE = 3


def slot_find(raw: object, **scope: object) -> Slot | None:
    """The slot a request names (an id, as a number or text from a form), with
    its office and service, within `scope` (an office or office_service); None
    for anything else, a malformed id included."""
    pk = posted_id(raw)
    if pk is None:
        return None
    slot = (
        Slot.objects.select_related("office_service__office", "office_service__service")
        .filter(pk=pk)
        .first()
    )
    if slot is None or any(
        getattr(slot, f"{name}_id") != getattr(within, "pk", None)
        for name, within in scope.items()
    ):
        return None
    return slot


def earliest_bookable(offered: OfficeService, now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    return now + timedelta(hours=offered.min_notice_hours)


def last_bookable_day(offered: OfficeService, now: datetime | None = None) -> date:
    return timezone.localdate(now or timezone.now()) + timedelta(
        days=offered.days_ahead
    )


def free_slots(offered: OfficeService, day: date) -> list[Slot]:
    """The day's slots that still have a seat and can be booked now."""
    start, end = day_bounds(day)
    if day > last_bookable_day(offered):
        return []
    return list(
        Slot.objects.filter(
            office_service=offered,
            starts_at__gte=max(start, earliest_bookable(offered)),
            starts_at__lt=end,
            booked__lt=F("capacity"),
        ).order_by("starts_at")
    )


@dataclass(frozen=True)
class DayAvailability:
    day: date
    slots: int
    free: int


def days_available(offered: OfficeService) -> list[DayAvailability]:
    """Each bookable day with its number of slots with a seat and free seats."""
    start = earliest_bookable(offered)
    _, end = day_bounds(last_bookable_day(offered))
    rows = (
        Slot.objects.filter(
            office_service=offered,
            starts_at__gte=start,
            starts_at__lt=end,
            booked__lt=F("capacity"),
        )
        .annotate(day=TruncDate("starts_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(slots=Count("id"), seats=Sum(F("capacity") - F("booked")))
        .order_by("day")
    )
    return [DayAvailability(row["day"], row["slots"], row["seats"]) for row in rows]


def alternatives_for(slot: Slot) -> list[dict[str, object]]:
    """What can be booked instead of `slot`: the next free times of the same
    service at the same office, then at other offices of the same district or
    province. For refusals, so a person is never left without a way on."""
    offered = slot.office_service
    now = timezone.now()
    here = (
        Slot.objects.filter(
            office_service=offered,
            starts_at__gte=max(
                earliest_bookable(offered, now), slot.starts_at - timedelta(hours=1)
            ),
            booked__lt=F("capacity"),
        )
        .exclude(pk=slot.pk)
        .select_related("office_service__office")
    )
    office = offered.office
    nearby = Slot.objects.filter(
        office_service__service_id=offered.service_id,
        office_service__is_active=True,
        office_service__online=True,
        starts_at__gte=now + timedelta(hours=offered.min_notice_hours),
        starts_at__lt=now + timedelta(days=offered.days_ahead),
        booked__lt=F("capacity"),
    ).exclude(office_id=office.pk)
    if office.district_id:
        nearby = nearby.filter(
            Q(office__district_id=office.district_id)
            | Q(office__province_id=office.province_id)
        )
    nearby = nearby.select_related("office_service__office").order_by("starts_at")
    # One suggestion per other office: the earliest.
    elsewhere: list[Slot] = []
    seen: set[int] = set()
    for candidate in nearby[:50]:
        if candidate.office_id not in seen:
            seen.add(candidate.office_id)
            elsewhere.append(candidate)
        if len(elsewhere) == ALTERNATIVES_ELSEWHERE:
            break
    return [
        _alternative(candidate)
        for candidate in [*here.order_by("starts_at")[:ALTERNATIVES_HERE], *elsewhere]
    ]


def _alternative(slot: Slot) -> dict[str, object]:
    office = slot.office_service.office
    return {
        "slot": slot.pk,
        "office": office.code,
        "office_name": office.name,
        "starts_at": slot.starts_at,
        "free": slot.free,
    }
