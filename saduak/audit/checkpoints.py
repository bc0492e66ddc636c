"""Signed checkpoints of the sealed chain, kept in the private file storage.

After each sequencer run that sealed events, one small JSON file records how many
events the chain holds and the hash of the last one, with the time, signed with the
Ed25519 key kept outside the database (keys.py). Someone who rewinds or rewrites the
database cannot make the chain agree with the newest checkpoint again, and cannot
sign a new one (`audit_verify` checks both).

Files are named by the count they record, zero-padded, in folders of ten million
events, plus the time: the newest is the last name of the last folder (two
listings, however many files there are), and a name is never reused. One file per
sequencer run keeps the count at about one per run interval, not one per event.
"""

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from saduak.audit.keys import signing_key, verify_key
from saduak.core.memo import ProcessMemo

FOLDER_WIDTH = 10_000_000  # events per folder
COUNT_DIGITS = 15
CONTEXT = b"saduak audit checkpoint v1\n"  # a signature made for nothing else


@dataclass(frozen=True)
class Checkpoint:
    count: int
    head_hash: str
    sealed_at: str
    signature: str
    name: str = ""

    def signed_bytes(self) -> bytes:
        return CONTEXT + _canonical(self.count, self.head_hash, self.sealed_at)

    def signature_valid(self) -> bool:
        try:
            verify_key().verify(base64.b64decode(self.signature), self.signed_bytes())
        except (InvalidSignature, ValueError):
            return False
        return True


class CheckpointUnreadable(ValueError):
    """The newest checkpoint file is not a checkpoint (damaged or forged)."""


def _canonical(count: int, head_hash: str, sealed_at: str) -> bytes:
    body = {"count": count, "head_hash": head_hash, "sealed_at": sealed_at}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _folder() -> str:
    return str(settings.AUDIT_CHECKPOINT_DIR).rstrip("/")


def checkpoint_write(*, count: int, head_hash: str) -> Checkpoint:
    """Signs and stores a checkpoint of the chain as sealed now."""
    now = datetime.now(UTC)
    sealed_at = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    signature = base64.b64encode(
        signing_key().sign(CONTEXT + _canonical(count, head_hash, sealed_at))
    ).decode()
    content = {
        "count": count,
        "head_hash": head_hash,
        "sealed_at": sealed_at,
        "signature": signature,
    }
    name = (
        f"{_folder()}/{count // FOLDER_WIDTH:06d}/"
        f"{count:0{COUNT_DIGITS}d}-{now.strftime('%Y%m%dT%H%M%S%fZ')}.json"
    )
    stored = default_storage.save(
        name, ContentFile(json.dumps(content, indent=1).encode())
    )
    checkpoint = Checkpoint(count, head_hash, sealed_at, signature, stored)
    _newest_known.set(NEWEST, checkpoint)
    return checkpoint


# The sequencer checks the chain against the newest checkpoint before every run, every
# few seconds. Listing the storage for it costs more as files pile up (and is a
# request each on S3), so the newest this process wrote or found is remembered for a
# while (core/memo.py, rule 3): one written by another sequencer process is found
# within that time. audit_verify always lists (checkpoint_newest).
NEWEST = "newest"
_newest_known = ProcessMemo(seconds=300, size=1)


def checkpoint_newest_known() -> Checkpoint | None:
    """checkpoint_newest, remembered in this process for up to five minutes."""
    return _newest_known.get_or_set(NEWEST, checkpoint_newest)


def _last(names: list[str]) -> list[str]:
    return sorted(names, reverse=True)


def checkpoint_newest() -> Checkpoint | None:
    """The checkpoint with the highest count (the newest unless the chain was
    rewound, and then the one that shows it), or None before the first."""
    folder = _folder()
    try:
        subfolders, _files = default_storage.listdir(folder)
    except FileNotFoundError:
        return None
    for sub in _last(subfolders):
        _dirs, files = default_storage.listdir(f"{folder}/{sub}")
        names = [name for name in files if name.endswith(".json")]
        if names:
            return checkpoint_read(f"{folder}/{sub}/{_last(names)[0]}")
    return None


def checkpoint_read(name: str) -> Checkpoint:
    try:
        with default_storage.open(name, "rb") as handle:
            content: Any = json.loads(handle.read())
        return Checkpoint(
            count=int(content["count"]),
            head_hash=str(content["head_hash"]),
            sealed_at=str(content["sealed_at"]),
            signature=str(content["signature"]),
            name=name,
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CheckpointUnreadable(f"{name}: {error}") from error
