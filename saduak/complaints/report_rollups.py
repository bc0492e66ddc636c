"""The complaints report's rollups (pattern A of docs/layout.md 8.4, copied
from `saduak/eservices/report_rollups.py`), kept exact by every write of a
complaint and repaired by a recount:

- `ComplaintReportCounts`: per holder office, category and channel, per
  receive day and per month (the cohort of complaints received then): how many
  were received, acknowledged (in time), resolved (in time), closed, reopened,
  rated and the sum of their ratings.
- `ComplaintDurations`: the histogram of working days taken to acknowledge and
  to resolve, at the same grain, for medians (`core.rollups.histogram_medians`).
- `ComplaintOpenCounts`: the complaints open now, and how many are overdue,
  per holder office, subdistrict, category and channel (the map and tiles).

1. `report_state(complaint)` says what a row contributes, read from the row
   alone; `_moves(state, sign)` turns it into rollup moves.
2. Each service that changes a complaint takes the state before (right after
   locking it, `None` for a new one) and calls `report_rollups_move(before,
   complaint)` after saving it, inside its transaction.
3. `report_rollups_recount()` (the nightly task `recount_reports`, and
   `manage.py complaints_report_recount`, which is also the backfill) rebuilds
   them from the complaints with the same `_moves`, and returns how many rows
   were wrong.

Working days taken = `working_days_between(received date, acknowledged or
resolved date, office=holder)`; "in time" = the acknowledged (resolved) local
date is on or before `acknowledge_due` (`resolve_due`) as the row has them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from saduak.areas.models import Holiday, Office
from saduak.areas.working_days import working_days_between, working_days_counted
from saduak.complaints import sql
from saduak.complaints.choices import OPEN_STATUSES, DurationMeasure
from saduak.complaints.models import (
    Complaint,
    ComplaintDurations,
    ComplaintOpenCounts,
    ComplaintReportCounts,
)
from saduak.core.rollups import (
    RollupMove,
    months_between,
    rollup_replace,
    rollup_rows_add,
    rollups_apply,
)
from saduak.core.thai import day_bounds, month_start

KEY_FIELDS = ("office_id", "category_id", "channel", "day", "whole_month")
COUNT_FIELDS = (
    "received",
    "acknowledged",
    "acknowledged_in_time",
    "resolved",
    "resolved_in_time",
    "closed",
    "reopened",
    "rated",
    "rating_sum",
)
DURATION_KEY_FIELDS = (*KEY_FIELDS, "measure", "working_days")
OPEN_KEY_FIELDS = ("office_id", "subdistrict_code", "category_id", "channel")
OPEN_FIELDS = ("open", "overdue")
CARRIED_FIELDS = ("district_id", "province_id")
# What the state is read from: enough to rebuild it without the model instance.
STATE_FIELDS = (
    "office_id",
    "holder_district_code",
    "holder_province_code",
    "category_id",
    "channel",
    "status",
    "subdistrict_id",
    "is_overdue",
    "received_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "acknowledge_due",
    "resolve_due",
    "reopen_count",
    "rating",
)

# Working days after the first date up to the second, at an office (by id).
DaysTaken = Callable[[int, date, date], int]


@dataclass(frozen=True)
class ReportState:
    """What a complaint counts for in the reports."""

    office_id: int
    district_id: str | None
    province_id: str | None
    category_id: int
    channel: str
    day: date
    subdistrict_code: str
    acknowledged: bool
    acknowledged_in_time: bool
    resolved: bool
    resolved_in_time: bool
    closed: bool
    reopened: bool
    rating: int | None
    acknowledge_days: int | None
    resolve_days: int | None
    is_open: bool
    overdue: bool


def _local(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _state(values: dict[str, Any], days_taken: DaysTaken) -> ReportState:
    day = timezone.localdate(values["received_at"])
    acknowledged = _local(values["acknowledged_at"])
    resolved = _local(values["resolved_at"])
    office_id = values["office_id"]
    is_open = values["status"] in OPEN_STATUSES
    return ReportState(
        office_id=office_id,
        district_id=values["holder_district_code"] or None,
        province_id=values["holder_province_code"] or None,
        category_id=values["category_id"],
        channel=values["channel"],
        day=day,
        subdistrict_code=values["subdistrict_id"] or "",
        acknowledged=acknowledged is not None,
        acknowledged_in_time=acknowledged is not None
        and acknowledged <= values["acknowledge_due"],
        resolved=resolved is not None,
        resolved_in_time=resolved is not None and resolved <= values["resolve_due"],
        closed=values["closed_at"] is not None,
        reopened=values["reopen_count"] > 0,
        rating=values["rating"],
        acknowledge_days=(
            days_taken(office_id, day, acknowledged)
            if acknowledged is not None
            else None
        ),
        resolve_days=(
            days_taken(office_id, day, resolved) if resolved is not None else None
        ),
        is_open=is_open,
        overdue=is_open and bool(values["is_overdue"]),
    )


class _DaysAtOffices:
    """Working days taken, through `areas.working_days` (the write path): the
    same question twice in one move (the state before and after) is asked of
    the database once."""

    def __init__(self) -> None:
        self.answers: dict[tuple[int, date, date], int] = {}

    def __call__(self, office_id: int, start: date, end: date) -> int:
        key = (office_id, start, end)
        if key not in self.answers:
            self.answers[key] = working_days_between(
                start, end, office=Office(pk=office_id)
            )
        return self.answers[key]


def report_state(
    complaint: Complaint, days_taken: DaysTaken | None = None
) -> ReportState:
    """The report's view of `complaint` as it is in memory now."""
    values = {name: getattr(complaint, name) for name in STATE_FIELDS}
    return _state(values, days_taken or _DaysAtOffices())


def _moves(state: ReportState, sign: int) -> list[RollupMove]:
    """What `state` adds to the rollups (sign 1) or takes from them (-1)."""
    carried = tuple(
        zip(CARRIED_FIELDS, (state.district_id, state.province_id), strict=True)
    )
    counts: dict[str, int] = {
        "received": sign,
        "acknowledged": sign * state.acknowledged,
        "acknowledged_in_time": sign * state.acknowledged_in_time,
        "resolved": sign * state.resolved,
        "resolved_in_time": sign * state.resolved_in_time,
        "closed": sign * state.closed,
        "reopened": sign * state.reopened,
        "rated": sign * (state.rating is not None),
        "rating_sum": sign * (state.rating or 0),
    }
    moves = []
    for day, whole_month in ((state.day, False), (month_start(state.day), True)):
        key = tuple(
            zip(
                KEY_FIELDS,
                (state.office_id, state.category_id, state.channel, day, whole_month),
                strict=True,
            )
        )
        moves.append(RollupMove(ComplaintReportCounts, key, counts, carried))
        for measure, taken in (
            (DurationMeasure.ACKNOWLEDGE, state.acknowledge_days),
            (DurationMeasure.RESOLVE, state.resolve_days),
        ):
            if taken is not None:
                moves.append(
                    RollupMove(
                        ComplaintDurations,
                        (
                            *key,
                            ("measure", str(measure)),
                            ("working_days", taken),
                        ),
                        {"count": sign},
                        carried,
                    )
                )
    if state.is_open:
        key = tuple(
            zip(
                OPEN_KEY_FIELDS,
                (
                    state.office_id,
                    state.subdistrict_code,
                    state.category_id,
                    state.channel,
                ),
                strict=True,
            )
        )
        moves.append(
            RollupMove(
                ComplaintOpenCounts,
                key,
                {"open": sign, "overdue": sign * state.overdue},
                carried,
            )
        )
    return moves


def report_rollups_move(before: ReportState | None, complaint: Complaint) -> None:
    """Moves the rollups from what the complaint counted for `before` (None:
    it is new) to what it counts for now. Call inside the transaction that
    saved it."""
    days_taken = _DaysAtOffices()
    old = _moves(before, -1) if before is not None else []
    rollups_apply([*old, *_moves(report_state(complaint, days_taken), 1)])


# --- The recount --------------------------------------------------------------


class _DaysFromHolidays:
    """Working days taken, from every holiday and closure read once (the
    recount): the same answer as `areas.working_days.working_days_between`."""

    def __init__(self) -> None:
        national: set[date] = set()
        closures: dict[int, set[date]] = {}
        for day, office_id in Holiday.objects.values_list("date", "office_id"):
            if office_id is None:
                national.add(day)
            else:
                closures.setdefault(office_id, set()).add(day)
        self.national = frozenset(national)
        self.days_off = {
            office: self.national | days for office, days in closures.items()
        }
        self.answers: dict[tuple[int, date, date], int] = {}

    def __call__(self, office_id: int, start: date, end: date) -> int:
        key = (office_id, start, end)
        found = self.answers.get(key)
        if found is None:
            off = self.days_off.get(office_id, self.national)
            found = self.answers[key] = working_days_counted(start, end, off)
        return found


def _recount_month(first: date, last: date, days_taken: DaysTaken) -> int:
    since, _unused = day_bounds(first)
    _unused, until = day_bounds(last)
    counts: dict[tuple[Any, ...], dict[str, Any]] = {}
    durations: dict[tuple[Any, ...], dict[str, Any]] = {}
    complaints = Complaint.objects.filter(
        received_at__gte=since, received_at__lt=until
    ).values(*STATE_FIELDS)
    for values in complaints.order_by().iterator(chunk_size=5000):
        for move in _moves(_state(values, days_taken), 1):
            if move.model is ComplaintReportCounts:
                rollup_rows_add(counts, move)
            elif move.model is ComplaintDurations:
                rollup_rows_add(durations, move)
    period = Q(day__gte=first, day__lte=last)
    return rollup_replace(
        ComplaintReportCounts,
        rows=counts,
        key_fields=KEY_FIELDS,
        value_fields=COUNT_FIELDS,
        carried_fields=CARRIED_FIELDS,
        where=period,
    ) + rollup_replace(
        ComplaintDurations,
        rows=durations,
        key_fields=DURATION_KEY_FIELDS,
        value_fields=("count",),
        carried_fields=CARRIED_FIELDS,
        where=period,
    )


def _recount_open(days_taken: DaysTaken) -> int:
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    complaints = Complaint.objects.filter(status__in=OPEN_STATUSES).values(
        *STATE_FIELDS
    )
    for values in complaints.order_by().iterator(chunk_size=5000):
        for move in _moves(_state(values, days_taken), 1):
            if move.model is ComplaintOpenCounts:
                rollup_rows_add(rows, move)
    return rollup_replace(
        ComplaintOpenCounts,
        rows=rows,
        key_fields=OPEN_KEY_FIELDS,
        value_fields=OPEN_FIELDS,
        carried_fields=CARRIED_FIELDS,
        where=Q(),
    )


def report_rollups_recount(
    *, start: date | None = None, end: date | None = None
) -> int:
    """Rebuilds the rollups of the complaints received in the calendar months
    from `start`'s to `end`'s (by default every month that has complaints or
    rollup rows), one month per transaction, and the open counts (always
    whole). Returns the rows that were wrong, missing or left over: 0 when
    the moves kept everything exact."""
    days_taken = _DaysFromHolidays()
    repaired = 0
    if start is None or end is None:
        received = Complaint.objects.aggregate(
            first=Min("received_at"), last=Max("received_at")
        )
        counted = ComplaintReportCounts.objects.aggregate(
            first=Min("day"), last=Max("day")
        )
        firsts = [counted["first"], _local(received["first"])]
        lasts = [counted["last"], _local(received["last"])]
        known_firsts = [day for day in firsts if day is not None]
        known_lasts = [day for day in lasts if day is not None]
        if known_firsts and known_lasts:
            start = start or min(known_firsts)
            end = end or max(known_lasts)
    if start is not None and end is not None:
        # Whole months always: a month's row sums all its days.
        for first, last in months_between(start, end):
            with transaction.atomic():
                # No complaint write may move the rollups between reading the
                # complaints and replacing the rows.
                sql.report_rollups_lock()
                repaired += _recount_month(first, last, days_taken)
    with transaction.atomic():
        sql.report_rollups_lock()
        repaired += _recount_open(days_taken)
    return repaired
