"""Walking the sealed audit chain to find the first broken link, and holding it
against the newest signed checkpoint."""

from dataclasses import dataclass

from saduak.audit.chain import HASHED_FIELDS, event_hash
from saduak.audit.checkpoints import (
    Checkpoint,
    CheckpointUnreadable,
    checkpoint_newest,
)
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
    checkpoint: Checkpoint | None = None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def _walk(chunk_size: int, mark: int) -> tuple[int, str, str, ChainBreak | None]:
    """Every sealed event in sequence order: numbering without gaps, each event's
    link to the hash of the one before, and its own hash over its content. Returns
    the number intact, the last hash, the hash of event `mark` and the break."""
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    marked = ""
    fields = ["hash", *HASHED_FIELDS]
    rows = (
        AuditEvent.objects.filter(sequence__isnull=False)
        .order_by("sequence")
        .values(*fields)
        .iterator(chunk_size)
    )
    for row in rows:
        sequence = row["sequence"]
        problem = ""
        if sequence != expected_sequence:
            sequence = expected_sequence
            problem = (
                f"missing: the next event found is {row['sequence']} "
                "(deleted or renumbered)"
            )
        elif row["previous_hash"] != previous_hash:
            problem = "does not link to the event before it (reordered or replaced)"
        elif event_hash(row) != row["hash"]:
            problem = "content does not match its hash (edited)"
        if problem:
            return (
                expected_sequence - 1,
                previous_hash,
                marked,
                ChainBreak(sequence, problem),
            )
        previous_hash = row["hash"]
        if sequence == mark:
            marked = previous_hash
        expected_sequence += 1
    return expected_sequence - 1, previous_hash, marked, None


def _against_checkpoint(
    checkpoint: Checkpoint, checked: int, marked: str
) -> ChainBreak | None:
    if not checkpoint.signature_valid():
        return ChainBreak(
            checkpoint.count,
            f"the checkpoint {checkpoint.name} is not signed by the audit key "
            "(forged or damaged)",
        )
    if checked < checkpoint.count:
        return ChainBreak(
            checked + 1,
            f"missing: the checkpoint of {checkpoint.sealed_at} recorded "
            f"{checkpoint.count} events, {checked} remain (deleted or rewound)",
        )
    if marked != checkpoint.head_hash:
        return ChainBreak(
            checkpoint.count,
            f"differs from the checkpoint of {checkpoint.sealed_at} "
            "(rewritten or rewound)",
        )
    return None


def verify_chain(*, chunk_size: int = 2000) -> ChainReport:
    """Checks the sealed chain, then that it still holds the newest signed
    checkpoint: at least its count of events, the event at that count having its
    head hash. Stops at the first break and names it.

    A rewound database (events and head row put back to an earlier state) passes
    the walk but not the checkpoint, which was signed with a key the database
    never held. Unsealed events are not part of the chain yet."""
    try:
        checkpoint = checkpoint_newest()
    except CheckpointUnreadable as error:
        return ChainReport(0, ChainBreak(0, f"unreadable checkpoint: {error}"))
    mark = checkpoint.count if checkpoint is not None else 0
    checked, last_hash, marked, broken = _walk(chunk_size, mark)
    if broken is not None:
        return ChainReport(checked, broken, checkpoint)
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence, head.hash) != (checked, last_hash):
        return ChainReport(
            checked,
            ChainBreak(
                checked + 1,
                f"missing: the chain recorded {head.sequence} events, {checked} "
                "remain (deleted at the end)",
            ),
            checkpoint,
        )
    if checkpoint is not None:
        broken = _against_checkpoint(checkpoint, checked, marked)
    return ChainReport(checked, broken, checkpoint)
