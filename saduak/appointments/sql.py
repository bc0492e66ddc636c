"""The appointments app's hand-written SQL. Nothing else in the app writes
SQL; each statement runs on SQLite and PostgreSQL in
`saduak/appointments/tests/test_sql.py` (the suite runs on both).

Why each is hand-written:

- `mobile_rollups_lock` (the recount of people served, `mobile_rollups.py`):
  LOCK TABLE of MobileServedCounts IN SHARE ROW EXCLUSIVE MODE, PostgreSQL
  only, as the e-services' and complaints' recounts do. The ORM has no table
  lock: `select_for_update` locks only rows that exist, and an outcome
  recorded during the recount may create a rollup row the recount then
  replaces or misses. On SQLite every transaction begins IMMEDIATE
  (settings), which already holds the write lock, so there the function does
  nothing (the one vendor branch).
"""

from django.db import connection

from saduak.appointments.models import MobileServedCounts


def takes_locks() -> bool:
    """Whether the lock below is taken (PostgreSQL) or has nothing to do
    (SQLite: IMMEDIATE transactions hold the write lock already)."""
    return connection.vendor == "postgresql"


def mobile_rollups_lock() -> None:
    """Inside the caller's transaction: no other transaction may change
    MobileServedCounts until it ends; reading it stays allowed."""
    if not takes_locks():
        return
    table = connection.ops.quote_name(MobileServedCounts._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
