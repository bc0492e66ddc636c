"""Is the read replica usable, and how far behind the primary is it?
(docs/operations.md section 14, "Read replicas".)

The answer is measured at most every CHECK_SECONDS in each process and kept in
the process's memory (rule 3 of core/memo.py: a few seconds of staleness is
the point), so that a crowd reading the ranking does not ask the replica about
itself on every request. A replica that cannot be reached is remembered as
down for DOWN_SECONDS, so that a dead replica costs one failed connection per
process every few seconds, not one per request. Nothing here raises: a
replica that fails is only a reason to read from the primary."""

import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

from saduak.core.memo import ProcessMemo

logger = logging.getLogger("saduak.replica")

REPLICA_ALIAS = "replica"
# How often a process measures the replica's lag while it is up.
CHECK_SECONDS = 5.0
# How long a process leaves a replica alone after a failure.
DOWN_SECONDS = 10.0

# The lag: 0 when the replica has replayed all the WAL it has received (an idle
# primary sends no transactions, so the time since the last replayed one would
# otherwise grow without the replica being behind at all); otherwise the age of
# the last transaction replayed. A server that is not in recovery is the primary
# itself (a test mirror, or a replica promoted after a failover): never behind.
# NULL (a replica that has received WAL but replayed no transaction yet) is
# treated as too far behind.
LAG_SQL = (
    "SELECT CASE"
    " WHEN NOT pg_is_in_recovery() THEN 0"
    " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
    " END"
)

UP, DOWN, LAGGING, OFF = "up", "down", "lagging", "off"


@dataclass(frozen=True)
class ReplicaState:
    """What a process last learnt about the replica. `lag_seconds` is None when
    it is down or its lag is unknown; `measured_at` is when it was asked."""

    status: str
    lag_seconds: float | None
    measured_at: datetime

    @property
    def usable(self) -> bool:
        return self.status == UP

    def data_as_of(self) -> datetime:
        """A time the replica's data is at least as recent as: it only moves
        forward, so the moment measured less the lag then is a safe bound."""
        return self.measured_at - timedelta(seconds=self.lag_seconds or 0.0)


_state = ProcessMemo(seconds=max(CHECK_SECONDS, DOWN_SECONDS), size=1)
# One thread of a process measures at a time; the others meanwhile read from
# the primary rather than queue behind a replica that may be hanging.
_measuring = threading.Lock()


def replica_configured() -> bool:
    """A replica is configured (DATABASE_REPLICA_URL) and reads may use it
    (REPLICA_READS, on unless an operator turns it off)."""
    return REPLICA_ALIAS in settings.DATABASES and bool(
        getattr(settings, "REPLICA_READS", True)
    )


def replica_state() -> ReplicaState:
    """The replica's state as this process last measured it, measured afresh
    when that is more than CHECK_SECONDS old (DOWN_SECONDS after a failure)."""
    if not replica_configured():
        return ReplicaState(OFF, None, timezone.now())
    remembered: ReplicaState | None = _state.get(REPLICA_ALIAS)
    if remembered is not None:
        return remembered
    if not _measuring.acquire(blocking=False):
        return ReplicaState(DOWN, None, timezone.now())
    try:
        measured = _measure()
    finally:
        _measuring.release()
    _remember(measured)
    return measured


def replica_mark_down(error: BaseException | None = None) -> None:
    """A query on the replica failed in the middle of a request: leave it alone
    for DOWN_SECONDS in this process, and drop the broken connection."""
    logger.warning("read replica failed; reading from the primary", exc_info=error)
    _remember(ReplicaState(DOWN, None, timezone.now()))
    _close_quietly()


def _remember(state: ReplicaState) -> None:
    previous: ReplicaState | None = _state.get(REPLICA_ALIAS)
    if state.status != UP and (previous is None or previous.status != state.status):
        logger.warning(
            "read replica %s (lag %s s); reads go to the primary",
            state.status,
            "unknown" if state.lag_seconds is None else round(state.lag_seconds, 1),
        )
    _state.set(
        REPLICA_ALIAS,
        state,
        seconds=DOWN_SECONDS if state.status == DOWN else CHECK_SECONDS,
    )


def _measure() -> ReplicaState:
    started = timezone.now()
    lag = _lag_seconds()
    if lag is None:
        return ReplicaState(DOWN, None, started)
    if lag > settings.REPLICA_MAX_LAG_SECONDS:
        return ReplicaState(LAGGING, lag, started)
    return ReplicaState(UP, lag, started)


def _lag_seconds() -> float | None:
    """The replica's lag in seconds (float("inf") when it has replayed nothing
    yet), or None when it cannot be reached."""
    connection = connections[REPLICA_ALIAS]
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(LAG_SQL)
            else:
                # SQLite has no streaming replication: a "replica" alias can
                # only be another connection to the same file (the test
                # mirror), which is never behind.
                cursor.execute("SELECT 0")
            row = cursor.fetchone()
    # Whatever the driver raises (refused, timed out, authentication, a
    # PgBouncer with no server): the replica is down, and reads go elsewhere.
    except Exception as error:
        logger.warning(
            "read replica unreachable after %.1f s",
            time.monotonic() - started,
            exc_info=error,
        )
        _close_quietly()
        return None
    value = row[0] if row else None
    return float("inf") if value is None else max(0.0, float(value))


def _close_quietly() -> None:
    with contextlib.suppress(DatabaseError):
        connections[REPLICA_ALIAS].close()
