from datetime import datetime
from typing import Any

from ninja import Schema


class AuditEventOut(Schema):
    id: int
    sequence: int | None  # null until the sequencer seals the event
    occurred_at: datetime
    actor_label: str
    action: str
    target_type: str
    target_id: str
    target_label: str
    before: Any = None
    after: Any = None
    office_id: int | None
    district_code: str
    province_code: str
    request_id: str
    hash: str | None
