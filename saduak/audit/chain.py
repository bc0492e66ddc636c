"""The hash of one audit event: SHA-256 over a canonical JSON of its content and the
hash of the event before it."""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "before",
    "after",
    "office_id",
    "district_code",
    "province_code",
    "request_id",
    "previous_hash",
)


def _normal(value: Any) -> Any:
    if isinstance(value, datetime):
        # Both SQLite and PostgreSQL keep microseconds, so this text survives a round
        # trip through either.
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def json_safe(value: Any) -> Any:
    """What a JSONField gives back after storing `value`, so the hash taken before the
    write matches the one taken when verifying."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def event_hash(fields: dict[str, Any]) -> str:
    payload = {name: _normal(fields.get(name)) for name in HASHED_FIELDS}
    text = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder
    )
    return hashlib.sha256(text.encode()).hexdigest()
