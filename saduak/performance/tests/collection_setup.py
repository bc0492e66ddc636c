"""What the report collection tests share: a report form with every kind
of field the consolidation treats differently, people at their seats on the
small map (provinces 10 and 50; districts 1001, 5001, 5002), and a request
sent and forwarded through the real services."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.areas.models import Office
from saduak.performance.choices import RequestKind, RequestRoute
from saduak.performance.models import ReportAnswer, ReportRequest, RequestLeg
from saduak.performance.services import collection

SYSTEM = "test:collection"
FISCAL_YEAR = 2570

REPORT_FORM: dict[str, Any] = {
    "sections": [
        {
            "key": "main",
            "title": {"th": "ผลการดำเนินงาน", "en": "Results"},
            "fields": [
                {
                    "key": "served",
                    "type": "number",
                    "label": {"th": "จำนวนผู้รับบริการ", "en": "People served"},
                    "required": True,
                },
                {
                    "key": "budget",
                    "type": "money",
                    "label": {"th": "งบประมาณที่ใช้", "en": "Budget used"},
                },
                {
                    "key": "ready",
                    "type": "yesno",
                    "label": {"th": "พร้อมให้บริการ", "en": "Ready"},
                },
                {
                    "key": "note",
                    "type": "textarea",
                    "label": {"th": "ปัญหาอุปสรรค", "en": "Problems"},
                },
                {
                    "key": "items",
                    "type": "table",
                    "label": {"th": "รายการ", "en": "Items"},
                    "columns": [
                        {"key": "name", "type": "text", "label": {"th": "รายการ"}},
                        {"key": "qty", "type": "number", "label": {"th": "จำนวน"}},
                    ],
                },
            ],
        }
    ]
}


def today() -> date:
    return timezone.localdate()


def office(code: str) -> Office:
    return Office.objects.get(code=code)


def draft(
    *,
    issuer: str = "hq",
    actor: Any = SYSTEM,
    due_in: int = 7,
    route: str = RequestRoute.THROUGH_PROVINCES,
    form: dict[str, Any] | None = None,
    closes_in: int | None = None,
) -> ReportRequest:
    return collection.request_create(
        actor=actor,
        issuer=office(issuer),
        kind=RequestKind.DIRECTIVE,
        fiscal_year=FISCAL_YEAR,
        title_th="รายงานผลการให้บริการ",
        title_en="Report on services",
        form=REPORT_FORM if form is None else form,
        due_on=today() + timedelta(days=due_in),
        closes_on=today() + timedelta(days=closes_in)
        if closes_in is not None
        else None,
        route=route,
    )


def sent(**kwargs: Any) -> ReportRequest:
    request = draft(**kwargs)
    return collection.request_send(actor=SYSTEM, request=request)


def leg_of(request: ReportRequest, province: str) -> RequestLeg:
    return RequestLeg.objects.get(request=request, province_id=province)


def answer_of(request: ReportRequest, office_code: str) -> ReportAnswer:
    return ReportAnswer.objects.get(request=request, office__code=office_code)


def forwarded(**kwargs: Any) -> ReportRequest:
    """An HQ request sent through the provinces and forwarded by province
    50 to its districts 5001 and 5002."""
    request = sent(**kwargs)
    collection.leg_forward(actor=SYSTEM, leg=leg_of(request, "50"))
    return request


def filled(answer: ReportAnswer, served: int = 5) -> ReportAnswer:
    return collection.answer_save(
        actor=SYSTEM, answer=answer, answers={"served": served, "note": "ปกติ"}
    )


@dataclass
class People:
    hq: Any
    province: Any
    other_province: Any
    district: Any
    other_district: Any
    counter: Any


def reachable(make_staff: Any, role: Role, office_code: str, name: str) -> Any:
    """A staff member with an e-mail address (so messages are written)."""
    user = make_staff(role, office_code)
    user.email = f"{name}@example.org"
    user.position = f"ตำแหน่ง {name}"
    user.save(update_fields=["email", "position"])
    return user


def people(make_staff: Any) -> People:
    return People(
        hq=reachable(make_staff, Role.HQ_ADMIN, "hq", "hq"),
        province=reachable(make_staff, Role.PROVINCIAL_STAFF, "pao-50", "p50"),
        other_province=reachable(make_staff, Role.PROVINCIAL_STAFF, "pao-10", "p10"),
        district=reachable(make_staff, Role.DISTRICT_ADMIN, "do-5001", "d5001"),
        other_district=reachable(make_staff, Role.DISTRICT_ADMIN, "do-5002", "d5002"),
        counter=reachable(make_staff, Role.COUNTER_OFFICER, "do-5001", "c5001"),
    )
