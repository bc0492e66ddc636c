from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.complaints.choices import ComplaintStatus, Escalation, EventKind, Outcome
from saduak.complaints.models import Complaint, ComplaintOpenCounts
from saduak.complaints.services import handling
from saduak.complaints.services.escalation import complaints_escalate
from saduak.complaints.tests.factories import file_complaint
from saduak.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _later(complaint: Any, *, working_days_past: str, days: int) -> Any:
    """A moment `days` calendar days after the complaint's due date."""
    due = getattr(complaint, working_days_past)
    return timezone.make_aware(
        datetime.combine(due + timedelta(days=days), datetime.min.time())
    ) + timedelta(hours=10)


@pytest.fixture
def people(make_staff: Any) -> dict[str, Any]:
    return {
        "officer": make_staff(Role.COUNTER_OFFICER, "ddc-5001"),
        "district": make_staff(Role.DISTRICT_ADMIN, "do-5001"),
        "province": make_staff(Role.PROVINCIAL_STAFF, "pao-50"),
        "hq": make_staff(Role.HQ_ADMIN, "hq"),
        "elsewhere": make_staff(Role.DISTRICT_ADMIN, "do-5002"),
    }


def _with_phone(people: dict[str, Any]) -> None:
    for index, person in enumerate(people.values()):
        person.phone = f"08{index:08d}"
        person.save(update_fields=["phone"])


def test_an_unacknowledged_complaint_escalates_to_the_province_once(
    category: Any, people: dict[str, Any]
) -> None:
    _with_phone(people)
    complaint = file_complaint(category=category)
    now = _later(complaint, working_days_past="acknowledge_due", days=1)
    Notification.objects.all().delete()

    run = complaints_escalate(now=now)

    assert (run.to_province, run.to_hq, run.closed) == (1, 0, 0)
    complaint.refresh_from_db()
    assert complaint.is_overdue and complaint.escalation == Escalation.PROVINCE
    line = complaint.events.get(kind=EventKind.ESCALATED)
    assert not line.is_public
    audit = AuditEvent.objects.get(action="complaint.escalate")
    assert audit.actor_label == "task:complaints_escalate"
    assert audit.office_id == complaint.office_id
    told = set(
        Notification.objects.filter(template_key="complaint.escalated").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {people["officer"].pk, people["district"].pk, people["province"].pk}
    opened = ComplaintOpenCounts.objects.get(office=complaint.office)
    assert (opened.open, opened.overdue) == (1, 1)

    again = complaints_escalate(now=now + timedelta(minutes=15))
    assert (again.to_province, again.to_hq) == (0, 0)
    assert AuditEvent.objects.filter(action="complaint.escalate").count() == 1


def test_an_acknowledged_complaint_escalates_only_past_the_resolve_target(
    category: Any, people: dict[str, Any]
) -> None:
    complaint = file_complaint(category=category)
    handling.complaint_accept(complaint=complaint, officer=people["officer"])
    complaint.refresh_from_db()
    assert (
        complaints_escalate(
            now=_later(complaint, working_days_past="acknowledge_due", days=1)
        ).to_province
        == 0
    )
    run = complaints_escalate(
        now=_later(complaint, working_days_past="resolve_due", days=1)
    )
    assert run.to_province == 1


def test_past_the_second_threshold_hq_is_told(
    category: Any, people: dict[str, Any]
) -> None:
    _with_phone(people)
    complaint = file_complaint(category=category)
    handling.complaint_accept(complaint=complaint, officer=people["officer"])
    complaint.refresh_from_db()
    Notification.objects.all().delete()
    run = complaints_escalate(
        now=_later(complaint, working_days_past="hq_escalation_due", days=1)
    )
    assert (run.to_province, run.to_hq) == (1, 1)
    complaint.refresh_from_db()
    assert complaint.escalation == Escalation.HQ
    assert complaint.events.filter(kind=EventKind.ESCALATED).count() == 2
    hq_told = Notification.objects.filter(
        template_key="complaint.escalated", recipient=people["hq"]
    )
    assert hq_told.count() == 1
    assert not Notification.objects.filter(recipient=people["elsewhere"]).exists()


def test_closed_complaints_do_not_escalate(
    category: Any, people: dict[str, Any]
) -> None:
    complaint = file_complaint(category=category)
    handling.complaint_close(
        complaint=complaint,
        officer=people["officer"],
        outcome=Outcome.NO_ACTION_POSSIBLE,
        text="ไม่อาจดำเนินการได้",
    )
    run = complaints_escalate(
        now=_later(complaint, working_days_past="hq_escalation_due", days=5)
    )
    assert (run.to_province, run.to_hq) == (0, 0)


def test_a_resolved_complaint_closes_itself_after_seven_days(
    category: Any, people: dict[str, Any]
) -> None:
    complaint = file_complaint(category=category)
    handling.complaint_resolve(
        complaint=complaint, officer=people["officer"], text="เสร็จ"
    )
    complaint.refresh_from_db()
    assert complaint.resolved_at is not None
    assert (
        complaints_escalate(now=complaint.resolved_at + timedelta(days=6)).closed == 0
    )
    Notification.objects.all().delete()
    run = complaints_escalate(now=complaint.resolved_at + timedelta(days=7, minutes=1))
    assert run.closed == 1
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED
    assert complaint.outcome == Outcome.RESOLVED
    audit = AuditEvent.objects.filter(action="complaint.close").latest("id")
    assert audit.actor_label == "task:complaints_escalate"
    assert complaint.events.latest("id").kind == EventKind.CLOSED
    assert Notification.objects.filter(template_key="complaint.updated").exists()


def test_the_command_runs_the_job(
    category: Any, people: dict[str, Any], capsys: Any
) -> None:
    complaint = file_complaint(category=category)
    Complaint.objects.filter(pk=complaint.pk).update(
        acknowledge_due=timezone.localdate() - timedelta(days=3)
    )
    call_command("complaints_escalate")
    assert "Escalated 1 to the province" in capsys.readouterr().out
