from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class EServiceOut(Schema):
    code: str
    name: str
    name_th: str
    name_en: str
    summary: str
    bureau: str
    version: int
    manual: dict[str, Any] = Field(description="The citizen's manual, both languages")


class ServiceDetailOut(EServiceOut):
    form: dict[str, Any] = Field(
        description="Sections and fields (see docs/eservices.md)"
    )
    stages: list["StageOut"]


class StageOut(Schema):
    code: str
    kind: str
    name: str
    target_days: int


class ApplicationIn(Schema):
    service: str = Field(description="The service's code")
    office: str = Field(description="The code of the office that takes it")


class AnswersIn(Schema):
    answers: dict[str, Any] = Field(
        description="Answers by field key, JSON-shaped as docs/eservices.md says"
    )


class ResubmitIn(Schema):
    message: str = Field("", max_length=3000)


class ActionIn(Schema):
    action: str = Field(description="forward, approve, return or reject")
    message: str = Field("", max_length=3000)
    amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class EventOut(Schema):
    occurred_at: datetime
    kind: str
    action: str
    from_stage: str
    to_stage: str
    message: str


class ApplicationOut(Schema):
    reference: str
    service: str
    version: int
    office: str
    channel: str
    status: str
    outcome: str
    stage: str
    stage_name: str
    stage_due_on: date | None
    request_to_applicant: str
    approved_amount: Decimal | None
    decision_reason: str
    submitted_at: datetime | None
    decided_at: datetime | None
    closed_at: datetime | None
    answers: dict[str, Any]
    timeline: list[EventOut]
    url: str


ServiceDetailOut.model_rebuild()
