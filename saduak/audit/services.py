"""Writing audit events. Services call `audit_record` inside their transaction, so an
event exists exactly when the change it describes was committed."""

import functools
from typing import Any

from django.db import connections, models, router, transaction
from django.utils import timezone

from saduak.audit.chain import event_hash, json_safe
from saduak.audit.models import AuditChainHead, AuditEvent
from saduak.core.logging import current_request_id
from saduak.core.rows import column_of, insert, run


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
        connection = connections[router.db_for_write(AuditEvent)]
        sequence, previous_hash = _locked_head(connection)
        scope = _office_scope(office)
        if office is None:
            scope["district_code"] = district_code
            scope["province_code"] = province_code or district_code[:2]
        is_person = actor is not None and getattr(actor, "is_authenticated", False)
        fields: dict[str, Any] = {
            "sequence": sequence + 1,
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
            "previous_hash": previous_hash,
            **scope,
        }
        fields["hash"] = event_hash(fields)
        # Every change in Saduak writes one: prepared statements, not the ORM's.
        event = AuditEvent(**fields)
        insert(event, connection)
        run(
            connection,
            _head_update_sql(connection.alias),
            [event.sequence, event.hash],
        )
        return event


HEAD = 1  # the one row of AuditChainHead


def _locked_head(connection: Any) -> tuple[int, str]:
    """The chain head's sequence and hash, locked until the transaction ends
    (on SQLite the transaction's write lock serves)."""
    found = run(connection, _head_lock_sql(connection.alias), [])
    if found is None:  # the first event ever
        AuditChainHead.objects.get_or_create(pk=HEAD)
        found = run(connection, _head_lock_sql(connection.alias), [])
    return int(found[0]), str(found[1])


def _head_columns(alias: str) -> tuple[str, str, str, str]:
    quote = connections[alias].ops.quote_name
    return (
        quote(AuditChainHead._meta.db_table),
        quote(column_of(AuditChainHead, "sequence")),
        quote(column_of(AuditChainHead, "hash")),
        quote(column_of(AuditChainHead, "pk")),
    )


@functools.cache
def _head_lock_sql(alias: str) -> str:
    table, sequence, hash_, pk = _head_columns(alias)
    lock = " FOR UPDATE" if connections[alias].features.has_select_for_update else ""
    return f"SELECT {sequence}, {hash_} FROM {table} WHERE {pk} = {HEAD}{lock}"  # noqa: S608


@functools.cache
def _head_update_sql(alias: str) -> str:
    table, sequence, hash_, pk = _head_columns(alias)
    return f"UPDATE {table} SET {sequence} = %s, {hash_} = %s WHERE {pk} = {HEAD}"  # noqa: S608


def changed_fields(instance: models.Model, names: list[str]) -> dict[str, Any]:
    """The named fields of a model instance, for before/after snapshots."""
    return {name: getattr(instance, name) for name in names}
