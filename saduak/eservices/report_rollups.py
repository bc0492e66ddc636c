"""The e-service report's rollups (ApplicationReportCounts,
ApplicationDecisionMinutes, and ApplicationDecisionCounts by the day of the
decision, for the KPI source), kept exact by the application's own writes and
repaired by a recount. The pattern every counted dashboard copies
(docs/layout.md, "Counting for reports"):

1. `report_state(application)` says what a row contributes, read from the row
   alone; `_moves(state, sign)` turns it into rollup moves.
2. Each service that changes an application takes the state before (right after
   locking it) and calls `report_rollups_move(before, application)` after
   saving it, inside its transaction: the rollups get the difference.
3. `report_rollups_recount()` (the nightly task, and `manage.py
   eservices_report_recount`, which operators run once after the migration
   that made the tables, as the backfill) rebuilds them from the
   applications with the same `_moves`, and returns how many rows were wrong.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from saduak.core.rollups import (
    RollupMove,
    months_between,
    rollup_replace,
    rollup_rows_add,
    rollups_apply,
)
from saduak.core.thai import day_bounds, month_start
from saduak.eservices import sql
from saduak.eservices.choices import ApplicationStatus, Outcome
from saduak.eservices.models import (
    Application,
    ApplicationDecisionCounts,
    ApplicationDecisionMinutes,
    ApplicationReportCounts,
)

KEY_FIELDS = ("office_id", "service_id", "day", "whole_month", "stage")
COUNT_FIELDS = (
    "received",
    "in_progress",
    "returned",
    "approved",
    "rejected",
    "paid",
    "decided",
)
AMOUNT_FIELDS = ("amount_approved", "amount_paid")
MINUTES_KEY_FIELDS = (*KEY_FIELDS, "minutes")
DECISION_KEY_FIELDS = ("office_id", "service_id", "day", "whole_month")
DECISION_FIELDS = ("decided", "decided_within_target")
CARRIED_FIELDS = ("district_id", "province_id")
APPROVED = (Outcome.APPROVED, Outcome.PAID)
# What the state is read from: enough to rebuild it without the model instance.
STATE_FIELDS = (
    "office_id",
    "district_code",
    "province_code",
    "service_id",
    "stage",
    "status",
    "outcome",
    "approved_amount",
    "submitted_at",
    "decided_at",
    "decided_within_target",
)


@dataclass(frozen=True)
class ReportState:
    """What an application counts for in the report; `day` is None while it is
    a draft (drafts are not in the report)."""

    office_id: int
    district_id: str | None
    province_id: str | None
    service_id: int
    day: date | None
    stage: str
    status: str
    outcome: str
    approved_amount: Decimal | None
    minutes: int | None
    # The local date of the decision (approve or reject), and whether it was
    # within target; None while undecided.
    decided_day: date | None = None
    decided_within_target: bool = False


def _state(values: dict[str, Any]) -> ReportState:
    submitted: datetime | None = values["submitted_at"]
    decided: datetime | None = values["decided_at"]
    minutes = None
    if submitted is not None and decided is not None:
        minutes = round((decided - submitted).total_seconds() / 60)
    return ReportState(
        office_id=values["office_id"],
        district_id=values["district_code"] or None,
        province_id=values["province_code"] or None,
        service_id=values["service_id"],
        day=timezone.localdate(submitted) if submitted is not None else None,
        stage=values["stage"] or "",
        status=values["status"],
        outcome=values["outcome"] or "",
        approved_amount=values["approved_amount"],
        minutes=minutes,
        decided_day=timezone.localdate(decided) if decided is not None else None,
        decided_within_target=values["decided_within_target"] is True,
    )


def report_state(application: Application) -> ReportState:
    """The report's view of `application` as it is in memory now."""
    return _state({name: getattr(application, name) for name in STATE_FIELDS})


def _moves(state: ReportState, sign: int) -> list[RollupMove]:
    """What `state` adds to the rollups (sign 1) or takes from them (-1)."""
    if state.day is None:
        return []
    carried = tuple(
        zip(CARRIED_FIELDS, (state.district_id, state.province_id), strict=True)
    )
    approved = state.outcome in APPROVED
    amount = state.approved_amount or Decimal(0)
    counts: dict[str, int | Decimal] = {
        "received": sign,
        "in_progress": sign * (state.status == ApplicationStatus.IN_PROGRESS),
        "returned": sign * (state.status == ApplicationStatus.RETURNED),
        "approved": sign * approved,
        "rejected": sign * (state.outcome == Outcome.REJECTED),
        "paid": sign * (state.outcome == Outcome.PAID),
        "decided": sign * (state.minutes is not None),
        "amount_approved": sign * amount if approved else Decimal(0),
        "amount_paid": sign * amount if state.outcome == Outcome.PAID else Decimal(0),
    }
    moves = []
    # The day's row, and the month's (keyed by its first day).
    for day, whole_month in ((state.day, False), (month_start(state.day), True)):
        key = tuple(
            zip(
                KEY_FIELDS,
                (state.office_id, state.service_id, day, whole_month, state.stage),
                strict=True,
            )
        )
        moves.append(RollupMove(ApplicationReportCounts, key, counts, carried))
        if state.minutes is not None:
            moves.append(
                RollupMove(
                    ApplicationDecisionMinutes,
                    (*key, ("minutes", state.minutes)),
                    {"decided": sign},
                    carried,
                )
            )
    if state.decided_day is not None:
        decided: dict[str, int | Decimal] = {
            "decided": sign,
            "decided_within_target": sign * state.decided_within_target,
        }
        for day, whole_month in (
            (state.decided_day, False),
            (month_start(state.decided_day), True),
        ):
            key = tuple(
                zip(
                    DECISION_KEY_FIELDS,
                    (state.office_id, state.service_id, day, whole_month),
                    strict=True,
                )
            )
            moves.append(RollupMove(ApplicationDecisionCounts, key, decided, carried))
    return moves


def report_rollups_move(before: ReportState, application: Application) -> None:
    """Moves the rollups from what the application counted for `before` to what
    it counts for now. Call inside the transaction that saved it."""
    rollups_apply([*_moves(before, -1), *_moves(report_state(application), 1)])


# --- The recount --------------------------------------------------------------


def _recount_month(first: date, last: date) -> int:
    """The rows of the month: the counts and minutes of the applications
    submitted in it, the decision counts of those decided in it."""
    since, _unused = day_bounds(first)
    _unused, until = day_bounds(last)
    counts: dict[tuple[Any, ...], dict[str, Any]] = {}
    minutes: dict[tuple[Any, ...], dict[str, Any]] = {}
    decisions: dict[tuple[Any, ...], dict[str, Any]] = {}
    applications = Application.objects.filter(
        submitted_at__gte=since, submitted_at__lt=until
    ).values(*STATE_FIELDS)
    for values in applications.order_by().iterator(chunk_size=5000):
        for move in _moves(_state(values), 1):
            if move.model is ApplicationReportCounts:
                rollup_rows_add(counts, move)
            elif move.model is ApplicationDecisionMinutes:
                rollup_rows_add(minutes, move)
    decided = Application.objects.filter(
        decided_at__gte=since, decided_at__lt=until
    ).values(*STATE_FIELDS)
    for values in decided.order_by().iterator(chunk_size=5000):
        for move in _moves(_state(values), 1):
            if move.model is ApplicationDecisionCounts:
                rollup_rows_add(decisions, move)
    period = Q(day__gte=first, day__lte=last)
    return (
        rollup_replace(
            ApplicationReportCounts,
            rows=counts,
            key_fields=KEY_FIELDS,
            value_fields=(*COUNT_FIELDS, *AMOUNT_FIELDS),
            carried_fields=CARRIED_FIELDS,
            where=period,
        )
        + rollup_replace(
            ApplicationDecisionMinutes,
            rows=minutes,
            key_fields=MINUTES_KEY_FIELDS,
            value_fields=("decided",),
            carried_fields=CARRIED_FIELDS,
            where=period,
        )
        + rollup_replace(
            ApplicationDecisionCounts,
            rows=decisions,
            key_fields=DECISION_KEY_FIELDS,
            value_fields=DECISION_FIELDS,
            carried_fields=CARRIED_FIELDS,
            where=period,
        )
    )


def report_rollups_recount(
    *, start: date | None = None, end: date | None = None
) -> int:
    """Rebuilds the rollups of the applications submitted in the calendar
    months from `start`'s to `end`'s (by default every month that has
    applications or rollup rows), one month per transaction. Returns the
    rows that were wrong, missing or left over: 0 when the moves kept
    everything exact."""
    if start is None or end is None:
        submitted = Application.objects.aggregate(
            first=Min("submitted_at"),
            last=Max("submitted_at"),
            decided=Max("decided_at"),
        )
        counted = ApplicationReportCounts.objects.aggregate(
            first=Min("day"), last=Max("day")
        )
        decision_days = ApplicationDecisionCounts.objects.aggregate(
            first=Min("day"), last=Max("day")
        )
        firsts = [counted["first"], decision_days["first"]] + (
            [timezone.localdate(submitted["first"])] if submitted["first"] else []
        )
        lasts = [counted["last"], decision_days["last"]] + [
            timezone.localdate(submitted[name])
            for name in ("last", "decided")
            if submitted[name]
        ]
        known_firsts = [day for day in firsts if day is not None]
        known_lasts = [day for day in lasts if day is not None]
        if not known_firsts or not known_lasts:
            return 0
        start = start or min(known_firsts)
        end = end or max(known_lasts)
    repaired = 0
    # Whole months always: a month's row sums all its days.
    for first, last in months_between(start, end):
        with transaction.atomic():
            # No application write may move the rollups between reading the
            # applications and replacing the rows.
            sql.report_rollups_lock()
            repaired += _recount_month(first, last)
    return repaired
