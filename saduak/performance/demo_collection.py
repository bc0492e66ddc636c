"""Demo report collection (called from `performance_seed_demo`): letterheads,
one HQ directive in progress, one province's own directive and one GECC
round, made through the same services as real ones by the demo's staff.

The HQ directive (a report on the mobile units' service days, with a table)
goes through the provinces: Chiang Mai forwards it with an earlier deadline
and one district excluded with a reason; Bangkok forwards it as it is; Lamphun
has not forwarded it yet (provincial staff see it in their inbox). In Chiang
Mai, Mueang's answer is left open for the demo district administrator; other
districts read it, acknowledged it, submitted it (one late), had it sent back
with a comment or certified. Bangkok's districts all answered and were
certified, and its consolidated report was submitted and accepted by HQ.
Chiang Mai's own directive (a survey of the counters' waiting areas) goes to
its district offices. The GECC round of 2569 names registry offices, Chom
Thong's volunteers, responsible people are named, assessments are partly
filled with a photo as evidence and Chiang Mai certifies its registrations.

Everything here is seeded on the demo's clock: deadlines are set from today,
and a "late" answer is one submitted after a deadline the demo set in the
past through the services' own rules (a request is only refused a past
deadline when it is sent)."""

import random
from typing import Any

# The report form of the demo's HQ directive (and of the bench's load,
# bench/app/collection_generator.py): service days per month as a table,
# summed by the consolidation, and a text collected per district.
REPORT_FORM: dict[str, Any] = {
    "sections": [
        {
            "key": "service",
            "title": {
                "th": "ผลการออกหน่วยบริการเคลื่อนที่",
                "en": "Mobile-unit service",
            },
            "fields": [
                {
                    "key": "service_days",
                    "type": "number",
                    "label": {
                        "th": "จำนวนวันที่ออกหน่วยบริการทั้งหมด",
                        "en": "Days of service in all",
                    },
                    "required": True,
                    "min": 0,
                },
                {
                    "key": "by_month",
                    "type": "table",
                    "label": {
                        "th": "การให้บริการรายเดือน",
                        "en": "Service by month",
                    },
                    "required": True,
                    "max_rows": 12,
                    "columns": [
                        {
                            "key": "month",
                            "type": "text",
                            "label": {"th": "เดือน", "en": "Month"},
                            "required": True,
                        },
                        {
                            "key": "days",
                            "type": "number",
                            "label": {"th": "จำนวนวัน", "en": "Days"},
                        },
                        {
                            "key": "people",
                            "type": "number",
                            "label": {"th": "ผู้รับบริการ (คน)", "en": "People served"},
                        },
                        {
                            "key": "id_cards",
                            "type": "number",
                            "label": {
                                "th": "บัตรประจำตัวประชาชนที่ออก",
                                "en": "ID cards issued",
                            },
                        },
                    ],
                },
                {
                    "key": "vehicle_ready",
                    "type": "yesno",
                    "label": {
                        "th": "รถและอุปกรณ์พร้อมออกให้บริการ",
                        "en": "Vehicle and equipment ready",
                    },
                    "required": True,
                },
                {
                    "key": "problems",
                    "type": "textarea",
                    "label": {
                        "th": "ปัญหา อุปสรรค และข้อเสนอแนะ",
                        "en": "Problems and suggestions",
                    },
                },
            ],
        }
    ]
}

MONTHS = ("ตุลาคม 2568", "พฤศจิกายน 2568", "ธันวาคม 2568")
PROBLEMS = (
    "พื้นที่ห่างไกล ถนนชำรุดในฤดูฝน",
    "เครื่องอ่านบัตรขัดข้องหนึ่งครั้ง ได้รับการซ่อมแล้ว",
    "ผู้สูงอายุขอให้เพิ่มวันให้บริการในตำบลรอบนอก",
    "",
)


def report_answers(rng: random.Random) -> dict[str, Any]:
    """One district's answers to REPORT_FORM, as an office would type them."""
    rows = [
        {
            "month": month,
            "days": str(days := rng.randrange(2, 9)),
            "people": str(days * rng.randrange(25, 90)),
            "id_cards": str(days * rng.randrange(5, 30)),
        }
        for month in MONTHS
    ]
    return {
        "service_days": str(sum(int(row["days"]) for row in rows)),
        "by_month": rows,
        "vehicle_ready": rng.choice(("yes", "yes", "no")),
        "problems": rng.choice(PROBLEMS),
    }
