"""The shared machinery of the two kinds of counted tables (docs/layout.md,
"Counting for reports").

Fact tables recounted on a schedule (`recount_when_stale`): keeping a rollup of
today current without a scheduler, and yesterday's final: celery beat forces the
recount on its schedule; pages that show the figures call it too, so that a
setup without beat (the embedded demo) stays current. A recount is idempotent,
so two servers recounting at once do no harm.

Rollups moved in the write's transaction (`RollupMove`, `rollups_apply`) and
repaired by a periodic recount (`rollup_replace`): below."""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, connections, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from saduak.core.thai import month_start

FINAL_MARK_SECONDS = 26 * 60 * 60


def recount_when_stale(
    name: str,
    *,
    recount: Callable[[date], object],
    every_seconds: int,
    force: bool = False,
) -> datetime:
    """Recounts today with `recount(day)` when the last count (cache key
    `<name>-counted-at`) is older than `every_seconds`, or always with `force`;
    yesterday once more after midnight. Returns when today was counted."""
    now = timezone.now()
    today = timezone.localdate(now)
    yesterday = today - timedelta(days=1)
    if cache.add(f"{name}-final:{yesterday.isoformat()}", 1, FINAL_MARK_SECONDS):
        recount(yesterday)
    counted_key = f"{name}-counted-at"
    if force or cache.add(counted_key, now, every_seconds):
        recount(today)
        cache.set(counted_key, now, every_seconds)
        return now
    counted_at: datetime | None = cache.get(counted_key)
    return counted_at or now


# --- Rollup rows moved inside the write's transaction ------------------------------
#
# The one way to keep a count that must be exact right after a write (docs/layout.md,
# "Counting for reports"): the write computes what its row contributes to each rollup
# before and after the change, and `rollups_apply` adds the difference to the rollup
# rows, in the write's own transaction, through the ORM. A periodic recount
# (`rollup_replace`) rebuilds the rows from the raw ones and says how many were wrong.


@dataclass(frozen=True)
class RollupMove:
    """`deltas` to add to the row of `model` whose unique columns are `key`;
    `carried` are the row's other columns (the district and province of an
    office), written when the row is made and never part of its identity."""

    model: type[models.Model]
    key: tuple[tuple[str, Any], ...]
    deltas: Mapping[str, int | Decimal]
    carried: tuple[tuple[str, Any], ...] = ()


def rollup_moves_net(moves: Iterable[RollupMove]) -> list[RollupMove]:
    """Adds up the moves on the same row and drops those that cancel out, so a
    change that leaves a row's contribution as it was writes nothing; in the
    order rows are locked in."""
    totals: dict[tuple[Any, ...], dict[str, int | Decimal]] = {}
    first: dict[tuple[Any, ...], RollupMove] = {}
    for move in moves:
        row = (move.model, move.key)
        first.setdefault(row, move)
        sums = totals.setdefault(row, {})
        for name, value in move.deltas.items():
            sums[name] = sums.get(name, 0) + value
    netted = []
    for row, sums in totals.items():
        changed = {name: value for name, value in sums.items() if value}
        if changed:
            netted.append(replace(first[row], deltas=changed))
    # One order for every writer: two writes moving rows A and B in opposite
    # directions lock them in the same order, so they queue instead of
    # deadlocking.
    netted.sort(
        key=lambda move: (
            move.model._meta.label,
            tuple(str(value) for _name, value in move.key),
        )
    )
    return netted


def rollups_apply(moves: Iterable[RollupMove]) -> int:
    """Adds each (netted) move to its row, making the row when it is missing.
    Runs in the caller's transaction: an UPDATE that adds (it locks the row
    until commit, so two writes to one row queue, and writes to other rows do
    not), and when no row was there an INSERT in a savepoint; if another
    transaction made that row meanwhile, the UPDATE again. Returns the rows
    written."""
    written = 0
    for move in rollup_moves_net(moves):
        key = dict(move.key)
        adds = {name: F(name) + value for name, value in move.deltas.items()}
        manager = move.model._default_manager
        if manager.filter(**key).update(**adds):
            written += 1
            continue
        try:
            with transaction.atomic():
                manager.create(**key, **dict(move.carried), **move.deltas)
        except IntegrityError:
            manager.filter(**key).update(**adds)
        written += 1
    return written


def months_between(first: date, last: date) -> Iterator[tuple[date, date]]:
    """Calendar months from `first`'s to `last`'s, as (first day, last day):
    the steps of a recount, one month at a time."""
    start = month_start(first)
    while start <= last:
        following = month_start(start + timedelta(days=32))
        yield start, following - timedelta(days=1)
        start = following


def rollup_rows_add(
    rows: dict[tuple[Any, ...], dict[str, Any]], move: RollupMove
) -> None:
    """Adds a move to the rows a recount builds in memory (keyed by the move's
    key values) before `rollup_replace` writes them."""
    key = tuple(value for _name, value in move.key)
    row = rows.setdefault(key, dict(move.carried))
    for name, delta in move.deltas.items():
        row[name] = row.get(name, 0) + delta


def rollup_replace(
    model: type[models.Model],
    *,
    rows: Mapping[tuple[Any, ...], Mapping[str, Any]],
    key_fields: Sequence[str],
    value_fields: Sequence[str],
    where: Q,
    carried_fields: Sequence[str] = (),
) -> int:
    """Makes the rows of `model` selected by `where` equal to `rows` (key
    values in `key_fields` order -> the counters in `value_fields` and the
    `carried_fields`): wrong rows are
    corrected, missing ones made, rows that should not exist deleted. Rows
    already right are left alone, so a recount with nothing to repair writes
    nothing. Returns the rows repaired (0 means no drift). Run it in a
    transaction with the raw rows read in the same one."""
    manager = model._default_manager
    existing = {
        tuple(found[name] for name in key_fields): found
        for found in manager.filter(where).values(
            "pk", *key_fields, *value_fields, *carried_fields
        )
    }
    repaired = 0
    stale = [found for key, found in existing.items() if key not in rows]
    if stale:
        manager.filter(pk__in=[found["pk"] for found in stale]).delete()
        # Rows whose moves left them at zero are tidied away, not counted as
        # drift: they were right.
        repaired += sum(
            1 for found in stale if any(found[name] for name in value_fields)
        )
    made = []
    for key, values in rows.items():
        found = existing.get(key)
        if found is None:
            made.append(model(**dict(zip(key_fields, key, strict=True)), **values))
        elif any(found[name] != value for name, value in values.items()):
            manager.filter(pk=found["pk"]).update(**values)
            repaired += 1
    if made:
        manager.bulk_create(made, batch_size=1000)
        repaired += len(made)
    return repaired


def histogram_median(histogram: Mapping[int, int]) -> float | None:
    """The median of values given as {value: how many} (the mean of the two
    middle values when their number is even, as statistics.median), read from
    a rollup's histogram without a row per value. Buckets with no (or, from
    drift, negative) count are left out."""
    ordered = sorted((value, count) for value, count in histogram.items() if count > 0)
    total = sum(count for _value, count in ordered)
    if not total:
        return None

    def at(rank: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if rank < seen:
                return value
        return ordered[-1][0]

    if total % 2:
        return float(at(total // 2))
    return (at(total // 2 - 1) + at(total // 2)) / 2


def period_q(
    start: date, end: date, *, day: str = "day", whole_month: str = "whole_month"
) -> Q:
    """The rows of a rollup kept at two grains (a row per day, and a row per
    calendar month whose `day` is the month's first and `whole_month` true)
    that together cover `start` to `end` once: the month rows of the whole
    months inside the period, the day rows of the days left at either end."""
    first_whole = start if start.day == 1 else month_start(start, 1)
    after_last_whole = month_start(end + timedelta(days=1))
    if first_whole >= after_last_whole:
        return Q(**{whole_month: False, f"{day}__gte": start, f"{day}__lte": end})
    months = Q(
        **{
            whole_month: True,
            f"{day}__gte": first_whole,
            f"{day}__lt": after_last_whole,
        }
    )
    days = Q(
        **{whole_month: False, f"{day}__gte": start, f"{day}__lt": first_whole}
    ) | Q(**{whole_month: False, f"{day}__gte": after_last_whole, f"{day}__lte": end})
    return months | days


def histogram_medians(
    histogram: "models.QuerySet[Any]", groups: int
) -> dict[tuple[Any, ...], float]:
    """The median per group of a histogram rollup, taken in the database:
    `histogram` is a values_list queryset of (group columns..., value, count)
    rows, one per group and value (grouped already); `groups` says how many
    leading columns make the group. Only one row per group comes back, however
    many values the histogram has. The lower and upper middle ranks of a
    group of `total` counts are floor((total - 1) / 2) and floor(total / 2);
    a row holds rank r when cum - n <= r < cum (cum: the running count up to
    and including it), written doubled so that both databases compare
    integers. The median is the mean of the two middle values, as
    statistics.median. Group values come back as the database gives them
    (a truncated month may be a string or a datetime on SQLite and
    PostgreSQL): callers normalise them.

    Hand-written SQL (docs/layout.md, "Hand-written SQL"), kept here because
    it is the rollup machinery every app's reports share, not one app's: the
    ORM can annotate the running sums (Window) and, from Django 4.2, filter on
    them, but it cannot group and aggregate over a window's result in the same
    query, nor select from a WITH. Without it each group's whole histogram
    would come into Python to find the middle; with it one row per group comes
    back (docs/bench-eservices.md, "Second run, medians taken in the
    database": before it ~350,000 histogram rows went to Python per national
    median query, 2-4x slower than the old report). Tested on both
    databases through the reports whose medians
    saduak/eservices/tests/test_report_rollups.py checks against
    statistics.median of the applications."""
    # The histogram's own database: the replica on a replica page
    # (core/db_router.py), the primary otherwise.
    reading = connections[histogram.db]
    inner, params = histogram.query.get_compiler(using=histogram.db).as_sql()
    names = [f"g{number}" for number in range(groups)]
    keys = "".join(f"{name}, " for name in names)
    partition = f"PARTITION BY {', '.join(names)} " if names else ""
    grouping = f" GROUP BY {', '.join(names)}" if names else ""
    statement = (
        f"WITH h({keys}v, n) AS ({inner}), "  # noqa: S608 (no user text)
        f"c AS (SELECT {keys}v, n, "
        f"SUM(n) OVER ({partition}ORDER BY v) AS cum, "
        f"SUM(n) OVER ({partition.strip()}) AS total FROM h WHERE n > 0) "
        f"SELECT {keys}(MIN(v) + MAX(v)) / 2.0 FROM c "
        "WHERE (2 * (cum - n) <= total - 1 AND total - 1 < 2 * cum) "
        f"OR (2 * (cum - n) <= total AND total < 2 * cum){grouping}"
    )
    with reading.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    return {tuple(row[:-1]): float(row[-1]) for row in rows if row[-1] is not None}
