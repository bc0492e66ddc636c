"""The whole round of a request: HQ -> provinces 10 and 50 -> their
districts -> back up, with a return, a late answer, an excuse,
certification, the consolidated report, HQ's return and acceptance."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict
from saduak.notifications.models import Notification
from saduak.performance.choices import AnswerStatus, AnswerStepKind, LegStatus
from saduak.performance.models import AnswerStep, ReportAnswer, RequestLeg
from saduak.performance.services import collection
from saduak.performance.tests.collection_setup import (
    answer_of,
    draft,
    people,
    today,
)


def _event(action: str) -> Any:
    return AuditEvent.objects.filter(action=action).latest("id")


def test_a_request_goes_down_to_two_provinces_and_comes_back_up(
    make_staff: Any,
) -> None:
    p = people(make_staff)
    request = draft(actor=p.hq)
    assert _event("report_request.create").actor_id == p.hq.pk
    request = collection.request_send(actor=p.hq, request=request)
    legs = {leg.province_id: leg for leg in RequestLeg.objects.filter(request=request)}
    assert set(legs) == {"10", "50"}
    assert all(leg.status == LegStatus.RECEIVED for leg in legs.values())
    assert ReportAnswer.objects.filter(request=request).count() == 0
    send = _event("report_request.send")
    assert send.after["legs"] == 2 and send.after["answers"] == 0
    assert Notification.objects.filter(
        recipient=p.province, template_key="performance.request_received"
    ).exists()

    # Province 50 forwards with an earlier deadline; 10 forwards as is.
    earlier = request.due_on - timedelta(days=2)
    collection.leg_forward(
        actor=p.province, leg=legs["50"], due_on=earlier, cover_note="โปรดรายงาน"
    )
    forward = _event("request_leg.forward")
    assert forward.province_code == "50" and forward.after["answers"] == 2
    a5001 = answer_of(request, "do-5001")
    a5002 = answer_of(request, "do-5002")
    assert a5001.due_on == earlier and a5001.status == AnswerStatus.NEW
    assert Notification.objects.filter(
        recipient=p.district, template_key="performance.request_received"
    ).exists()
    leg10 = collection.leg_forward(actor=p.other_province, leg=legs["10"])
    assert leg10.status == LegStatus.FORWARDED

    # District 5001 reads, acknowledges, fills and submits.
    collection.answer_mark_read(actor=p.counter, answer=a5001)
    collection.answer_mark_read(actor=p.counter, answer=a5001)  # idempotent
    assert AnswerStep.objects.filter(answer=a5001, kind="read").count() == 1
    collection.answer_acknowledge(actor=p.counter, answer=a5001)
    collection.answer_save(
        actor=p.counter,
        answer=a5001,
        answers={
            "served": "12",
            "budget": "1500.50",
            "ready": "yes",
            "note": "ไม่มีปัญหา",
            "items": [{"name": "แบบฟอร์ม", "qty": "3"}],
        },
    )
    save = _event("report_answer.save")
    assert save.district_code == "5001" and "served" in save.after["fields"]
    a5001 = collection.answer_submit(actor=p.district, answer=a5001)
    assert a5001.status == AnswerStatus.SUBMITTED and not a5001.late

    # The province sends it back; the district corrects and submits again.
    collection.answer_return(actor=p.province, answer=a5001, comment="ตัวเลขไม่ตรง")
    assert _event("report_answer.return").after["comment"] == "ตัวเลขไม่ตรง"
    assert Notification.objects.filter(
        recipient=p.district, template_key="performance.report_update"
    ).exists()
    collection.answer_save(actor=p.district, answer=a5001, answers={"served": 10})
    collection.answer_submit(actor=p.district, answer=a5001)
    a5001 = collection.answer_certify(actor=p.province, answer=a5001)
    assert a5001.certifier_position == "ตำแหน่ง p50"
    assert a5001.certifier_name == p.province.get_full_name()
    assert _event("report_answer.certify").office_id == a5001.office_id

    # District 5002 answers late (after the province's deadline).
    collection.answer_save(
        actor=p.other_district,
        answer=a5002,
        answers={"served": 7, "items": [{"name": "แบบฟอร์ม", "qty": 2}]},
    )
    with time_machine.travel(earlier + timedelta(days=1, hours=3), tick=False):
        a5002 = collection.answer_submit(actor=p.other_district, answer=a5002)
    assert a5002.late
    assert AnswerStep.objects.get(answer=a5002, kind=AnswerStepKind.SUBMITTED).comment
    collection.answer_certify(actor=p.province, answer=a5002)

    leg50 = collection.leg_submit(actor=p.province, leg=legs["50"])
    assert leg50.status == LegStatus.SUBMITTED and not leg50.submitted_late
    assert leg50.consolidated["served"]["total"] == 17
    assert leg50.consolidated["items"]["rows"][0]["qty"] == 5
    assert leg50.consolidated["ready"]["counts"] == {"yes": 1, "no": 0}
    assert Notification.objects.filter(
        recipient=p.hq, template_key="performance.report_submitted"
    ).exists()
    assert _event("request_leg.submit").after["certified"] == 2

    # HQ returns it, the province submits again, HQ accepts.
    collection.leg_return(actor=p.hq, leg=leg50, comment="ขอรายละเอียดเพิ่ม")
    assert RequestLeg.objects.get(pk=leg50.pk).status == LegStatus.RETURNED
    collection.leg_submit(actor=p.province, leg=leg50)
    leg50 = collection.leg_accept(actor=p.hq, leg=leg50)
    assert leg50.status == LegStatus.ACCEPTED
    assert _event("request_leg.accept").province_code == "50"

    # Province 10 excuses its only district and has nothing to consolidate.
    a1001 = answer_of(request, "do-1001")
    collection.answer_excuse(
        actor=p.other_province, answer=a1001, reason="น้ำท่วมสำนักงาน"
    )
    assert ReportAnswer.objects.get(pk=a1001.pk).status == AnswerStatus.EXCUSED
    with pytest.raises(Conflict) as nothing:
        collection.leg_submit(actor=p.other_province, leg=legs["10"])
    assert nothing.value.code == "nothing-certified"

    collection.request_close(actor=p.hq, request=request)
    assert _event("report_request.close").after["unanswered"] == 0
    assert today() <= request.due_on
