from datetime import date, timedelta

import time_machine
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from saduak.core.models import IdempotencyRecord
from saduak.core.rollups import (
    RollupMove,
    histogram_median,
    period_q,
    recount_when_stale,
    rollup_moves_net,
)


def test_today_is_recounted_when_stale_and_yesterday_once_more():
    counted = []
    cache.clear()
    with time_machine.travel("2026-03-10 16:50:00+00:00", tick=False):  # 23:50 Bangkok
        recount_when_stale("t", recount=counted.append, every_seconds=300)
        recount_when_stale("t", recount=counted.append, every_seconds=300)
        recount_when_stale("t", recount=counted.append, every_seconds=300, force=True)
    with time_machine.travel("2026-03-10 17:10:00+00:00", tick=False):  # 00:10
        cache.delete("t-counted-at")  # the five minutes are up
        at = recount_when_stale("t", recount=counted.append, every_seconds=300)
    days = [day.isoformat() for day in counted]
    # The first call also closes the day before; after midnight 10 March is
    # recounted once more as yesterday.
    assert days == [
        "2026-03-09",
        "2026-03-10",
        "2026-03-10",
        "2026-03-10",
        "2026-03-11",
    ]
    assert at.isoformat().startswith("2026-03-10T17:10")


def test_the_time_of_the_last_count_is_returned_between_counts():
    cache.clear()
    first = recount_when_stale("u", recount=lambda day: None, every_seconds=300)
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        again = recount_when_stale("u", recount=lambda day: None, every_seconds=300)
    assert again == first


# --- Rollup moves, the median of a histogram, periods at two grains ------------


def _move(day: int, **deltas: int) -> RollupMove:
    return RollupMove(
        IdempotencyRecord, (("day", date(2025, 11, day)), ("unit", "x")), deltas
    )


def test_moves_on_the_same_row_add_up_and_cancelled_ones_go():
    netted = rollup_moves_net(
        [_move(3, a=1, b=2), _move(1, a=1), _move(3, a=-1, b=1), _move(2, a=1, b=0)]
    )
    assert [(move.key[0][1].day, dict(move.deltas)) for move in netted] == [
        (1, {"a": 1}),
        (2, {"a": 1}),
        (3, {"b": 3}),
    ]
    assert rollup_moves_net([_move(4, a=1), _move(4, a=-1)]) == []


def test_moves_come_out_in_one_order_whatever_order_they_came_in():
    moves = [_move(day, a=1) for day in (9, 2, 5, 1)]
    assert rollup_moves_net(moves) == rollup_moves_net(list(reversed(moves)))


def test_the_median_of_a_histogram_is_that_of_its_values():
    assert histogram_median({}) is None
    assert histogram_median({7: 0, 3: -2}) is None  # drift: no count
    assert histogram_median({5: 1}) == 5.0
    assert histogram_median({1: 2, 9: 2}) == 5.0
    assert histogram_median({0: 3, 100: 2}) == 0.0
    assert histogram_median({4: 1, 10: 1, 6: 1, 2: -5}) == 6.0


def test_a_period_within_one_month_reads_day_rows_only():
    period = period_q(date(2025, 11, 3), date(2025, 11, 29))
    assert period == Q(
        whole_month=False, day__gte=date(2025, 11, 3), day__lte=date(2025, 11, 29)
    )
