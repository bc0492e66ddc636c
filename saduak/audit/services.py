"""Writing audit events. Services call `audit_record` inside their transaction, so an
event exists exactly when the change it describes was committed.

The event is a plain row: no lock, no sequence, no hashes. The sequencer
(sequencer.py) numbers and chains committed events shortly after, in commit order,
so audited writes never wait on one another."""

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils import timezone

from saduak.audit.chain import json_safe
from saduak.audit.models import AuditEvent
from saduak.core.logging import current_request_id
from saduak.core.uploads.rewrap import RewrapBatch


def _office_scope(office: Any) -> dict[str, Any]:
    if office is None:
        return {"office_id": None, "district_code": "", "province_code": ""}
    return {
        "office_id": office.pk,
        "district_code": office.district_id or "",
        "province_code": office.province_id or "",
    }


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    office: Any = None,
    district_code: str = "",
    province_code: str = "",
) -> AuditEvent:
    """Writes one unsealed event in the caller's transaction (one INSERT).

    `office` (or the district and province codes when no office applies) decides
    which staff may later see the event. `before`/`after` are stored as JSON gives
    them back (json_safe), so the hash the sequencer takes matches verification's.
    """
    scope = _office_scope(office)
    if office is None:
        scope["district_code"] = district_code
        scope["province_code"] = province_code or district_code[:2]
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        occurred_at=timezone.now(),
        actor_id=actor.pk if is_person else None,
        actor_label=str(actor)[:200] if is_person else (actor or "system"),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        before=json_safe(before),
        after=json_safe(after),
        request_id=current_request_id(),
        **scope,
    )


def changed_fields(instance: models.Model, names: list[str]) -> dict[str, Any]:
    """The named fields of a model instance, for before/after snapshots."""
    return {name: getattr(instance, name) for name in names}


def rewrap_batch_auditor(*, actor: str, action: str) -> Callable[[RewrapBatch], None]:
    """The `on_batch` of `core.uploads.rewrap.encrypted_files_rewrap` that
    every app's key rotation uses: one event `action` a batch, saying how
    many data keys were re-wrapped, to which key, from which, and the ids."""

    def audit(batch: RewrapBatch) -> None:
        audit_record(
            actor=actor,
            action=action,
            after={
                "count": batch.count,
                "to_key_id": batch.to_key_id,
                "from_key_ids": batch.from_key_ids,
                "first_id": batch.first_id,
                "last_id": batch.last_id,
            },
        )

    return audit
