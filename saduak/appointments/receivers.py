"""What appointments does when other apps tell it something."""

from typing import Any

from django.db import transaction

from saduak.appointments.tasks import cancel_bookings_for_closure
from saduak.areas.models import Holiday


def closure_cancels_bookings(sender: Any, holiday: Holiday, **kwargs: Any) -> None:
    """A closure added after bookings were made: once it is committed, that day's
    bookings are cancelled and the people told (a task: a national holiday may
    touch many offices)."""
    transaction.on_commit(
        lambda: cancel_bookings_for_closure.delay(holiday.pk), robust=True
    )
