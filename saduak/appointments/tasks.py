"""Celery tasks for appointments: the work is in the services."""

from celery import shared_task

from saduak.appointments.services.bookings import (
    booking_reminders_send,
    bookings_cancel_for_closure,
)
from saduak.appointments.services.slots import slots_release_rolling
from saduak.appointments.services.stats import (
    bookings_close_past,
    offices_today_refresh,
)


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
