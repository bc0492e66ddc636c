"""Celery tasks for appointments: the work is in the services."""

import logging

from celery import shared_task

from saduak.appointments.mobile_rollups import mobile_rollups_recount
from saduak.appointments.services.bookings import (
    booking_reminders_send,
    bookings_cancel_for_closure,
)
from saduak.appointments.services.slots import slots_release_rolling
from saduak.appointments.services.stats import (
    bookings_close_past,
    offices_today_refresh,
)

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def release_slots() -> int:
    """Daily: keeps every office's booking window open (CELERY_BEAT_SCHEDULE)."""
    return slots_release_rolling()


@shared_task(ignore_result=True)
def send_booking_reminders() -> int:
    """Hourly: reminders for tomorrow's bookings, once each."""
    return booking_reminders_send()


@shared_task(ignore_result=True)
def close_the_day() -> int:
    """Nightly: bookings nobody came for become "did not come"."""
    return bookings_close_past()


@shared_task(ignore_result=True)
def refresh_office_statistics() -> None:
    """Every five minutes: today's office statistics."""
    offices_today_refresh(force=True)


@shared_task(ignore_result=True)
def cancel_bookings_for_closure(holiday_id: int) -> int:
    """When a closure is added: that day's bookings cancelled, the people told."""
    return bookings_cancel_for_closure(holiday_id=holiday_id)


@shared_task(ignore_result=True)
def recount_mobile_served() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): rebuilds MobileServedCounts from the
    requests. Rows it had to repair mean a write bypassed the services (a bulk
    load, a hand edit): logged as a warning so that it is looked into."""
    repaired = mobile_rollups_recount()
    if repaired:
        logger.warning("mobile unit served rollup: %s row(s) repaired", repaired)
    return repaired
