"""Releasing time slots from an office's opening hours, minus holidays."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, ensure_may
from saduak.accounts.models import User
from saduak.appointments.models import OfficeService, Slot
from saduak.areas.cache import cached_map_read
from saduak.areas.models import Holiday, Office
from saduak.audit.services import audit_record
from saduak.core.errors import InvalidInput

MAX_RELEASE_DAYS = 190


def closed_days(office: Office, start: date, end: date) -> set[date]:
    """National holidays and the office's own closures between two days (cached
    until holidays change: every booking asks)."""
    return cached_map_read(
        f"closed-days:{office.pk}:{start.isoformat()}:{end.isoformat()}",
        lambda: set(
            Holiday.objects.filter(
                Q(office__isnull=True) | Q(office=office),
                date__gte=start,
                date__lte=end,
            ).values_list("date", flat=True)
        ),
    )


def slot_times(
    offered: OfficeService, start: date, end: date
) -> list[tuple[datetime, datetime]]:
    """The slots the office's opening hours make between two days: each open
    period cut into `slot_minutes`, the last one ending by closing time."""
    periods: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for hours in offered.office.opening_hours.all():
        periods[hours.weekday].append((hours.opens, hours.closes))
    closed = closed_days(offered.office, start, end)
    zone = timezone.get_current_timezone()
    length = timedelta(minutes=offered.slot_minutes)
    made = []
    day = start
    while day <= end:
        if day not in closed:
            for opens, closes in sorted(periods.get(day.weekday(), [])):
                begins = datetime.combine(day, opens, tzinfo=zone)
                closing = datetime.combine(day, closes, tzinfo=zone)
                while begins + length <= closing:
                    made.append((begins, begins + length))
                    begins += length
        day += timedelta(days=1)
    return made


def slots_release(*, offered: OfficeService, start: date, end: date, actor: Any) -> int:
    """Releases slots for booking from `start` to `end` (days, inclusive). Slots
    already released are kept as they are, with their bookings; running it again
    releases nothing twice. A person acting must manage the office (the rolling
    release of celery beat acts as the system). Audited as
    `appointments.slots.release`; returns how many slots were made."""
    if isinstance(actor, User):
        ensure_may(actor, Action.SLOTS_RELEASE, office=offered.office, public=True)
    if end < start or (end - start).days > MAX_RELEASE_DAYS:
        raise InvalidInput(
            _("Release at most %(days)s days at a time.") % {"days": MAX_RELEASE_DAYS},
            field="end",
        )
    times = slot_times(offered, start, end)
    if not times:
        return 0
    with transaction.atomic():
        existing = set(
            Slot.objects.filter(
                office_service=offered,
                starts_at__gte=times[0][0],
                starts_at__lte=times[-1][0],
            ).values_list("starts_at", flat=True)
        )
        new = [
            Slot(
                office_service=offered,
                office_id=offered.office_id,
                starts_at=begins,
                ends_at=ends,
                capacity=offered.seats_per_slot,
            )
            for begins, ends in times
            if begins not in existing
        ]
        Slot.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        if new:
            audit_record(
                actor=actor,
                action="appointments.slots.release",
                target=offered,
                after={
                    "from": start.isoformat(),
                    "to": end.isoformat(),
                    "slots": len(new),
                },
                office=offered.office,
            )
    return len(new)


def slots_release_rolling(*, today: date | None = None) -> int:
    """Keeps every office's bookable window released: for each service offered
    online, slots up to its `days_ahead`. Run daily by celery beat."""
    today = today or timezone.localdate()
    made = 0
    offered_online = OfficeService.objects.filter(
        is_active=True, online=True, office__is_active=True
    ).select_related("office")
    for offered in offered_online.prefetch_related("office__opening_hours"):
        made += slots_release(
            offered=offered,
            start=today,
            end=today + timedelta(days=offered.days_ahead),
            actor="task:slots_release_rolling",
        )
    return made
