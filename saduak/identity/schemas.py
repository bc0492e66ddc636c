from datetime import date, datetime

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
    partner_id: int
    partner: str
    counts: dict[str, int]
    total: int
