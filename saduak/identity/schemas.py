from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema


class IdentityCheckIn(Schema):
    personal_id: str = Field(max_length=20, description="13 digits; dashes allowed")
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    birth_date: date


class IdentityCheckOut(Schema):
    match: bool = Field(description="The ID belongs to this name and date of birth")
    card_valid: bool
    reasons: list[str] = Field(
        description="not_found, first_name_mismatch, last_name_mismatch, "
        "birth_date_mismatch, card_expired, card_revoked"
    )


class DataAccessOut(Schema):
    occurred_at: datetime
    accessor_kind: str
    accessor: str
    office: str | None
    channel: str
    data_items: list[str]
    data_labels: list[str]
    purpose: str


class PartnerUsageOut(Schema):
    partner_id: UUID
    partner: str
    counts: dict[str, int]
    total: int


class EnrolmentCodeIn(Schema):
    office_code: str = Field(max_length=32)
    personal_id: str = Field(max_length=20)
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    birth_date: date
    card_expiry: date


class EnrolmentCodeOut(Schema):
    url: str = Field(description="Show this as a QR code to the citizen; it works once")
    expires_at: datetime


class SignInSessionOut(Schema):
    id: UUID = Field(alias="public_id")
    user_agent: str
    assurance_level: int
    started_at: datetime
    last_seen_at: datetime


class SecondFactorResetIn(Schema):
    personal_id: str = Field(max_length=20, description="The staff member's")
