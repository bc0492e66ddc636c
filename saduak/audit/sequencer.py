"""The sequencer: the one place that numbers and chains audit events.

Services write events as plain, unsealed rows in their own transaction
(services.audit_record). The sequencer later takes the committed ones in batches,
gives each the next sequence number, the previous event's hash and its own hash
(chain.event_hash), and after the run signs a checkpoint (checkpoints.py).

Only one sequencer works at a time: on PostgreSQL a transaction-level advisory lock
(a second one skips its turn), on SQLite the database's write lock, taken first.

Commit order. An event's id is taken at INSERT, before its transaction commits, so
a transaction that commits later can hold a lower id. The sequencer therefore seals
only events that no transaction still open can precede:

- PostgreSQL: an event qualifies when the transaction that wrote it (its row's
  xmin) is older than every transaction of this database still in progress in the
  sequencer's snapshot (the snapshot's xip, narrowed to this database's backends,
  since the snapshot covers the whole cluster). xmin is a 32-bit xid and the
  snapshot holds 64-bit xid8 values: both are compared modulo 2^32, as PostgreSQL
  compares xids. A long transaction in this database holds sealing back until it
  ends (docs/operations.md §11).
- SQLite: one writer at a time. With the write lock held, everything visible is
  committed and nothing open can precede it.

Within a batch events are chained in id order. Seals are written with one
statement per chunk (UPDATE ... FROM (VALUES ...) on PostgreSQL, executemany on
SQLite); the append-only triggers (guard.py) let exactly this update through.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections, router, transaction

from saduak.audit.chain import HASHED_FIELDS, event_hash
from saduak.audit.checkpoints import (
    Checkpoint,
    checkpoint_newest_known,
    checkpoint_write,
)
from saduak.audit.keys import AuditKeyError, signing_key
from saduak.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent

logger = logging.getLogger(__name__)

HEAD = 1  # the one row of AuditChainHead
ADVISORY_LOCK = 0x5ADA_A0D1  # pg_try_advisory_xact_lock key: "the sequencer runs"
CONTENT_FIELDS = [
    name for name in HASHED_FIELDS if name not in ("sequence", "previous_hash")
]
WRITE_CHUNK = 1000  # rows per UPDATE statement (4 parameters each)

# The oldest transaction of this database still open in the statement's snapshot,
# as a 32-bit xid (NULL when there is none). Only transactions in the snapshot's
# xip can commit after it; the backends' list narrows them to this database.
_PG_HORIZON = """
    (SELECT mod(min(x::text::bigint), 4294967296)
     FROM pg_snapshot_xip(pg_current_snapshot()) AS x
     WHERE mod(x::text::bigint, 4294967296) IN (
         SELECT backend_xid::text::bigint FROM pg_stat_activity
         WHERE datname = current_database() AND backend_xid IS NOT NULL
         UNION ALL
         SELECT transaction::text::bigint FROM pg_prepared_xacts
         WHERE database = current_database()))
"""
# The row's xmin precedes the horizon, modulo 2^32 (1 and 2 are the bootstrap and
# frozen xids: always committed long ago).
_PG_READY = f"""
    ({_PG_HORIZON} IS NULL
     OR "audit_auditevent".xmin::text::bigint < 3
     OR mod({_PG_HORIZON} - "audit_auditevent".xmin::text::bigint + 4294967296,
            4294967296) BETWEEN 1 AND 2147483647)
"""


class ChainDisagreesWithCheckpoint(RuntimeError):
    """The sealed chain no longer holds the newest signed checkpoint: the database
    was rewound or rewritten. The sequencer stops rather than sign the new state;
    an operator investigates (docs/operations.md §11)."""


@dataclass(frozen=True)
class SealRun:
    """What one run did: events sealed, the chain's length and head afterwards,
    and the checkpoint written (None when nothing was sealed or another sequencer
    held the lock, `busy`)."""

    sealed: int
    count: int
    head_hash: str
    checkpoint: Checkpoint | None = None
    busy: bool = False


def seal_pending(*, batch_size: int | None = None) -> SealRun:
    """Seals every event ready now, batch after batch, then signs a checkpoint.

    The checkpoint is written after the seals commit, so it never names a chain
    the database does not hold."""
    alias = router.db_for_write(AuditEvent)
    size = batch_size or int(settings.AUDIT_SEAL_BATCH)
    signing_key()  # no key, no sealing: every sealed run must end signed
    _check_against_newest_checkpoint(alias)
    sealed = 0
    count, head_hash = 0, GENESIS_HASH
    busy = False
    while True:
        batch = _seal_batch(alias, size)
        if batch is None:  # another sequencer took over (or had the lock)
            busy = True
            break
        done, count, head_hash = batch
        sealed += done
        if done < size:
            break
    checkpoint = None
    if sealed:
        checkpoint = checkpoint_write(count=count, head_hash=head_hash)
        logger.info("audit: sealed %s events, chain at %s", sealed, count)
    return SealRun(sealed, count, head_hash, checkpoint, busy=busy)


def _check_against_newest_checkpoint(alias: str) -> None:
    """Refuses to extend a chain that was rewound or rewritten below the newest
    checkpoint: signing its new state would bury the evidence."""
    checkpoint = checkpoint_newest_known()
    if checkpoint is None:
        return
    found = (
        AuditEvent.objects.using(alias)
        .filter(sequence=checkpoint.count)
        .values_list("hash", flat=True)
        .first()
    )
    if found != checkpoint.head_hash:
        logger.error(
            "audit: the chain does not hold checkpoint %s; not sealing",
            checkpoint.name,
        )
        raise ChainDisagreesWithCheckpoint(
            f"The audit chain no longer holds event {checkpoint.count} as signed in "
            f"{checkpoint.name}: the database was rewound or rewritten. Run "
            "audit_verify; nothing is sealed until this is resolved."
        )


def _seal_batch(alias: str, size: int) -> tuple[int, int, str] | None:
    """One transaction: up to `size` events sealed. None when another sequencer
    is at work."""
    connection = connections[alias]
    with transaction.atomic(using=alias):
        if not _take_the_sequencer_lock(connection):
            return None
        head = _head(alias)
        pending = AuditEvent.objects.using(alias).filter(sequence__isnull=True)
        if connection.vendor == "postgresql":
            # A constant condition, no parameters (the query needs xmin).
            pending = pending.extra(where=[_PG_READY])  # noqa: S610
        rows = list(pending.order_by("id").values("id", *CONTENT_FIELDS)[:size])
        if not rows:
            return 0, head.sequence, head.hash
        sequence, previous_hash = head.sequence, head.hash
        seals = []
        for row in rows:
            sequence += 1
            fields = {**row, "sequence": sequence, "previous_hash": previous_hash}
            previous_hash = event_hash(fields)
            seals.append((row["id"], sequence, fields["previous_hash"], previous_hash))
        _write_seals(connection, seals)
        AuditChainHead.objects.using(alias).filter(pk=HEAD).update(
            sequence=sequence, hash=previous_hash
        )
        return len(rows), sequence, previous_hash


def _take_the_sequencer_lock(connection: Any) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK])
            return bool(cursor.fetchone()[0])
        # SQLite: a write first, so this transaction holds the write lock before it
        # reads anything (waiting for open writers to finish).
        table = connection.ops.quote_name(AuditChainHead._meta.db_table)
        cursor.execute(f"UPDATE {table} SET id = id WHERE id = %s", [HEAD])  # noqa: S608
        return True


def _head(alias: str) -> AuditChainHead:
    head, _created = AuditChainHead.objects.using(alias).get_or_create(pk=HEAD)
    return head


def _write_seals(connection: Any, seals: list[tuple[int, int, str, str]]) -> None:
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(
                f"UPDATE {table} SET sequence = %s, previous_hash = %s, hash = %s "  # noqa: S608
                "WHERE id = %s",
                [(number, previous, own, pk) for pk, number, previous, own in seals],
            )
            return
        for start in range(0, len(seals), WRITE_CHUNK):
            chunk = seals[start : start + WRITE_CHUNK]
            values = ", ".join(["(%s::bigint, %s::bigint, %s, %s)"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} AS event SET sequence = seal.sequence, "  # noqa: S608
                "previous_hash = seal.previous_hash, hash = seal.hash "
                f"FROM (VALUES {values}) AS seal(id, sequence, previous_hash, hash) "
                "WHERE event.id = seal.id",
                [value for seal in chunk for value in seal],
            )


def seal_on_demand() -> SealRun | None:
    """Seals before the chain is read (the staff audit log, audit_verify), for
    installations without the scheduled task (the embedded demo: Celery eager, no
    beat). Without a signing key it leaves sealing to the sequencer that has one."""
    try:
        return seal_pending()
    except (AuditKeyError, ChainDisagreesWithCheckpoint) as error:
        logger.warning("audit: not sealing on demand: %s", error)
        return None
