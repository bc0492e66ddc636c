"""Walking the audit chain to find the first broken link."""

from dataclasses import dataclass

from saduak.audit.chain import HASHED_FIELDS, event_hash
from saduak.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    reason: str

    def __str__(self) -> str:
        return f"event {self.sequence}: {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_break: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def verify_chain(*, chunk_size: int = 2000) -> ChainReport:
    """Checks every event in sequence order: numbering without gaps, each event's link
    to the hash of the one before, and each event's own hash over its content. Stops
    at the first break and names it.

    Events deleted from the end are caught by the chain head, unless whoever deleted
    them also rewound the head row: to catch that too, keep the head hash this
    command prints somewhere outside the database (operations.md)."""
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    checked = 0
    fields = ["hash", *HASHED_FIELDS]
    rows = AuditEvent.objects.order_by("sequence").values(*fields).iterator(chunk_size)
    for row in rows:
        sequence = row["sequence"]
        if sequence != expected_sequence:
            return ChainReport(
                checked,
                ChainBreak(
                    expected_sequence,
                    f"missing: the next event found is {sequence} (deleted or renumbered)",
                ),
            )
        if row["previous_hash"] != previous_hash:
            return ChainReport(
                checked,
                ChainBreak(
                    sequence,
                    "does not link to the event before it (reordered or replaced)",
                ),
            )
        if event_hash(row) != row["hash"]:
            return ChainReport(
                checked,
                ChainBreak(sequence, "content does not match its hash (edited)"),
            )
        previous_hash = row["hash"]
        expected_sequence += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence, head.hash) != (checked, previous_hash):
        return ChainReport(
            checked,
            ChainBreak(
                checked + 1,
                f"missing: the chain recorded {head.sequence} events, {checked} remain "
                "(deleted at the end)",
            ),
        )
    return ChainReport(checked, None)
