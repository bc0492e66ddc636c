from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from saduak.notifications.addresses import THAI_MOBILE


class ServiceOut(Schema):
    code: str
    group: str
    name: str
    name_th: str
    name_en: str
    fee: Decimal
    fee_note: str
    processing_minutes: int
    steps: list[str]
    documents: list[str]
    not_needed: list[str] = Field(description="Zero Copy: papers no longer needed")
    legal_basis: str
    complaints: str


class OfficeChoiceOut(Schema):
    office: str
    name: str
    district: str | None
    province: str | None
    distance_km: float | None


class DayOut(Schema):
    day: date
    slots: int
    free: int


class SlotOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    free: int


class CallerIn(Schema):
    personal_id: str = Field(max_length=17)
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(pattern=THAI_MOBILE.pattern)


class BookingIn(Schema):
    slot: int
    caller: CallerIn | None = Field(
        None, description="For staff booking a person on the telephone"
    )


class RescheduleIn(Schema):
    slot: int


class BookingOut(Schema):
    reference: str
    status: str
    service: str
    office: str
    office_name: str
    starts_at: datetime
    ends_at: datetime
    name: str
    channel: str
    cancel_reason: str = Field(
        "", description="on_request, moved or office_closed, for a cancelled booking"
    )
    cancel_note: str = Field("", description="What the office said, e.g. the closure")


class TicketIn(Schema):
    service: str = Field(description="Service code")
    priority: bool = False
    phone: str = Field("", pattern=r"^(0\d{9})?$")


class CheckInIn(Schema):
    reference: str = Field(max_length=20)


class TransferIn(Schema):
    service: str = Field(description="Service code at the same office")


class TicketOut(Schema):
    ticket: str
    token: str
    status: str
    kind: str
    service: str
    counter: int | None
    ahead: int
    wait_minutes: int


class BoardEntryOut(Schema):
    ticket: str
    counter: str
    counter_number: int
    announced_at: str


class BoardOut(Schema):
    serving: list[BoardEntryOut]
    waiting: dict[str, int]


class StatsRowOut(Schema):
    key: str
    name: str
    counts: dict[str, int]
    wait_mean_minutes: float | None
    wait_p90_minutes: int | None
    service_mean_minutes: float | None
    service_p90_minutes: int | None
    within_target_share: float | None


class StatsOut(Schema):
    level: str
    code: str
    name: str
    start: date
    end: date
    total: StatsRowOut
    rows: list[StatsRowOut]


class MobileRequestIn(Schema):
    category: Literal["bedridden", "elderly", "disabled", "general", "remote"]
    person_name: str = Field(min_length=1, max_length=200)
    person_personal_id: str = Field("", max_length=17)
    requester_name: str = Field(min_length=1, max_length=200)
    requester_relation: str = Field("", max_length=100)
    contact_phone: str = Field(min_length=9, max_length=12)
    address: str = Field(min_length=1, max_length=300)
    subdistrict: str = Field(
        min_length=6, max_length=6, description="Geocode, e.g. 500101"
    )
    reason: str = Field(min_length=1, max_length=1000)


class MobileRequestOut(Schema):
    reference: str
    status: str
    category: str
    person_name: str
    subdistrict: str
    district: str
    requested_at: datetime
    visit_day: date | None
    outcome_note: str
    status_url: str


class MobileVisitIn(Schema):
    office: str = Field(description="Code of the district office")
    day: date
    requests: list[str] = Field(min_length=1, max_length=100)
    note: str = Field("", max_length=500)


class MobileVisitOut(Schema):
    id: int
    day: date
    subdistrict: str
    requests: list[str]


class MobileCloseIn(Schema):
    outcome: Literal["served", "not_served", "cancelled"]
    note: str = Field("", max_length=500)


class MobileStatsRowOut(Schema):
    key: str
    name: str
    by_category: dict[str, int]
    served: int
    total: int


class MobileStatsOut(Schema):
    fiscal_year: int
    level: str
    name: str
    rows: list[MobileStatsRowOut]
    total: MobileStatsRowOut
