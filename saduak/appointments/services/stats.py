"""Counting an office's day into OfficeDayStats, and closing the day."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from saduak.appointments.choices import BookingStatus, TicketKind, TicketStatus
from saduak.appointments.models import Booking, OfficeDayStats, Ticket
from saduak.appointments.models.stats import HISTOGRAM_MINUTES
from saduak.appointments.selectors.catalogue import queue_settings_for
from saduak.areas.models import Office
from saduak.audit.services import audit_record
from saduak.core.rollups import recount_when_stale
from saduak.core.thai import day_bounds

STATS_REFRESH_SECONDS = 300


def _histogram(seconds: list[float]) -> list[int]:
    counts = [0] * (HISTOGRAM_MINUTES + 1)
    for value in seconds:
        counts[min(HISTOGRAM_MINUTES, max(0, int(value // 60)))] += 1
    return counts


def booking_called_on_time(
    *,
    starts_at: datetime,
    checked_in_at: datetime,
    called_at: datetime,
    target_seconds: int,
) -> bool:
    """Whether a booking's holder was called on time: within the office's
    waiting target (`QueueSettings.wait_target_minutes`) after the booked
    slot's start, or after their check-in when they came after it (a late
    arrival does not make the office late; an early one waits for the slot)."""
    waited_from = max(starts_at, checked_in_at)
    return (called_at - waited_from).total_seconds() <= target_seconds


def office_day_rollup(*, office: Office, day: date) -> OfficeDayStats:
    """Recounts one office's day from its tickets and bookings (idempotent)."""
    start, end = day_bounds(day)
    bookings = Booking.objects.filter(
        office=office, starts_at__gte=start, starts_at__lt=end
    )
    by_status: dict[str, int] = {}
    for status in bookings.values_list("status", flat=True):
        by_status[status] = by_status.get(status, 0) + 1
    target = queue_settings_for(office).wait_target_minutes * 60
    waits: list[float] = []
    services: list[float] = []
    counts = {
        "walk_ins": 0,
        "arrivals": 0,
        "served": 0,
        "no_shows": 0,
        "within": 0,
        "booked_called": 0,
        "booked_on_time": 0,
    }
    tickets = Ticket.objects.filter(office=office, day=day).values(
        "kind",
        "status",
        "issued_at",
        "called_at",
        "finished_at",
        "transferred_from",
        "booking__starts_at",
    )
    for ticket in tickets:
        if ticket["kind"] == TicketKind.APPOINTMENT:
            counts["arrivals"] += 1
        elif ticket["transferred_from"] is None:
            counts["walk_ins"] += 1
        if ticket["called_at"] is not None:
            wait = (ticket["called_at"] - ticket["issued_at"]).total_seconds()
            waits.append(wait)
            counts["within"] += wait <= target
            if ticket["booking__starts_at"] is not None:
                counts["booked_called"] += 1
                counts["booked_on_time"] += booking_called_on_time(
                    starts_at=ticket["booking__starts_at"],
                    checked_in_at=ticket["issued_at"],
                    called_at=ticket["called_at"],
                    target_seconds=target,
                )
        if ticket["status"] in (TicketStatus.COMPLETED, TicketStatus.TRANSFERRED):
            counts["served"] += 1
            if ticket["finished_at"] and ticket["called_at"]:
                services.append(
                    (ticket["finished_at"] - ticket["called_at"]).total_seconds()
                )
        elif ticket["status"] == TicketStatus.NO_SHOW:
            counts["no_shows"] += 1
    cancelled = by_status.get(BookingStatus.CANCELLED, 0)
    values = {
        "district_id": office.district_id,
        "province_id": office.province_id,
        "bookings": sum(by_status.values()) - cancelled,
        "cancellations": cancelled,
        "booking_no_shows": by_status.get(BookingStatus.NO_SHOW, 0)
        + (by_status.get(BookingStatus.BOOKED, 0) if end <= timezone.now() else 0),
        "walk_ins": counts["walk_ins"],
        "appointment_arrivals": counts["arrivals"],
        "served": counts["served"],
        "ticket_no_shows": counts["no_shows"],
        "served_within_target": counts["within"],
        "bookings_called": counts["booked_called"],
        "bookings_on_time": counts["booked_on_time"],
        "wait_seconds_total": int(sum(waits)),
        "service_seconds_total": int(sum(services)),
        "wait_histogram": _histogram(waits),
        "service_histogram": _histogram(services),
    }
    stats, _ = OfficeDayStats.objects.update_or_create(
        office=office, day=day, defaults=values
    )
    return stats


def offices_today_refresh(*, force: bool = False) -> datetime:
    """Recounts today for offices that had tickets or bookings today, at most
    every STATS_REFRESH_SECONDS unless forced; yesterday once more after
    midnight. Returns when today was counted."""
    return recount_when_stale(
        "office-stats",
        recount=offices_day_recount,
        every_seconds=STATS_REFRESH_SECONDS,
        force=force,
    )


def offices_day_recount(day: date) -> int:
    """Recounts `day` for every office that had tickets or bookings that day;
    returns how many offices."""
    start, end = day_bounds(day)
    office_ids = set(
        Ticket.objects.filter(day=day).values_list("office_id", flat=True).distinct()
    ) | set(
        Booking.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .values_list("office_id", flat=True)
        .distinct()
    )
    offices = list(Office.objects.filter(pk__in=office_ids))
    for office in offices:
        office_day_rollup(office=office, day=day)
    return len(offices)


def bookings_close_past(*, now: datetime | None = None) -> int:
    """Bookings whose day is over and that nobody checked in become "did not
    come", freeing nobody's rule (one active booking per service). Run nightly
    by celery beat. Audited as one `appointments.booking.expire` event."""
    now = now or timezone.now()
    start_of_today, _ = day_bounds(timezone.localdate(now))
    with transaction.atomic():
        expired = Booking.objects.filter(
            status=BookingStatus.BOOKED, starts_at__lt=start_of_today
        ).update(status=BookingStatus.NO_SHOW)
        if expired:
            audit_record(
                actor="task:bookings_close_past",
                action="appointments.booking.expire",
                after={"bookings": expired, "before": start_of_today.isoformat()},
            )
    return expired
