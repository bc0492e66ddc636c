"""The complaints app's hand-written SQL. Nothing else in the app writes SQL;
each statement runs on SQLite and PostgreSQL in
`saduak/complaints/tests/test_sql.py` (the suite runs on both).

Why each is hand-written:

- `report_rollups_lock` (the report recount, `report_rollups.py`): LOCK TABLE
  of the three report rollups IN SHARE ROW EXCLUSIVE MODE, PostgreSQL only, as
  e-services' recount does. The ORM has no table lock: `select_for_update`
  locks only rows that exist, and a complaint write during the recount may
  create a rollup row the recount then replaces or misses. On SQLite every
  transaction begins IMMEDIATE (settings), which already holds the write
  lock, so there the function does nothing (the one vendor branch).
- `fingerprint_lock` (filing, `services/intake.py`): pg_advisory_xact_lock on
  the complaint's fingerprint, PostgreSQL only. A double tap sends the same
  complaint twice at once; neither request sees the other's uncommitted row,
  and no row exists yet to lock, so the second waits on this lock until the
  first commits and then finds it. The ORM cannot take an advisory lock; a
  unique constraint cannot say "within a minute". Only filings with the same
  fingerprint wait for each other. On SQLite the IMMEDIATE transaction
  already serialises writers.
"""

from django.db import connection

from saduak.complaints.models import (
    ComplaintDurations,
    ComplaintOpenCounts,
    ComplaintReportCounts,
)


def takes_locks() -> bool:
    """Whether the locks below are taken (PostgreSQL) or have nothing to do
    (SQLite: IMMEDIATE transactions hold the write lock already)."""
    return connection.vendor == "postgresql"


def report_rollups_lock() -> None:
    """Inside the caller's transaction: no other transaction may change the
    report rollups until it ends; reading them stays allowed."""
    if not takes_locks():
        return
    quote = connection.ops.quote_name
    tables = ", ".join(
        quote(model._meta.db_table)
        for model in (ComplaintReportCounts, ComplaintDurations, ComplaintOpenCounts)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


def fingerprint_lock(fingerprint: str) -> None:
    """Inside the caller's transaction: filings with the same fingerprint (a
    hex SHA-256) wait for each other until the transaction ends."""
    if not takes_locks():
        return
    # The first 15 hex digits fit a signed 64-bit key.
    key = int(fingerprint[:15], 16)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
