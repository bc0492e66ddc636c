"""The areas' acting services and API writes, for the role x action walk
(tests/test_role_matrix.py)."""

from datetime import date, time
from typing import Any

from saduak.accounts.matrix import Action
from saduak.accounts.tests.matrix_walk import Scenario, api_call
from saduak.areas.models import Counter, Holiday, Office, OpeningHours
from saduak.areas_staff import services

OFFICE = "reg-5001"
DAY = date(2099, 12, 24)


def _office(request: Any) -> Office:
    request.getfixturevalue("small_map")
    return Office.objects.get(code=OFFICE)


def _api(request: Any, actor: Any, method: str, path: str, body: Any = None) -> Any:
    return api_call(request, actor, method, f"/api/v1{path}", body)


def _closure(request: Any) -> Office:
    office = _office(request)
    Holiday.objects.create(date=DAY, name_th="ปิด", office=office)
    return office


def _national(request: Any) -> None:
    _office(request)
    Holiday.objects.create(date=DAY, name_th="หยุด")


def _phone(office: Office) -> str:
    office.refresh_from_db()
    return office.phone


def _hours(office: Office) -> int:
    return OpeningHours.objects.filter(office=office).count()


def _counters(office: Office) -> int:
    return Counter.objects.filter(office=office).count()


def _holidays(_ctx: Any) -> int:
    return Holiday.objects.count()


PERIOD = services.Period(0, time(8, 30), time(16, 30))

SCENARIOS = [
    Scenario(
        Action.OFFICE_UPDATE_CONTACT,
        "office_update_contact",
        OFFICE,
        _office,
        lambda actor, office, r: services.office_update_contact(
            office=office, actor=actor, phone="053 000 111"
        ),
        _phone,
    ),
    Scenario(
        Action.OFFICE_UPDATE_CONTACT,
        "PATCH /api/v1/offices/{code}",
        OFFICE,
        _office,
        lambda actor, office, r: _api(
            r, actor, "patch", f"/offices/{OFFICE}", {"phone": "053 000 111"}
        ),
        _phone,
    ),
    Scenario(
        Action.OFFICE_SET_OPENING_HOURS,
        "office_set_opening_hours",
        OFFICE,
        _office,
        lambda actor, office, r: services.office_set_opening_hours(
            office=office, actor=actor, periods=[PERIOD]
        ),
        _hours,
    ),
    Scenario(
        Action.OFFICE_SET_OPENING_HOURS,
        "PUT /api/v1/offices/{code}/opening-hours",
        OFFICE,
        _office,
        lambda actor, office, r: _api(
            r,
            actor,
            "put",
            f"/offices/{OFFICE}/opening-hours",
            [{"weekday": 0, "opens": "08:30", "closes": "16:30"}],
        ),
        _hours,
    ),
    Scenario(
        Action.OFFICE_COUNTER_SAVE,
        "counter_save",
        OFFICE,
        _office,
        lambda actor, office, r: services.counter_save(
            office=office, actor=actor, number=7, label_th="ช่อง 7"
        ),
        _counters,
    ),
    Scenario(
        Action.OFFICE_COUNTER_SAVE,
        "PUT /api/v1/offices/{code}/counters/{number}",
        OFFICE,
        _office,
        lambda actor, office, r: _api(
            r, actor, "put", f"/offices/{OFFICE}/counters/7", {"label_th": "ช่อง 7"}
        ),
        _counters,
    ),
    Scenario(
        Action.OFFICE_CLOSURE_ADD,
        "holiday_add (office)",
        OFFICE,
        _office,
        lambda actor, office, r: services.holiday_add(
            actor=actor, day=DAY, name_th="ปิด", office=office
        ),
        _holidays,
    ),
    Scenario(
        Action.OFFICE_CLOSURE_ADD,
        "POST /api/v1/offices/{code}/holidays",
        OFFICE,
        _office,
        lambda actor, office, r: _api(
            r,
            actor,
            "post",
            f"/offices/{OFFICE}/holidays",
            {"date": DAY.isoformat(), "name_th": "ปิด"},
        ),
        _holidays,
    ),
    Scenario(
        Action.OFFICE_CLOSURE_REMOVE,
        "holiday_remove (office)",
        OFFICE,
        _closure,
        lambda actor, office, r: services.holiday_remove(
            actor=actor, day=DAY, office=office
        ),
        _holidays,
    ),
    Scenario(
        Action.OFFICE_CLOSURE_REMOVE,
        "DELETE /api/v1/offices/{code}/holidays/{day}",
        OFFICE,
        _closure,
        lambda actor, office, r: _api(
            r, actor, "delete", f"/offices/{OFFICE}/holidays/{DAY.isoformat()}"
        ),
        _holidays,
    ),
    Scenario(
        Action.HOLIDAY_NATIONAL_EDIT,
        "holiday_add (national)",
        OFFICE,
        _office,
        lambda actor, office, r: services.holiday_add(
            actor=actor, day=DAY, name_th="หยุด"
        ),
        _holidays,
    ),
    Scenario(
        Action.HOLIDAY_NATIONAL_EDIT,
        "POST /api/v1/areas/holidays",
        OFFICE,
        _office,
        lambda actor, office, r: _api(
            r,
            actor,
            "post",
            "/areas/holidays",
            {"date": DAY.isoformat(), "name_th": "หยุด"},
        ),
        _holidays,
    ),
    Scenario(
        Action.HOLIDAY_NATIONAL_EDIT,
        "holiday_remove (national)",
        OFFICE,
        _national,
        lambda actor, ctx, r: services.holiday_remove(actor=actor, day=DAY),
        _holidays,
    ),
    Scenario(
        Action.HOLIDAY_NATIONAL_EDIT,
        "DELETE /api/v1/areas/holidays/{day}",
        OFFICE,
        _national,
        lambda actor, ctx, r: _api(
            r, actor, "delete", f"/areas/holidays/{DAY.isoformat()}"
        ),
        _holidays,
    ),
]
