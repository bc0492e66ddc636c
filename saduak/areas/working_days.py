"""Working days: Monday to Friday that are neither a national holiday nor a
closure of the office. Targets for officers' work (e-service stages, complaint
SLAs) count in working days."""

from collections.abc import Container, Sequence
from datetime import date, timedelta

from saduak.areas.models import Office
from saduak.areas.selectors import holiday_list

# Enough to step over any run of holidays (Songkran, New Year) with weekends.
_LOOKAHEAD_DAYS = 60


def _days_off(office: Office | None, start: date, end: date) -> set[date]:
    holidays = holiday_list(office=office, start=start).filter(date__lte=end)
    return set(holidays.values_list("date", flat=True))


def add_working_days(start: date, days: int, *, office: Office | None = None) -> date:
    """The day `days` working days after `start` (0: `start` itself, moved to the
    next working day if it is not one)."""
    return add_working_days_each(start, (days,), office=office)[0]


def add_working_days_each(
    start: date, counts: Sequence[int], *, office: Office | None = None
) -> list[date]:
    """`add_working_days(start, n)` for each n of `counts`, reading the days off
    once (a complaint's three targets)."""
    most = max(counts, default=0)
    end = start + timedelta(days=most * 2 + _LOOKAHEAD_DAYS)
    return working_days_after(start, counts, _days_off(office, start, end))


def working_days_between(
    start: date, end: date, *, office: Office | None = None
) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    return working_days_counted(start, end, _days_off(office, start, end))


# The arithmetic alone, over days off the caller already holds (a bulk loader
# that read every holiday once).


def working_days_after(
    start: date, counts: Sequence[int], days_off: Container[date]
) -> list[date]:
    """For each n of `counts`, the day n working days after `start` (0: `start`
    moved to the next working day if it is not one); weekends and `days_off`
    are not working days."""
    most = max(counts, default=0)
    day = start
    while day.weekday() >= 5 or day in days_off:
        day += timedelta(days=1)
    reached = {0: day}
    done = 0
    while done < most:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in days_off:
            done += 1
            reached[done] = day
    return [reached[count] for count in counts]


def working_days_counted(start: date, end: date, days_off: Container[date]) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in days_off:
            count += 1
    return count
