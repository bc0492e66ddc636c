"""The complaints' acting services, for the role x action walk
(tests/test_role_matrix.py). Every complaint is filed in district 5001 and
held by its Damrongdham center `ddc-5001`; a district's staff transfer it to
5002 (the same province), the province takes it over."""

from typing import Any

from saduak.accounts.matrix import Action
from saduak.accounts.tests.matrix_walk import Scenario
from saduak.areas.models import District, Office
from saduak.complaints.choices import Channel, Outcome
from saduak.complaints.models import (
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    Open311Key,
)
from saduak.complaints.services import categories, handling, intake, keys
from saduak.complaints.tests.factories import file_complaint, make_category, where_in
from saduak.identity.models import Partner

OFFICE = "ddc-5001"


def _filed(request: Any) -> Complaint:
    request.getfixturevalue("small_map")
    return file_complaint(category=make_category())


def _forwarded(request: Any) -> Complaint:
    complaint = _filed(request)
    return handling.complaint_forward(
        complaint=complaint,
        officer="test",
        agency="การไฟฟ้าส่วนภูมิภาค",
        text="ขอให้ตรวจสอบ",
    )


def _resolved(request: Any) -> Complaint:
    complaint = _filed(request)
    return handling.complaint_resolve(
        complaint=complaint, officer="test", text="ซ่อมแล้ว"
    )


def _pair(request: Any) -> tuple[Complaint, Complaint]:
    survivor = _filed(request)
    duplicate = file_complaint(
        category=survivor.category, description="ถนนหน้าบ้านเป็นหลุม รถล้ม"
    )
    return duplicate, survivor


def _state(complaint: Complaint) -> tuple[Any, ...]:
    fresh = Complaint.objects.get(pk=complaint.pk)
    return (
        fresh.status,
        fresh.office_id,
        fresh.outcome,
        fresh.acknowledged_at,
        ComplaintEvent.objects.filter(complaint=fresh).count(),
    )


def _pair_state(pair: tuple[Complaint, Complaint]) -> tuple[Any, ...]:
    return (_state(pair[0]), _state(pair[1]))


def _place(request: Any) -> Office:
    request.getfixturevalue("small_map")
    make_category()
    return Office.objects.get(code=OFFICE)


def _categories(request: Any) -> Office:
    request.getfixturevalue("small_map")
    return Office.objects.get(code=OFFICE)


def _partner(request: Any) -> Partner:
    request.getfixturevalue("small_map")
    return Partner.objects.create(
        name_th="กรมทางหลวงชนบท", kind="agency", purpose_th="รับเรื่องร้องเรียนถนน"
    )


def _key(request: Any) -> Open311Key:
    partner = _partner(request)
    key, _raw = keys.open311_key_issue(actor="test", partner=partner, name="ระบบรับเรื่อง")
    return key


SCENARIOS = [
    Scenario(
        Action.COMPLAINT_RECORD_FOR_CITIZEN,
        "complaint_record_for_citizen",
        OFFICE,
        _place,
        lambda actor, office, r: intake.complaint_record_for_citizen(
            officer=actor,
            office=office,
            channel=Channel.HOTLINE,
            category=ComplaintCategory.objects.get(code="road-damage"),
            description="โทรแจ้งสายด่วน 1567 ถนนชำรุด",
            where=where_in("5001"),
            contact=intake.Contact(name="ผู้โทร", phone="0899999999"),
        ),
        lambda office: Complaint.objects.count(),
    ),
    Scenario(
        Action.COMPLAINT_HANDLE,
        "complaint_accept",
        OFFICE,
        _filed,
        lambda actor, c, r: handling.complaint_accept(complaint=c, officer=actor),
        _state,
    ),
    Scenario(
        Action.COMPLAINT_HANDLE,
        "complaint_start",
        OFFICE,
        _filed,
        lambda actor, c, r: handling.complaint_start(complaint=c, officer=actor),
        _state,
    ),
    Scenario(
        Action.COMPLAINT_HANDLE,
        "complaint_answer",
        OFFICE,
        _filed,
        lambda actor, c, r: handling.complaint_answer(
            complaint=c, officer=actor, text="รับเรื่องแล้ว"
        ),
        _state,
    ),
    Scenario(
        Action.COMPLAINT_HANDLE,
        "complaint_forward",
        OFFICE,
        _filed,
        lambda actor, c, r: handling.complaint_forward(
            complaint=c, officer=actor, agency="เทศบาล", text="ขอให้ซ่อม"
        ),
        _state,
    ),
    Scenario(
        Action.COMPLAINT_HANDLE,
        "complaint_agency_answer",
        OFFICE,
        _forwarded,
        lambda actor, c, r: handling.complaint_agency_answer(
            complaint=c, officer=actor, text="ดำเนินการแล้ว", public=True
        ),
        _state,
    ),
    Scenario(
        Action.COMPLAINT_HANDLE,
        "complaint_resolve",
        OFFICE,
        _filed,
        lambda actor, c, r: handling.complaint_resolve(
            complaint=c, officer=actor, text="แก้ไขแล้ว"
        ),
        _state,
    ),
    Scenario(
        Action.COMPLAINT_HANDLE,
        "complaint_close",
        OFFICE,
        _resolved,
        lambda actor, c, r: handling.complaint_close(
            complaint=c, officer=actor, outcome=Outcome.RESOLVED, text="ปิดเรื่อง"
        ),
        _state,
    ),
    Scenario(
        Action.COMPLAINT_HANDLE,
        "complaint_merge",
        OFFICE,
        _pair,
        lambda actor, pair, r: handling.complaint_merge(
            duplicate=pair[0], into=pair[1], officer=actor
        ),
        _pair_state,
    ),
    Scenario(
        Action.COMPLAINT_NOTE_ADD,
        "complaint_note_add",
        OFFICE,
        _filed,
        lambda actor, c, r: handling.complaint_note_add(
            complaint=c, officer=actor, text="บันทึกภายใน"
        ),
        _state,
    ),
    Scenario(
        Action.COMPLAINT_TRANSFER,
        "complaint_transfer",
        OFFICE,
        _filed,
        lambda actor, c, r: handling.complaint_transfer(
            complaint=c,
            officer=actor,
            to_district=District.objects.get(code="5002"),
            reason="เกิดเหตุในอำเภอจอมทอง",
        ),
        _state,
    ),
    Scenario(
        Action.COMPLAINT_TAKE_OVER,
        "complaint_take_over",
        OFFICE,
        _filed,
        lambda actor, c, r: handling.complaint_take_over(
            complaint=c, officer=actor, reason="จังหวัดติดตามเอง"
        ),
        _state,
    ),
    Scenario(
        Action.COMPLAINT_CATEGORY_MANAGE,
        "complaint_category_save",
        OFFICE,
        _categories,
        lambda actor, office, r: categories.complaint_category_save(
            actor=actor, code="boats", name_th="ท่าเรือชำรุด", name_en="Damaged piers"
        ),
        lambda office: list(ComplaintCategory.objects.values_list("code", "name_th")),
    ),
    Scenario(
        Action.COMPLAINT_CATEGORY_MANAGE,
        "complaint_categories_load",
        OFFICE,
        _categories,
        lambda actor, office, r: categories.complaint_categories_load(actor=actor),
        lambda office: ComplaintCategory.objects.count(),
    ),
    Scenario(
        Action.OPEN311_KEY_ISSUE,
        "open311_key_issue",
        OFFICE,
        _partner,
        lambda actor, partner, r: keys.open311_key_issue(
            actor=actor, partner=partner, name="ระบบของกรม"
        ),
        lambda partner: Open311Key.objects.count(),
    ),
    Scenario(
        Action.OPEN311_KEY_ISSUE,
        "open311_key_revoke",
        OFFICE,
        _key,
        lambda actor, key, r: keys.open311_key_revoke(actor=actor, key=key),
        lambda key: Open311Key.objects.get(pk=key.pk).revoked_at,
    ),
]
