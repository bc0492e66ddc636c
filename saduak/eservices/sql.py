"""The e-services app's hand-written SQL. Nothing else in the app writes SQL;
each statement runs on SQLite and PostgreSQL in
`saduak/eservices/tests/test_sql.py` (the suite runs on both).

Why each is hand-written:

- `counts_at_most` (the officer queue's stage tabs, `selectors/queue.py`):
  SELECT n, COUNT(*) FROM (the stage's open cases LIMIT bound + 1) UNION ALL
  ... , one part per stage. The ORM counts one sliced queryset per query
  (`queryset[:n].count()`); it cannot put several such bounded counts in one
  statement (`union()` of counts over sliced subqueries is not expressible).
  Buys one round trip for a page with any number of tabs instead of one per
  tab, while each count still stops at the bound, so a stage with a hundred
  thousand open cases costs no more than one with a thousand (docs/
  bench-eservices.md, "The officer queue"; the one query is tested in
  tests/test_queue_selectors.py).
- `report_rollups_lock` (the report recount, `report_rollups.py`): LOCK TABLE
  of the three report rollups IN SHARE ROW EXCLUSIVE MODE, PostgreSQL only. The ORM
  has no table lock: `select_for_update` locks only rows that exist, and a
  write during the recount may create a rollup row the recount then replaces
  or misses. The lock makes application writes that move the rollups wait
  for the month's transaction. Needed for correctness; on SQLite every
  transaction begins IMMEDIATE (settings), which already holds the write
  lock, so there the function does nothing (the one vendor branch).

Table names come from the models; the queries inside the counts are the
ORM's own SQL with its parameters.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection, connections
from django.db.models import QuerySet

from saduak.eservices.models import (
    ApplicationDecisionCounts,
    ApplicationDecisionMinutes,
    ApplicationReportCounts,
)


def counts_at_most(querysets: Sequence[QuerySet[Any]], bound: int) -> list[int]:
    """How many rows each of `querysets` has, counting at most `bound` + 1 of
    each (a result above `bound` means "more"), in the same order. One
    statement, on the database of the first queryset; none for no querysets."""
    if not querysets:
        return []
    parts: list[str] = []
    params: list[Any] = []
    for number, queryset in enumerate(querysets):
        bounded = queryset.order_by().values("pk")[: bound + 1]
        part, part_params = bounded.query.get_compiler(using=bounded.db).as_sql()
        # The ORM's own SQL, its values passed as parameters.
        parts.append(f"SELECT {number}, COUNT(*) FROM ({part}) AS b{number}")  # noqa: S608
        params.extend(part_params)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        found = {int(number): int(count) for number, count in cursor.fetchall()}
    return [found[number] for number in range(len(querysets))]


def locks_report_rollups() -> bool:
    """Whether `report_rollups_lock` takes a lock (PostgreSQL) or has nothing
    to do (SQLite: IMMEDIATE transactions hold the write lock already)."""
    return connection.vendor == "postgresql"


def report_rollups_lock() -> None:
    """Inside the caller's transaction: no other transaction may change the
    report rollups (ApplicationReportCounts, ApplicationDecisionMinutes,
    ApplicationDecisionCounts) until
    it ends; reading them stays allowed. PostgreSQL only (locks_report_rollups)."""
    if not locks_report_rollups():
        return
    quote = connection.ops.quote_name
    tables = ", ".join(
        quote(model._meta.db_table)
        for model in (
            ApplicationReportCounts,
            ApplicationDecisionMinutes,
            ApplicationDecisionCounts,
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
