"""Re-wrapping the data keys of stored files with another master key (key
rotation). File contents are not touched: only `wrapped_key` and
`master_key_id` change, so a million files take seconds."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from saduak.core.uploads import crypto


@dataclass(frozen=True)
class RewrapBatch:
    """One batch, for the caller's audit event."""

    count: int
    to_key_id: str
    from_key_ids: dict[str, int]
    first_id: int
    last_id: int


def encrypted_files_rewrap(
    *,
    model: type[models.Model],
    to_key_id: str | None = None,
    batch_size: int = 500,
    on_batch: Callable[[RewrapBatch], None],
) -> int:
    """Re-wraps the data key of every row of `model` (an `EncryptedFile`, or
    any model with its `wrapped_key` and `master_key_id`) not wrapped with
    `to_key_id` (default: the current master key) with that key.

    Batches of `batch_size` rows in id order, each in its own transaction with
    its rows locked, each row saved with `update_fields=["wrapped_key",
    "master_key_id"]`; `on_batch` is called inside the batch's transaction
    (the caller writes its audit event there). Raises crypto.MasterKeyError
    when a key it needs is not configured, before that batch changes
    anything. Returns how many were re-wrapped."""
    keys = crypto.master_keys()
    target_id = to_key_id or keys.current_id
    target = keys.key(target_id)
    done = 0
    after_pk = 0
    while True:
        with transaction.atomic():
            batch: list[Any] = list(
                model._default_manager.select_for_update()
                .filter(pk__gt=after_pk)
                .exclude(master_key_id=target_id)
                .order_by("pk")
                .only("pk", "wrapped_key", "master_key_id")[:batch_size]
            )
            if not batch:
                return done
            from_ids: dict[str, int] = {}
            for row in batch:
                old_id = row.master_key_id
                data_key = crypto.unwrap_key(row.wrapped_key, keys.key(old_id))
                row.wrapped_key = crypto.wrap_key(data_key, target)
                row.master_key_id = target_id
                row.save(update_fields=["wrapped_key", "master_key_id"])
                from_ids[old_id] = from_ids.get(old_id, 0) + 1
            on_batch(
                RewrapBatch(
                    count=len(batch),
                    to_key_id=target_id,
                    from_key_ids=from_ids,
                    first_id=batch[0].pk,
                    last_id=batch[-1].pk,
                )
            )
        done += len(batch)
        after_pk = batch[-1].pk
