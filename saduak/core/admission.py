"""Surviving a release of slots: the admission rate of the booking pages and API
(people admitted a second by the waiting room, saduak/core/waiting_room.py, at
most), and per-citizen and per-address limits against bots hoarding slots.
Counted in the cache, so with Redis every app server shares the counts; with the
memory cache each process counts its own. In core because both the booking pages
(appointments) and the e-service application API (eservices) are guarded by it."""

import contextlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from saduak.core.client import client_key
from saduak.core.counters import count_up_many_or_allow
from saduak.core.errors import TooManyRequests
from saduak.core.memo import ProcessMemo

RATE_KEY = "booking-admission-rate"
# Every guarded request asks for the rate; each process reads it from the shared
# cache at most this often, so an operator's change reaches all within seconds.
RATE_READ_SECONDS = 2
_rate_read = ProcessMemo(seconds=RATE_READ_SECONDS, size=1)


def admission_rate() -> int:
    """People admitted a second by the booking waiting room at most (its ceiling:
    the room may admit fewer while admitted requests are slow): what operators
    set for now (`manage.py admission_rate`), else BOOKING_ADMISSIONS_PER_SECOND.
    0: no waiting room."""
    remembered = _rate_read.get(RATE_KEY)
    if remembered is not None:
        return int(remembered)
    override = cache.get(RATE_KEY)
    rate = (
        int(override)
        if override is not None
        else settings.BOOKING_ADMISSIONS_PER_SECOND
    )
    _rate_read.set(RATE_KEY, rate)
    return rate


def admission_rate_set(rate: int | None, *, hours: int = 24) -> None:
    """Sets the admission rate on every app server (with a shared cache) until
    `hours` from now, in this process at once and in the others within
    RATE_READ_SECONDS; None goes back to the setting."""
    if rate is None:
        cache.delete(RATE_KEY)
    else:
        cache.set(RATE_KEY, max(0, rate), timeout=hours * 3600)
    _rate_read.clear()
    # The room's controlled rate was chosen under the old ceiling: the new one
    # (or the setting, after a reset) applies at once, not after slow raises.
    from saduak.core.waiting_room import BACKEND_FAILURES, booking_room

    # Redis down: nothing to release (each process's own room meanwhile).
    with contextlib.suppress(*BACKEND_FAILURES):
        booking_room().release()


def admit(request: HttpRequest) -> None:
    """The per-person and per-address limits of the booking pages and API (the
    views call it; the waiting room runs before them in AdmissionMiddleware).
    Raises TooManyRequests with `retry_after` seconds. While Redis is down
    nothing is counted and every request is let through."""
    now = time.time()
    minute = int(now // 60)
    to_next_minute = 60 - int(now % 60)
    counted = [(f"book-rate:ip:{client_key(request)}:{minute}", 61, None)]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        counted.append((f"book-rate:user:{user.pk}:{minute}", 61, None))
    # Both limits in one round trip on Redis. Redis down: the limits let
    # everyone through (a booking is still one per person and slot).
    by_address, *by_person = count_up_many_or_allow(counted, what="booking limits")
    if by_person and by_person[0] > settings.BOOKING_REQUESTS_PER_PERSON_PER_MINUTE:
        raise TooManyRequests(
            _("You are going too fast. Wait %(seconds)s seconds and try again.")
            % {"seconds": to_next_minute},
            extra={"retry_after": to_next_minute},
        )
    if by_address > settings.BOOKING_REQUESTS_PER_ADDRESS_PER_MINUTE:
        raise TooManyRequests(
            _("Too many requests from your network. Wait %(seconds)s seconds.")
            % {"seconds": to_next_minute},
            extra={"retry_after": to_next_minute},
        )
