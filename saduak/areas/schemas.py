from datetime import date, time

from ninja import Field, Schema


class ProvinceOut(Schema):
    code: str
    name_th: str
    name_en: str
    is_active: bool


class DistrictOut(Schema):
    code: str
    name_th: str
    name_en: str
    province_code: str = Field(alias="province_id")
    is_active: bool


class SubdistrictOut(Schema):
    code: str
    name_th: str
    name_en: str
    district_code: str = Field(alias="district_id")
    postal_codes: list[str]
    is_active: bool

    @staticmethod
    def resolve_postal_codes(obj: object) -> list[str]:
        return str(getattr(obj, "postal_codes", "")).split()


class AreaSearchResult(Schema):
    level: str
    code: str
    name_th: str
    name_en: str


class OpeningPeriod(Schema):
    weekday: int = Field(ge=0, le=6, description="0 = Monday ... 6 = Sunday")
    opens: time
    closes: time


class CounterOut(Schema):
    number: int
    label_th: str
    label_en: str
    is_active: bool


class CounterIn(Schema):
    label_th: str = Field(min_length=1, max_length=100)
    label_en: str = Field("", max_length=100)
    is_active: bool = True


class OfficeOut(Schema):
    code: str
    kind: str
    name_th: str
    name_en: str
    province_code: str | None = Field(alias="province_id")
    district_code: str | None = Field(alias="district_id")
    phone: str
    email: str
    address_th: str
    address_en: str


class OfficeDetailOut(OfficeOut):
    opening_hours: list[OpeningPeriod]
    counters: list[CounterOut]

    @staticmethod
    def resolve_opening_hours(obj: object) -> list[object]:
        return list(obj.opening_hours.all())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_counters(obj: object) -> list[object]:
        return list(obj.counters.all())  # type: ignore[attr-defined]


class OfficeContactIn(Schema):
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    address_th: str | None = Field(None, max_length=300)
    address_en: str | None = Field(None, max_length=300)


class HolidayOut(Schema):
    id: int
    date: date
    name_th: str
    name_en: str
    office_code: str | None = None

    @staticmethod
    def resolve_office_code(obj: object) -> str | None:
        office = getattr(obj, "office", None)
        return office.code if office else None


class HolidayIn(Schema):
    date: date
    name_th: str = Field(min_length=1, max_length=300)
    name_en: str = Field("", max_length=300)
