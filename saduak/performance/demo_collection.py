"""Demo report collection (called from `performance_seed_demo`): letterheads,
one HQ directive in progress, one province's own directive and one GECC
round, made through the same services as real ones by the demo's staff
(and a few accounts without a password for the other offices the stories
pass through, EXTRA_STAFF).

HQ's directive (a report on the mobile units' service days, with a monthly
table) goes through the provinces. Chiang Mai forwards it with an earlier
deadline and its last district excluded with a reason; Mueang Chiang Mai's
answer stays new for the demo district administrator; Chom Thong saved part
of it, Mae Chaem read it, Chiang Dao acknowledged it, Doi Saket's was sent
back with a comment, Mae Taeng's and Mae Rim's (late) were certified. Samut
Songkhram's districts all answered and were certified, and its consolidated
report was accepted by HQ; Samut Sakhon excused two districts and submitted
its consolidated report, which waits for HQ. The other provinces have not
forwarded it yet. Chiang Mai's own directive (a survey of the counters'
waiting areas) goes to its district offices; Chom Thong has submitted it.
The GECC round of 2569 names four registry offices, Chom Thong's volunteers,
responsible people are named, the physical checklist is partly assessed
with a photo, and Chiang Mai certifies two registrations (Mueang's waits).

Deadlines are set from today; the one late answer is Mae Rim's, whose
deadline the demo sets two days back before it submits (the demo's clock:
the services refuse a deadline in the past when it is given)."""

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.accounts.models import StaffRole, User
from saduak.accounts.services import staff_role_grant, user_create
from saduak.areas.choices import OfficeKind
from saduak.areas.models import Office
from saduak.core.personal_id import with_check_digit
from saduak.core.uploads.sample_files import png_of_one_colour
from saduak.performance.choices import (
    GeccGroup,
    GeccItemStatus,
    RequestKind,
    Urgency,
)
from saduak.performance.models import (
    Directive,
    GeccRound,
    Letterhead,
    ReportAnswer,
    ReportRequest,
)
from saduak.performance.services.collection import (
    answer_acknowledge,
    answer_certify,
    answer_excuse,
    answer_mark_read,
    answer_return,
    answer_save,
    answer_submit,
    leg_accept,
    leg_forward,
    leg_submit,
    request_update,
)
from saduak.performance.services.directives import (
    directive_create,
    directive_send,
    letterhead_save,
)
from saduak.performance.services.gecc import (
    gecc_assess,
    gecc_evidence_add,
    gecc_report_submit,
    gecc_responsible_set,
    gecc_round_create,
    gecc_round_open,
    gecc_targets_set,
    gecc_volunteer,
    responsible_candidates,
)

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


# The Chiang Mai province's own directive: a survey of the counters' waiting
# areas, one table row per counter area (merged across districts by label).
SURVEY_FORM: dict[str, Any] = {
    "sections": [
        {
            "key": "waiting",
            "title": {
                "th": "สำรวจพื้นที่รอรับบริการ",
                "en": "Survey of the waiting areas",
            },
            "fields": [
                {
                    "key": "areas",
                    "type": "table",
                    "label": {
                        "th": "พื้นที่รอรับบริการแต่ละจุด",
                        "en": "Each waiting area",
                    },
                    "required": True,
                    "max_rows": 10,
                    "columns": [
                        {
                            "key": "area",
                            "type": "text",
                            "label": {"th": "จุดบริการ", "en": "Service point"},
                            "required": True,
                        },
                        {
                            "key": "seats",
                            "type": "number",
                            "label": {"th": "จำนวนที่นั่ง", "en": "Seats"},
                        },
                        {
                            "key": "air_conditioned",
                            "type": "yesno",
                            "label": {"th": "มีเครื่องปรับอากาศ", "en": "Air-conditioned"},
                        },
                    ],
                },
                {
                    "key": "accessible",
                    "type": "yesno",
                    "label": {
                        "th": "มีทางลาดและห้องน้ำสำหรับผู้พิการ",
                        "en": "Ramp and accessible toilet",
                    },
                    "required": True,
                },
                {
                    "key": "needs",
                    "type": "textarea",
                    "label": {
                        "th": "สิ่งที่ต้องการปรับปรุง",
                        "en": "What needs improving",
                    },
                },
            ],
        }
    ]
}

LETTERHEADS = {
    "hq": {
        "book_code": "มท 0309.2",
        "issuer_name": "กรมการปกครอง",
        "address": "ถนนอัษฎางค์ เขตพระนคร กรุงเทพมหานคร 10200",
        "owner_unit": "ส่วนติดตามและประเมินผล สำนักบริหารการปกครองท้องที่",
        "phone": "0 2000 0001",
        "fax": "0 2000 0002",
        "email": "saraban@example.go.th",
    },
    "pao-50": {
        "book_code": "ชม 0017.2",
        "issuer_name": "ที่ทำการปกครองจังหวัดเชียงใหม่",
        "address": "ศาลากลางจังหวัดเชียงใหม่ ถนนโชตนา อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50300",
        "owner_unit": "กลุ่มงานการเจ้าหน้าที่และงานทั่วไป",
        "phone": "0 5300 0001",
        "fax": "0 5300 0002",
        "email": "chiangmai.saraban@example.go.th",
    },
    "pao-75": {
        "book_code": "สส 0017.1",
        "issuer_name": "ที่ทำการปกครองจังหวัดสมุทรสงคราม",
        "address": "ศาลากลางจังหวัดสมุทรสงคราม อำเภอเมืองสมุทรสงคราม จังหวัดสมุทรสงคราม 75000",
        "owner_unit": "กลุ่มงานอำนวยการ",
        "phone": "0 3400 0001",
    },
}

# Accounts the demo adds for the offices its stories pass through (no
# password: nobody signs in as them; they act in the seeded history).
# (first twelve digits, first name, last name, role, office, position)
EXTRA_STAFF = (
    (
        "110000000011",
        "วันดี",
        "สมุทรสงคราม",
        "provincial_staff",
        "pao-75",
        "เจ้าพนักงานปกครองชำนาญงาน",
    ),
    ("110000000012", "ประยูร", "แม่แจ่ม", "district_admin", "do-5003", "ปลัดอำเภอ"),
    ("110000000013", "สุดา", "เชียงดาว", "district_admin", "do-5004", "ปลัดอำเภอ"),
    ("110000000014", "ชาตรี", "ดอยสะเก็ด", "district_admin", "do-5005", "ปลัดอำเภอ"),
    ("110000000015", "นวลจันทร์", "แม่แตง", "district_admin", "do-5006", "ปลัดอำเภอ"),
    ("110000000016", "สมปอง", "แม่ริม", "district_admin", "do-5007", "ปลัดอำเภอ"),
    ("110000000017", "อำไพ", "เมืองสมุทรสงคราม", "district_admin", "do-7501", "ปลัดอำเภอ"),
    ("110000000018", "ทองดี", "บางคนที", "district_admin", "do-7502", "ปลัดอำเภอ"),
    ("110000000019", "พิมพ์ใจ", "อัมพวา", "district_admin", "do-7503", "ปลัดอำเภอ"),
    (
        "110000000020",
        "สมคิด",
        "สมุทรสาคร",
        "provincial_staff",
        "pao-74",
        "เจ้าพนักงานปกครองปฏิบัติงาน",
    ),
    ("110000000021", "มาลี", "เมืองสมุทรสาคร", "district_admin", "do-7401", "ปลัดอำเภอ"),
)
ACTOR = "command:seed_demo"
CHIANG_MAI = "50"
SAMUT_SONGKHRAM = "75"
SAMUT_SAKHON = "74"
EXCLUDED_REASON = "อำเภอยังไม่มีหน่วยบริการเคลื่อนที่ในปีงบประมาณนี้ (รถอยู่ระหว่างซ่อมบำรุง)"
RETURN_COMMENT = "ตารางรายเดือนยังไม่ครบ และจำนวนวันรวมไม่ตรงกับตาราง กรุณาตรวจสอบแล้วส่งใหม่"
# How many days before today the late district's deadline is set (the
# demo's clock: see the module's docstring).
LATE_BY_DAYS = 2


@dataclass(frozen=True)
class DemoStaff:
    hq: User
    province: User  # Chiang Mai (pao-50)
    district: User  # Mueang Chiang Mai (do-5001)
    others: dict[str, User]  # by office code


def _extra_staff() -> dict[str, User]:
    people: dict[str, User] = {}
    for twelve, first, last, role, office_code, position in EXTRA_STAFF:
        office = Office.objects.filter(code=office_code, is_active=True).first()
        if office is None:
            continue
        personal_id = with_check_digit(twelve)
        user = User.objects.filter(personal_id=personal_id).first()
        if user is None:
            user = user_create(
                personal_id=personal_id,
                first_name=first,
                last_name=last,
                password=None,
                actor=ACTOR,
                position=position,
            )
        staff_role_grant(user=user, role=Role(role), office=office, actor=ACTOR)
        people[office_code] = user
    return people


def collection_seed_demo(
    *, hq: User, province: User, district: User, chom_thong: User | None = None
) -> list[str]:
    """Letterheads, HQ's directive in progress, Chiang Mai's own directive
    and the GECC round of 2569 (see the module's docstring). `hq` is an HQ
    administrator, `province` Chiang Mai's provincial staff, `district`
    Mueang Chiang Mai's district administrator, `chom_thong` Chom Thong's
    (optional). Does nothing when HQ's letterhead exists. Returns lines for
    the demo's printout."""
    hq_office = Office.objects.get(code="hq")
    if Letterhead.objects.filter(office=hq_office).exists():
        return []
    others = _extra_staff()
    if chom_thong is not None:
        others["do-5002"] = chom_thong
    staff = DemoStaff(hq=hq, province=province, district=district, others=others)
    for code, fields in LETTERHEADS.items():
        office = Office.objects.filter(code=code, is_active=True).first()
        if office is None:
            continue
        actor = {"hq": hq, "pao-50": province}.get(code) or others.get(code)
        letterhead_save(actor=actor or ACTOR, office=office, **fields)
    lines = [_hq_directive(staff), _province_directive(staff)]
    lines += gecc_seed_demo(staff)
    return lines


def _send(
    actor: User, issuer: Office, form: dict[str, Any], **fields: Any
) -> Directive:
    directive = directive_create(actor=actor, issuer=issuer, signer=actor, **fields)
    request_update(actor=actor, request=directive.request, form=form)
    return directive_send(actor=actor, directive=directive)


def _answer(request: ReportRequest, office_code: str) -> ReportAnswer:
    return ReportAnswer.objects.get(request=request, office__code=office_code)


def _fill(
    actor: User, answer: ReportAnswer, values: dict[str, Any], *, submit: bool
) -> ReportAnswer:
    answer = answer_mark_read(actor=actor, answer=answer)
    answer = answer_acknowledge(actor=actor, answer=answer)
    answer = answer_save(actor=actor, answer=answer, answers=values)
    if submit:
        answer = answer_submit(actor=actor, answer=answer)
    return answer


def _hq_directive(staff: DemoStaff) -> str:
    """HQ's directive on the mobile units' service days, through the
    provinces (see the module's docstring)."""
    today = timezone.localdate()
    rng = random.Random(2569)
    directive = _send(
        staff.hq,
        Office.objects.get(code="hq"),
        REPORT_FORM,
        title_th="ขอให้รายงานผลการออกหน่วยบริการเคลื่อนที่ ไตรมาสที่ 1 ปีงบประมาณ 2569",
        title_en="Report the mobile units' service days, first quarter of 2569",
        instructions="รายงานจำนวนวันที่ออกหน่วยบริการ ผู้รับบริการ และบัตรที่ออก "
        "แยกรายเดือน พร้อมปัญหาอุปสรรค",
        due_on=today + timedelta(days=10),
        addressee="ผู้ว่าราชการจังหวัด ทุกจังหวัด",
        body="ด้วยกรมการปกครองได้ดำเนินโครงการหน่วยบริการเคลื่อนที่เพื่อให้บริการ"
        "งานทะเบียนและบัตรประจำตัวประชาชนแก่ประชาชนในพื้นที่ห่างไกล\n"
        "จึงขอให้จังหวัดแจ้งอำเภอรายงานผลการออกหน่วยบริการในไตรมาสที่ 1 "
        "ตามแบบรายงานที่แนบ และรวบรวมรับรองผลส่งกรมการปกครองภายในกำหนด",
        urgency=Urgency.VERY_URGENT,
        reference="หนังสือกรมการปกครอง ที่ มท 0309.2/ว 1020 ลงวันที่ 1 ตุลาคม 2568",
        enclosures="แบบรายงานผลการออกหน่วยบริการเคลื่อนที่ จำนวน 1 ชุด",
    )
    request = directive.request
    legs = {leg.province_id: leg for leg in request.legs.all()}

    # Chiang Mai: an earlier deadline, one district excluded with a reason.
    chiang_mai = legs[CHIANG_MAI]
    districts = list(
        Office.objects.filter(
            kind=OfficeKind.DISTRICT_OFFICE, province_id=CHIANG_MAI, is_active=True
        )
        .order_by("code")
        .values_list("district_id", flat=True)
    )
    leg_forward(
        actor=staff.province,
        leg=chiang_mai,
        due_on=today + timedelta(days=7),
        cover_note="จังหวัดขอให้อำเภอรายงานก่อนกำหนดของกรม 3 วัน "
        "เพื่อให้จังหวัดมีเวลาตรวจสอบและรับรองผล",
        excluded={districts[-1]: EXCLUDED_REASON},
    )
    by_office = staff.others
    # Chom Thong has saved part of its report; Mae Chaem has read it; Chiang
    # Dao acknowledged it; Doi Saket submitted it and had it sent back; Mae
    # Taeng and Mae Rim submitted (Mae Rim late) and were certified.
    if "do-5002" in by_office:
        partial = report_answers(rng)
        partial.pop("by_month")
        _fill(by_office["do-5002"], _answer(request, "do-5002"), partial, submit=False)
    if "do-5003" in by_office:
        answer_mark_read(actor=by_office["do-5003"], answer=_answer(request, "do-5003"))
    if "do-5004" in by_office:
        answer = _answer(request, "do-5004")
        answer = answer_mark_read(actor=by_office["do-5004"], answer=answer)
        answer_acknowledge(actor=by_office["do-5004"], answer=answer)
    if "do-5005" in by_office:
        answer = _fill(
            by_office["do-5005"],
            _answer(request, "do-5005"),
            report_answers(rng),
            submit=True,
        )
        answer_return(actor=staff.province, answer=answer, comment=RETURN_COMMENT)
    if "do-5006" in by_office:
        answer = _fill(
            by_office["do-5006"],
            _answer(request, "do-5006"),
            report_answers(rng),
            submit=True,
        )
        answer_certify(actor=staff.province, answer=answer)
    if "do-5007" in by_office:
        answer = _answer(request, "do-5007")
        # The demo's clock: Mae Rim's deadline passed two days ago.
        ReportAnswer.objects.filter(pk=answer.pk).update(
            due_on=today - timedelta(days=LATE_BY_DAYS)
        )
        answer.refresh_from_db()
        answer = _fill(by_office["do-5007"], answer, report_answers(rng), submit=True)
        answer_certify(actor=staff.province, answer=answer)
    # Mueang Chiang Mai's answer stays new for the demo district administrator.

    # Samut Songkhram: every district answered and was certified; the
    # consolidated report went up and HQ accepted it.
    samut = legs.get(SAMUT_SONGKHRAM)
    samut_staff = by_office.get(f"pao-{SAMUT_SONGKHRAM}")
    if samut is not None and samut_staff is not None:
        samut = leg_forward(
            actor=samut_staff,
            leg=samut,
            cover_note="ส่งอำเภอดำเนินการตามหนังสือกรมการปกครอง",
        )
        for answer in ReportAnswer.objects.filter(leg=samut).select_related("office"):
            person = by_office.get(answer.office.code)
            if person is None:
                answer_excuse(
                    actor=samut_staff, answer=answer, reason="ไม่มีผู้รับผิดชอบในระบบ"
                )
                continue
            answer = _fill(person, answer, report_answers(rng), submit=True)
            answer_certify(actor=samut_staff, answer=answer)
        samut = leg_submit(actor=samut_staff, leg=samut)
        leg_accept(actor=staff.hq, leg=samut)

    # Samut Sakhon: two districts excused when forwarded, the third
    # certified; its consolidated report waits for HQ's decision.
    sakhon = legs.get(SAMUT_SAKHON)
    sakhon_staff = by_office.get(f"pao-{SAMUT_SAKHON}")
    sakhon_district = by_office.get(f"do-{SAMUT_SAKHON}01")
    if sakhon is not None and sakhon_staff is not None and sakhon_district:
        others = Office.objects.filter(
            kind=OfficeKind.DISTRICT_OFFICE, province_id=SAMUT_SAKHON, is_active=True
        ).exclude(code=f"do-{SAMUT_SAKHON}01")
        sakhon = leg_forward(
            actor=sakhon_staff,
            leg=sakhon,
            excluded={
                str(office.district_id): "หน่วยบริการเคลื่อนที่ของจังหวัดให้บริการแทนอำเภอ"
                for office in others
            },
        )
        answer = _fill(
            sakhon_district,
            _answer(request, f"do-{SAMUT_SAKHON}01"),
            report_answers(rng),
            submit=True,
        )
        answer_certify(actor=sakhon_staff, answer=answer)
        leg_submit(actor=sakhon_staff, leg=sakhon)
    return (
        f"  HQ directive {directive.number}: {request.title_th} "
        f"(/staff/performance/directives/{request.public_id}/)"
    )


SURVEY_ROWS = (
    ("ห้องทะเบียนราษฎร", "30", "yes"),
    ("จุดทำบัตรประจำตัวประชาชน", "20", "yes"),
    ("ศูนย์ดำรงธรรมอำเภอ", "8", "no"),
)


def _province_directive(staff: DemoStaff) -> str:
    """Chiang Mai's own directive to its district offices: a survey of the
    counters' waiting areas. Chom Thong has answered and submitted it;
    Mueang's is new."""
    today = timezone.localdate()
    directive = _send(
        staff.province,
        Office.objects.get(code=f"pao-{CHIANG_MAI}"),
        SURVEY_FORM,
        title_th="ขอให้สำรวจพื้นที่รอรับบริการของที่ว่าการอำเภอ",
        title_en="Survey the district offices' waiting areas",
        instructions="สำรวจจำนวนที่นั่ง เครื่องปรับอากาศ และสิ่งอำนวยความสะดวกสำหรับผู้พิการ",
        due_on=today + timedelta(days=14),
        addressee="นายอำเภอ ทุกอำเภอ",
        body="ด้วยจังหวัดเชียงใหม่จะจัดทำแผนปรับปรุงพื้นที่รอรับบริการของที่ว่าการอำเภอ "
        "เพื่อรองรับการประเมินศูนย์ราชการสะดวก\n"
        "จึงขอให้อำเภอสำรวจพื้นที่รอรับบริการตามแบบสำรวจที่แนบ และรายงานจังหวัดภายในกำหนด",
        urgency=Urgency.URGENT,
    )
    request = directive.request
    chom_thong = staff.others.get("do-5002")
    if chom_thong is not None:
        values = {
            "areas": [
                {"area": area, "seats": seats, "air_conditioned": cool}
                for area, seats, cool in SURVEY_ROWS
            ],
            "accessible": "yes",
            "needs": "เพิ่มที่นั่งสำหรับผู้สูงอายุบริเวณจุดทำบัตร",
        }
        _fill(chom_thong, _answer(request, "do-5002"), values, submit=True)
    return (
        f"  Chiang Mai's directive {directive.number}: {request.title_th} "
        f"(/staff/performance/directives/{request.public_id}/)"
    )


GECC_YEAR = 2569
# HQ's target registry offices; Chom Thong's volunteers.
GECC_TARGETS = ("reg-1001", "reg-5001", "reg-5006", "reg-7501")
GECC_VOLUNTEER = "reg-5002"
# (office, how many of the physical checklist's items are assessed)
GECC_ASSESSED = (("reg-5001", 10), ("reg-5002", 6), ("reg-5006", 4))
GECC_NOTES = {
    GeccItemStatus.MET: "ดำเนินการแล้ว มีภาพถ่ายประกอบ",
    GeccItemStatus.PARTLY: "ดำเนินการบางส่วน อยู่ระหว่างจัดซื้อ",
    GeccItemStatus.NOT_YET: "ยังไม่ได้ดำเนินการ ตั้งงบประมาณปีหน้า",
}


def _evidence_photo() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "waiting-area.png", png_of_one_colour(64), content_type="image/png"
    )


def gecc_seed_demo(staff: DemoStaff) -> list[str]:
    """The GECC round of 2569, open: HQ's target registry offices and Chom
    Thong's volunteer, their responsible people, the physical checklist
    partly assessed (one item with a photo), Chiang Mai's registrations
    submitted and two of them certified; Mueang Chiang Mai's left for the
    province to review."""
    if GeccRound.objects.filter(fiscal_year=GECC_YEAR).exists():
        return []
    today = timezone.localdate()
    round = gecc_round_create(
        actor=staff.hq,
        fiscal_year=GECC_YEAR,
        title_th=f"การรับรองมาตรฐานศูนย์ราชการสะดวก (GECC) ประจำปี {GECC_YEAR}",
        title_en=f"Government Easy Contact Center (GECC) certification {GECC_YEAR}",
        registration_due_on=today + timedelta(days=10),
        progress_due_on=today + timedelta(days=60),
    )
    targets = list(Office.objects.filter(code__in=GECC_TARGETS, is_active=True))
    round = gecc_targets_set(actor=staff.hq, round=round, offices=targets)
    round = gecc_round_open(actor=staff.hq, round=round)
    # District administrators act for their district's registry office.
    acting = {
        "reg-5001": staff.district,
        "reg-5002": staff.others.get("do-5002"),
        "reg-5006": staff.others.get("do-5006"),
        "reg-7501": staff.others.get("do-7501"),
    }
    volunteer_office = Office.objects.filter(
        code=GECC_VOLUNTEER, is_active=True
    ).first()
    volunteer = acting[GECC_VOLUNTEER]
    if volunteer_office is not None and volunteer is not None:
        gecc_volunteer(actor=volunteer, round=round, office=volunteer_office)
    participants = {
        participant.office.code: participant
        for participant in round.participants.select_related("office")
    }
    for code, participant in participants.items():
        person = acting.get(code)
        if person is None:
            continue
        candidates = responsible_candidates(participant.office)
        # The registry's own staff when it has some, else another of the
        # district's, else the administrator.
        own = set(
            StaffRole.objects.filter(
                office=participant.office, is_active=True
            ).values_list("user_id", flat=True)
        )
        named = next(
            (user for user in candidates if user.pk in own),
            next((user for user in candidates if user.pk != person.pk), person),
        )
        participants[code] = gecc_responsible_set(
            actor=person, participant=participant, user=named
        )
    physical = list(
        round.criteria.filter(group=GeccGroup.PHYSICAL).order_by("position")
    )
    statuses = (
        GeccItemStatus.MET,
        GeccItemStatus.MET,
        GeccItemStatus.PARTLY,
        GeccItemStatus.NOT_YET,
    )
    for code, assessed in GECC_ASSESSED:
        person, taking_part = acting.get(code), participants.get(code)
        if person is None or taking_part is None:
            continue
        for n, criterion in enumerate(physical[:assessed]):
            status = statuses[n % len(statuses)]
            gecc_assess(
                actor=person,
                participant=taking_part,
                criterion=criterion,
                status=status,
                note=GECC_NOTES[status],
            )
        gecc_evidence_add(
            actor=person,
            participant=taking_part,
            criterion=physical[0],
            upload=_evidence_photo(),
            description="ภาพถ่ายป้ายบอกทางและจุดประชาสัมพันธ์",
        )
    certified = 0
    for code in ("reg-5001", "reg-5002", "reg-5006"):
        person, registering = acting.get(code), participants.get(code)
        if person is None or registering is None:
            continue
        answer = gecc_report_submit(
            actor=person, participant=registering, kind=RequestKind.GECC_REGISTRATION
        )
        if code != "reg-5001":
            answer_certify(actor=staff.province, answer=answer)
            certified += 1
    return [
        f"  GECC round {GECC_YEAR}: {len(participants)} registry offices, "
        f"{certified} registrations certified in Chiang Mai "
        f"(/staff/performance/gecc/{GECC_YEAR}/)"
    ]
