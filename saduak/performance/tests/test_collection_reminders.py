"""Reminders before and after a deadline: the days they go out, once a day
however often the job runs, a history line, the province reminded of a leg
not submitted."""

from datetime import timedelta
from typing import Any

import pytest

from saduak.notifications.models import Notification
from saduak.performance.choices import AnswerStepKind, ReminderKind
from saduak.performance.models import AnswerStep, ReminderSent
from saduak.performance.services import collection
from saduak.performance.services.reminders import reminder_kind, reminders_send
from saduak.performance.tests.collection_setup import (
    answer_of,
    filled,
    forwarded,
    people,
    today,
)


def test_the_reminder_days() -> None:
    due = today()
    kinds = {n: reminder_kind(due, due + timedelta(days=n)) for n in range(-5, 9)}
    assert kinds[-3] == kinds[-1] == ReminderKind.BEFORE
    assert kinds[-2] is kinds[0] is kinds[-4] is None
    assert [n for n, kind in kinds.items() if kind == ReminderKind.AFTER] == [1, 4, 7]


@pytest.mark.django_db
def test_reminders_go_once_a_day_to_the_offices_that_have_not_submitted(
    small_map: None, make_staff: Any
) -> None:
    p = people(make_staff)
    request = forwarded(due_in=3)
    submitted = collection.answer_submit(
        actor=p.district, answer=filled(answer_of(request, "do-5001"))
    )
    waiting = answer_of(request, "do-5002")
    assert reminders_send() == 1
    assert reminders_send() == 0  # idempotent
    assert ReminderSent.objects.get().answer_id == waiting.pk
    assert not ReminderSent.objects.filter(answer=submitted).exists()
    assert (
        AnswerStep.objects.filter(answer=waiting, kind=AnswerStepKind.REMINDED).count()
        == 1
    )
    assert (
        Notification.objects.filter(
            recipient=p.other_district, template_key="performance.report_due_soon"
        ).count()
        == 1
    )
    assert reminders_send(today=today() + timedelta(days=1)) == 0
    overdue_day = today() + timedelta(days=4)
    # First day overdue: the office again, and both provinces' legs (10
    # never forwarded, 50 not submitted) remind their provincial staff.
    assert reminders_send(today=overdue_day) == 3
    assert reminders_send(today=overdue_day) == 0
    note = Notification.objects.get(
        recipient=p.other_district, template_key="performance.report_overdue"
    )
    assert note.status != "failed", note.last_error
    assert request.title_th in note.body or request.title_en in note.body
    assert (
        Notification.objects.filter(
            recipient=p.other_province, template_key="performance.report_overdue"
        ).count()
        == 1
    )


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("channel", ["sms", "email", "line"])
def test_the_collection_messages_read_well_in_each_language(
    language: str, channel: str
) -> None:
    from saduak.notifications.templates import render_message

    context: dict[str, Any] = {
        "title": "รายงานผลการให้บริการ",
        "title_en": "Report on services",
        "issuer": "ส่วนกลาง",
        "office": "ที่ว่าการอำเภอเมือง",
        "status": "ส่งกลับ",
        "comment": "ตัวเลขไม่ตรง",
        "due_on": today(),
        "days": 4,
        "url": "https://saduak.example/staff/performance/inbox/",
    }
    for key in (
        "performance.request_received",
        "performance.report_update",
        "performance.report_submitted",
        "performance.report_due_soon",
        "performance.report_overdue",
    ):
        message = render_message(
            template_key=key, channel=channel, language=language, context=context
        )
        assert context["url"] in message.body
        title = "Report on services" if language == "en" else "รายงานผลการให้บริการ"
        assert title in message.subject
        if channel != "sms":
            assert ("Subject" if language == "en" else "เรื่อง") in message.body
    overdue = render_message(
        template_key="performance.report_overdue",
        channel="email",
        language=language,
        context=context,
    )
    assert (
        "Report overdue since" if language == "en" else "เลยกำหนดส่งตั้งแต่"
    ) in overdue.subject
