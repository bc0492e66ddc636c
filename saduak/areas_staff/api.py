"""Areas and offices over the API. Reading is open to everyone; changing an office
needs a signed-in manager of that office."""

from datetime import date

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from saduak.accounts.api_auth import STAFF_OR_MACHINE
from saduak.accounts.matrix import Action
from saduak.accounts.permissions import acting_user
from saduak.areas import selectors
from saduak.areas.choices import OfficeKind
from saduak.areas.models import District, Holiday, Office, Province, Subdistrict
from saduak.areas.schemas import (
    AreaSearchResult,
    CounterIn,
    CounterOut,
    DistrictOut,
    HolidayIn,
    HolidayOut,
    OfficeContactIn,
    OfficeDetailOut,
    OfficeOut,
    OpeningPeriod,
    ProvinceOut,
    SubdistrictOut,
)
from saduak.areas_staff import services
from saduak.core.pagination import ApiPagination

router = Router()
offices_router = Router()

PROVINCE_CODE = r"^\d{2}$"
DISTRICT_CODE = r"^\d{4}$"
SUBDISTRICT_CODE = r"^\d{6}$"
SEARCH = Query("", max_length=100, description="Part of a Thai or English name")


@router.get("/provinces", response=list[ProvinceOut])
@paginate(ApiPagination)
def list_provinces(request: HttpRequest, search: str = SEARCH) -> list[Province]:
    return selectors.province_list(search=search)  # type: ignore[return-value]


@router.get("/provinces/{code}", response=ProvinceOut)
def get_province(request: HttpRequest, code: str) -> Province:
    return selectors.province_get(code)


@router.get("/districts", response=list[DistrictOut])
@paginate(ApiPagination)
def list_districts(
    request: HttpRequest,
    province: str | None = Query(
        None, pattern=PROVINCE_CODE, description="Province code"
    ),
    search: str = SEARCH,
) -> list[District]:
    return selectors.district_list(province_code=province, search=search)  # type: ignore[return-value]


@router.get("/districts/{code}", response=DistrictOut)
def get_district(request: HttpRequest, code: str) -> District:
    return selectors.district_get(code)


@router.get("/subdistricts", response=list[SubdistrictOut])
@paginate(ApiPagination)
def list_subdistricts(
    request: HttpRequest,
    district: str | None = Query(
        None, pattern=DISTRICT_CODE, description="District code"
    ),
    postal_code: str = Query("", pattern=r"^(\d{5})?$"),
    search: str = SEARCH,
) -> list[Subdistrict]:
    return selectors.subdistrict_list(  # type: ignore[return-value]
        district_code=district, postal_code=postal_code, search=search
    )


@router.get("/subdistricts/{code}", response=SubdistrictOut)
def get_subdistrict(request: HttpRequest, code: str) -> Subdistrict:
    return selectors.subdistrict_get(code)


@router.get("/search", response=list[AreaSearchResult])
def search_areas(
    request: HttpRequest,
    q: str = Query(
        ..., min_length=1, max_length=100, description="Thai or English name"
    ),
    limit: int = Query(10, ge=1, le=50),
) -> list[dict[str, str]]:
    return [
        {
            "level": area._meta.model_name or "",
            "code": area.code,
            "name_th": area.name_th,
            "name_en": area.name_en,
        }
        for area in selectors.area_search(q, limit=limit)
    ]


@router.get("/holidays", response=list[HolidayOut])
def list_national_holidays(
    request: HttpRequest, start: date | None = None
) -> list[Holiday]:
    return list(selectors.holiday_list(start=start))


@router.post(
    "/holidays",
    response={201: HolidayOut},
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.HOLIDAY_NATIONAL_EDIT},
)
def add_national_holiday(request: HttpRequest, payload: HolidayIn) -> Status:
    holiday = services.holiday_add(
        actor=acting_user(request),
        day=payload.date,
        name_th=payload.name_th,
        name_en=payload.name_en,  # type: ignore[arg-type]
    )
    return Status(201, holiday)


@router.delete(
    "/holidays/{day}",
    response={204: None},
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.HOLIDAY_NATIONAL_EDIT},
)
def remove_holiday(request: HttpRequest, day: date) -> Status:
    services.holiday_remove(actor=acting_user(request), day=day)
    return Status(204, None)


@offices_router.get("", response=list[OfficeOut])
@paginate(ApiPagination)
def list_offices(
    request: HttpRequest,
    search: str = SEARCH,
    kind: OfficeKind | None = None,
    province: str | None = Query(None, pattern=PROVINCE_CODE),
    district: str | None = Query(None, pattern=DISTRICT_CODE),
) -> list[Office]:
    return selectors.office_list(  # type: ignore[return-value]
        search=search, kind=kind, province_code=province, district_code=district
    )


@offices_router.get("/{code}", response=OfficeDetailOut)
def get_office(request: HttpRequest, code: str) -> Office:
    return selectors.office_get(code)


@offices_router.patch(
    "/{code}",
    response=OfficeDetailOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.OFFICE_UPDATE_CONTACT},
)
def update_office(request: HttpRequest, code: str, payload: OfficeContactIn) -> Office:
    office = selectors.office_get(code)
    values = payload.dict(exclude_unset=True, exclude_none=True)
    services.office_update_contact(office=office, actor=acting_user(request), **values)  # type: ignore[arg-type]
    return selectors.office_get(code)


@offices_router.put(
    "/{code}/opening-hours",
    response=OfficeDetailOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.OFFICE_SET_OPENING_HOURS},
)
def set_opening_hours(
    request: HttpRequest, code: str, payload: list[OpeningPeriod]
) -> Office:
    office = selectors.office_get(code)
    periods = [services.Period(p.weekday, p.opens, p.closes) for p in payload]
    services.office_set_opening_hours(
        office=office, actor=acting_user(request), periods=periods
    )  # type: ignore[arg-type]
    return selectors.office_get(code)


@offices_router.put(
    "/{code}/counters/{number}",
    response=CounterOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.OFFICE_COUNTER_SAVE},
)
def save_counter(
    request: HttpRequest, code: str, number: int, payload: CounterIn
) -> object:
    office = selectors.office_get(code)
    return services.counter_save(
        office=office,
        actor=acting_user(request),
        number=number,
        **payload.dict(),  # type: ignore[arg-type]
    )


@offices_router.get("/{code}/holidays", response=list[HolidayOut])
def list_office_holidays(
    request: HttpRequest, code: str, start: date | None = None
) -> list[Holiday]:
    return list(selectors.holiday_list(office=selectors.office_get(code), start=start))


@offices_router.post(
    "/{code}/holidays",
    response={201: HolidayOut},
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.OFFICE_CLOSURE_ADD},
)
def add_office_closure(request: HttpRequest, code: str, payload: HolidayIn) -> Status:
    office = selectors.office_get(code)
    holiday = services.holiday_add(
        actor=acting_user(request),
        day=payload.date,
        name_th=payload.name_th,
        name_en=payload.name_en,
        office=office,
    )
    return Status(201, holiday)


@offices_router.delete(
    "/{code}/holidays/{day}",
    response={204: None},
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.OFFICE_CLOSURE_REMOVE},
)
def remove_office_closure(request: HttpRequest, code: str, day: date) -> Status:
    services.holiday_remove(
        actor=acting_user(request), day=day, office=selectors.office_get(code)
    )
    return Status(204, None)
