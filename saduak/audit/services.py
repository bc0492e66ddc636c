"""Writing audit events. Services call `audit_record` inside their transaction, so an
event exists exactly when the change it describes was committed."""

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from saduak.audit.chain import event_hash, json_safe
from saduak.audit.models import AuditChainHead, AuditEvent
from saduak.core.logging import current_request_id


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
    """Appends one event to the chain.

    Locks the chain head row for the rest of the caller's transaction, so events are
    numbered and chained in commit order. `office` (or the district and province codes
    when no office applies) decides which staff may later see the event.
    """
    # No savepoint of its own: an event that cannot be written fails the caller's
    # whole transaction anyway (and a savepoint costs two round trips).
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        scope = _office_scope(office)
        if office is None:
            scope["district_code"] = district_code
            scope["province_code"] = province_code or district_code[:2]
        is_person = actor is not None and getattr(actor, "is_authenticated", False)
        fields: dict[str, Any] = {
            "sequence": head.sequence + 1,
            "occurred_at": timezone.now(),
            "actor_id": actor.pk if is_person else None,
            "actor_label": str(actor)[:200] if is_person else (actor or "system"),
            "action": action,
            "target_type": target._meta.label_lower if target is not None else "",
            "target_id": str(target.pk) if target is not None else "",
            "target_label": str(target)[:300] if target is not None else "",
            "before": json_safe(before),
            "after": json_safe(after),
            "request_id": current_request_id(),
            "previous_hash": head.hash,
            **scope,
        }
        fields["hash"] = event_hash(fields)
        event = AuditEvent.objects.create(**fields)
        head.sequence = event.sequence
        head.hash = event.hash
        head.save(update_fields=["sequence", "hash"])
        return event


def changed_fields(instance: models.Model, names: list[str]) -> dict[str, Any]:
    """The named fields of a model instance, for before/after snapshots."""
    return {name: getattr(instance, name) for name in names}
