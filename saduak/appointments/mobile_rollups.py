"""The rollup of people the Mobile Unit served (MobileServedCounts, pattern A
of docs/layout.md 8.4, copied from `saduak/eservices/report_rollups.py`),
kept exact by the service that records a request's outcome and repaired by a
recount:

1. `served_state(request)` says what a request contributes, read from the row
   alone (a served request counts one person on its `served_on` day, in its
   district); `_moves(state, sign)` turns it into rollup moves.
2. `mobile_request_close` takes the state before (right after locking the
   request) and calls `mobile_rollups_move(before, request)` after saving it,
   inside its transaction.
3. `mobile_rollups_recount()` (the nightly task `recount_mobile_served`, and
   `manage.py appointments_mobile_recount`, which is also the backfill after
   migration 0003) rebuilds the rows from the requests with the same
   `_moves`, and returns how many rows were wrong.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max, Min, Q

from saduak.appointments import sql
from saduak.appointments.choices import MobileRequestStatus
from saduak.appointments.models import MobileRequest, MobileServedCounts
from saduak.core.rollups import (
    RollupMove,
    months_between,
    rollup_replace,
    rollup_rows_add,
    rollups_apply,
)
from saduak.core.thai import month_start

KEY_FIELDS = ("district_id", "day", "whole_month")
COUNT_FIELDS = ("served",)
CARRIED_FIELDS = ("province_id",)
STATE_FIELDS = ("district_id", "province_id", "status", "served_on")


@dataclass(frozen=True)
class ServedState:
    """A request's part in the rollup: one person served on `day`, or none
    (`day` None) while it is not served."""

    district_id: str
    province_id: str
    day: date | None


def _state(values: dict[str, Any]) -> ServedState:
    served = values["status"] == MobileRequestStatus.SERVED
    return ServedState(
        district_id=values["district_id"],
        province_id=values["province_id"],
        day=values["served_on"] if served else None,
    )


def served_state(request: MobileRequest) -> ServedState:
    """The rollup's view of `request` as it is in memory now."""
    return _state({name: getattr(request, name) for name in STATE_FIELDS})


def _moves(state: ServedState, sign: int) -> list[RollupMove]:
    """What `state` adds to the rollup (sign 1) or takes from it (-1)."""
    if state.day is None:
        return []
    carried = (("province_id", state.province_id),)
    return [
        RollupMove(
            MobileServedCounts,
            tuple(zip(KEY_FIELDS, (state.district_id, day, whole_month), strict=True)),
            {"served": sign},
            carried,
        )
        for day, whole_month in ((state.day, False), (month_start(state.day), True))
    ]


def mobile_rollups_move(before: ServedState, request: MobileRequest) -> None:
    """Moves the rollup from what the request counted for `before` to what it
    counts for now. Call inside the transaction that saved it."""
    rollups_apply([*_moves(before, -1), *_moves(served_state(request), 1)])


# --- The recount --------------------------------------------------------------


def _recount_month(first: date, last: date) -> int:
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    served = MobileRequest.objects.filter(
        status=MobileRequestStatus.SERVED, served_on__gte=first, served_on__lte=last
    ).values(*STATE_FIELDS)
    for values in served.order_by().iterator(chunk_size=5000):
        for move in _moves(_state(values), 1):
            rollup_rows_add(rows, move)
    return rollup_replace(
        MobileServedCounts,
        rows=rows,
        key_fields=KEY_FIELDS,
        value_fields=COUNT_FIELDS,
        carried_fields=CARRIED_FIELDS,
        where=Q(day__gte=first, day__lte=last),
    )


def mobile_rollups_recount(
    *, start: date | None = None, end: date | None = None
) -> int:
    """Rebuilds the rows of the calendar months from `start`'s to `end`'s (by
    default every month that has people served or rollup rows), one month per
    transaction. Returns the rows that were wrong, missing or left over: 0
    when the moves kept everything exact."""
    if start is None or end is None:
        served = MobileRequest.objects.filter(
            status=MobileRequestStatus.SERVED
        ).aggregate(first=Min("served_on"), last=Max("served_on"))
        counted = MobileServedCounts.objects.aggregate(
            first=Min("day"), last=Max("day")
        )
        firsts = [day for day in (served["first"], counted["first"]) if day]
        lasts = [day for day in (served["last"], counted["last"]) if day]
        if not firsts or not lasts:
            return 0
        start = start or min(firsts)
        end = end or max(lasts)
    repaired = 0
    # Whole months always: a month's row sums all its days.
    for first, last in months_between(start, end):
        with transaction.atomic():
            # No outcome may move the rollup between reading the requests and
            # replacing the rows.
            sql.mobile_rollups_lock()
            repaired += _recount_month(first, last)
    return repaired
