"""A directive round in a given state, for the tests of the collection
documents (the letter, the consolidated report, the answers workbook): HQ's
request with a report form (numbers, money, a yes/no, a text and a table),
its directive and HQ's letterhead, a leg per province of the small map and an
answer per district office. Rows are written with the ORM as the services
leave them, so each test states exactly the round it reads."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.core.pdf import with_sara_am_spelt_out
from saduak.performance.choices import (
    AnswerStatus,
    LegStatus,
    RequestKind,
    RequestStatus,
)
from saduak.performance.models import (
    Directive,
    Letterhead,
    ReportAnswer,
    ReportRequest,
    RequestLeg,
)

BANGKOK = ZoneInfo("Asia/Bangkok")

# Tesseract's Thai model often drops or swaps the marks written above and
# below a consonant (tone marks, sara i/ii/u, mai han-akat: ที่ read as ที).
# Read-back tests compare Thai on its skeleton, the consonants and the vowels
# on the line, which still tells every word of these documents apart.
MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def skeleton(text: str) -> str:
    """`text` without white space or the marks above and below the line."""
    return MARKS.sub("", with_sara_am_spelt_out("".join(text.split())))


def shows(printed: str, *texts: str) -> bool:
    """Whether every text is in `printed` (a skeleton), compared as skeletons."""
    return all(skeleton(text) in printed for text in texts)


def text(thai: str, english: str) -> dict[str, str]:
    return {"th": thai, "en": english}


def column(key: str, kind: str, thai: str, english: str) -> dict[str, Any]:
    return {"key": key, "type": kind, "label": text(thai, english)}


FORM = {
    "sections": [
        {
            "key": "main",
            "title": text("ผลการดำเนินงาน", "Results"),
            "fields": [
                {
                    "key": "staff",
                    "type": "number",
                    "label": text("จำนวนเจ้าหน้าที่", "Staff"),
                    "required": True,
                },
                {
                    "key": "budget",
                    "type": "money",
                    "label": text("งบประมาณที่ใช้", "Budget spent"),
                },
                {
                    "key": "ready",
                    "type": "yesno",
                    "label": text("พร้อมให้บริการ", "Ready"),
                },
                {
                    "key": "problems",
                    "type": "textarea",
                    "label": text("ปัญหาอุปสรรค", "Problems"),
                },
                {
                    "key": "visits",
                    "type": "table",
                    "label": text("ผู้มารับบริการรายเดือน", "Visitors by month"),
                    "columns": [
                        column("month", "text", "เดือน", "Month"),
                        column("people", "number", "จำนวนคน", "People"),
                    ],
                },
            ],
        }
    ]
}


def at(day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=BANGKOK)


@dataclass
class Round:
    request: ReportRequest
    directive: Directive
    letterhead: Letterhead
    legs: dict[str, RequestLeg]
    answers: dict[str, ReportAnswer]


def letterhead_for(office: Office) -> Letterhead:
    return Letterhead.objects.create(
        office=office,
        book_code="มท 0312.3",
        issuer_name="กรมการปกครอง",
        address="ถนนอัษฎางค์ เขตพระนคร\nกรุงเทพมหานคร 10200",
        owner_unit="สำนักบริหารการทะเบียน",
        phone="0 2222 1234",
        fax="0 2222 5678",
        email="saraban@dopa.example.go.th",
    )


def directive_round(
    *,
    signer: User | None = None,
    sent: bool = True,
    number: str = "123",
    thai_digits: bool = True,
    urgency: str = "most_urgent",
    confidentiality: str = "",
    letter_kind: str = "external",
    letter_date: date = date(2026, 12, 6),
) -> Round:
    """HQ's directive (due 20 Dec 2026) sent on 6 Dec 2026 to Bangkok (10)
    and Chiang Mai (50): do-5001 certified after a late submission, do-5002
    submitted on time, do-1001 excused; or, with `sent=False`, a draft."""
    hq = Office.objects.get(code="hq")
    request = ReportRequest.objects.create(
        kind=RequestKind.DIRECTIVE,
        fiscal_year=2570,
        issuer=hq,
        title_th="ขอให้รายงานผลการให้บริการประชาชน",
        title_en="Report on services to the public",
        instructions="รายงานจำนวนผู้รับบริการรายเดือน",
        form=FORM,
        due_on=date(2026, 12, 20),
        status=RequestStatus.SENT if sent else RequestStatus.DRAFT,
        sent_at=at(6, 9) if sent else None,
        sent_by=signer if sent else None,
    )
    directive = Directive.objects.create(
        request=request,
        letter_kind=letter_kind,
        number=number if sent else "",
        letter_date=letter_date if sent else None,
        urgency=urgency,
        confidentiality=confidentiality,
        addressee="ผู้ว่าราชการจังหวัด ทุกจังหวัด",
        reference="หนังสือกรมการปกครอง ที่ มท 0312.3/ว 1100 ลงวันที่ 1 ตุลาคม 2569",
        enclosures="แบบรายงานผลการให้บริการ",
        body=(
            "ด้วยกรมการปกครองประสงค์จะติดตามผลการให้บริการประชาชนของที่ว่าการอำเภอ"
            "ทุกแห่ง\n\nจึงเรียนมาเพื่อโปรดแจ้งอำเภอในพื้นที่รายงานภายในวันที่ 20 ธันวาคม 2569"
        ),
        signer=signer,
        signer_name="นายสมชาย ใจดี" if sent else "",
        signer_position="อธิบดีกรมการปกครอง" if sent else "",
        thai_digits=thai_digits,
    )
    letterhead = letterhead_for(hq)
    legs: dict[str, RequestLeg] = {}
    answers: dict[str, ReportAnswer] = {}
    if sent:
        legs, answers = _sent_legs_and_answers(request)
    return Round(request, directive, letterhead, legs, answers)


def _sent_legs_and_answers(
    request: ReportRequest,
) -> tuple[dict[str, RequestLeg], dict[str, ReportAnswer]]:
    legs = {}
    for code in ("10", "50"):
        legs[code] = RequestLeg.objects.create(
            request=request,
            province_id=code,
            office=Office.objects.get(code=f"pao-{code}"),
            status=LegStatus.FORWARDED,
            due_on=date(2026, 12, 18) if code == "50" else request.due_on,
            forwarded_at=at(7),
        )
    answers = {}
    rows: dict[str, dict[str, Any]] = {
        "do-5001": {
            "status": AnswerStatus.CERTIFIED,
            "answers": {
                "staff": 12,
                "budget": "15000.50",
                "ready": "yes",
                "problems": "เครื่องพิมพ์บัตรเสีย",
                "visits": [
                    {"month": "ตุลาคม", "people": 300},
                    {"month": "พฤศจิกายน", "people": 250},
                ],
            },
            "read_at": at(8, 9),
            "acknowledged_at": at(8, 9, 5),
            "submitted_at": at(19, 16),
            "late": True,
            "certified_at": at(20, 11),
            "certifier_name": "นางสาวมาลี ตรวจดี",
            "certifier_position": "ปลัดจังหวัดเชียงใหม่",
        },
        "do-5002": {
            "status": AnswerStatus.SUBMITTED,
            "answers": {
                "staff": 7,
                "budget": "2000",
                "ready": "no",
                "problems": "ขาดแคลนบุคลากร",
                "visits": [{"month": "ตุลาคม", "people": 120}],
            },
            "read_at": at(8, 13),
            "acknowledged_at": at(8, 14),
            "submitted_at": at(15, 10),
        },
        "do-1001": {
            "status": AnswerStatus.EXCUSED,
            "excused_reason": "อยู่ระหว่างปรับปรุงอาคาร",
        },
    }
    for code, fields in rows.items():
        office = Office.objects.get(code=code)
        province = str(office.province_id)
        answers[code] = ReportAnswer.objects.create(
            request=request,
            leg=legs[province],
            office=office,
            district_id=office.district_id,
            province_id=province,
            due_on=legs[province].due_on,
            **fields,
        )
    return legs, answers
