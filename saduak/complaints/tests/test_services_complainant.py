from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from saduak.audit.models import AuditEvent
from saduak.complaints.choices import ComplaintStatus, EventKind, Outcome
from saduak.complaints.models import Complaint, ComplaintEvent
from saduak.complaints.services import complainant, handling
from saduak.complaints.tests.factories import file_complaint
from saduak.core.errors import Conflict, InvalidInput, PermissionDeniedError
from saduak.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _snapshot(complaint: Any) -> tuple[Any, ...]:
    fresh = Complaint.objects.get(pk=complaint.pk)
    return (
        fresh.status,
        fresh.outcome,
        fresh.rating,
        fresh.reopen_count,
        ComplaintEvent.objects.filter(complaint=complaint).count(),
        AuditEvent.objects.count(),
    )


def _audited(complaint: Any, action: str, kind: str) -> AuditEvent:
    audit = AuditEvent.objects.filter(action=action).latest("id")
    assert audit.target_id == str(complaint.pk)
    assert audit.office_id == complaint.office_id
    line = complaint.events.order_by("-at", "-id").first()
    assert line.kind == kind and line.is_public
    return audit


@pytest.fixture
def mine(category: Any, citizen: Any) -> Complaint:
    citizen.phone = "0891234567"
    citizen.save(update_fields=["phone"])
    return file_complaint(citizen=citizen, category=category)


def _closed(complaint: Any, officer: Any) -> Complaint:
    handling.complaint_resolve(complaint=complaint, officer=officer, text="ซ่อมแล้ว")
    return handling.complaint_close(
        complaint=complaint, officer=officer, outcome=Outcome.RESOLVED, text="ปิด"
    )


def test_the_complainant_rates_a_closed_complaint_once(
    mine: Any, citizen: Any, officer: Any
) -> None:
    before = _snapshot(mine)
    with pytest.raises(Conflict) as refused:
        complainant.complaint_rate(complaint=mine, citizen=citizen, stars=5)
    assert refused.value.code == "not-closed"
    assert str(refused.value.message) == "ให้คะแนนการดำเนินการได้เมื่อยุติเรื่องแล้ว"
    assert _snapshot(mine) == before
    _closed(mine, officer)
    rated = complainant.complaint_rate(
        complaint=mine, citizen=citizen, stars=4, comment="เร็วดี"
    )
    assert rated.rating == 4 and rated.rating_comment == "เร็วดี"
    audit = _audited(rated, "complaint.rate", EventKind.RATED)
    assert audit.actor_id == citizen.pk
    before = _snapshot(mine)
    with pytest.raises(Conflict):
        complainant.complaint_rate(complaint=mine, citizen=citizen, stars=5)
    assert _snapshot(mine) == before


@pytest.mark.parametrize("stars", [0, 6, "5", True])
def test_stars_are_one_to_five(
    mine: Any, citizen: Any, officer: Any, stars: Any
) -> None:
    _closed(mine, officer)
    before = _snapshot(mine)
    with pytest.raises(InvalidInput) as refused:
        complainant.complaint_rate(complaint=mine, citizen=citizen, stars=stars)
    assert refused.value.field == "stars"
    assert _snapshot(mine) == before


def test_someone_else_cannot_reopen_or_rate(
    mine: Any, officer: Any, make_user: Any
) -> None:
    _closed(mine, officer)
    stranger = make_user()
    before = _snapshot(mine)
    with pytest.raises(PermissionDeniedError):
        complainant.complaint_reopen(complaint=mine, citizen=stranger, reason="ยังไม่หาย")
    with pytest.raises(PermissionDeniedError):
        complainant.complaint_rate(
            complaint=mine, citizen=None, tracking_token="x" * 43, stars=1
        )
    assert _snapshot(mine) == before


def test_the_tracking_link_is_enough(category: Any, officer: Any) -> None:
    complaint = file_complaint(category=category)
    _closed(complaint, officer)
    reopened = complainant.complaint_reopen(
        complaint=complaint,
        citizen=None,
        tracking_token=complaint.tracking_token,
        reason="ถนนเป็นหลุมอีกแล้ว",
    )
    assert reopened.status == ComplaintStatus.REOPENED
    audit = _audited(reopened, "complaint.reopen", EventKind.REOPENED)
    assert audit.actor_label == "complainant:tracking-link"


def test_reopen_within_30_days_restarts_the_resolve_clock(
    mine: Any, citizen: Any, officer: Any
) -> None:
    closed = _closed(mine, officer)
    Complaint.objects.filter(pk=closed.pk).update(
        is_overdue=True,
        escalation=1,
        resolve_due=timezone.localdate() - timedelta(days=40),
    )
    Notification.objects.all().delete()
    reopened = complainant.complaint_reopen(
        complaint=closed, citizen=citizen, reason="ถนนเป็นหลุมอีกแล้ว"
    )
    assert reopened.status == ComplaintStatus.REOPENED
    assert reopened.outcome == "" and reopened.closed_at is None
    assert reopened.resolved_at is None
    assert reopened.reopen_count == 1
    assert reopened.resolve_due > timezone.localdate()
    assert reopened.escalation == 0 and not reopened.is_overdue
    _audited(reopened, "complaint.reopen", EventKind.REOPENED)
    assert Notification.objects.filter(template_key="complaint.updated").exists()
    accepted = handling.complaint_accept(complaint=reopened, officer=officer)
    assert accepted.status == ComplaintStatus.IN_PROGRESS


def test_reopen_after_30_days_is_refused_with_the_reason(
    mine: Any, citizen: Any, officer: Any
) -> None:
    closed = _closed(mine, officer)
    Complaint.objects.filter(pk=closed.pk).update(
        closed_at=timezone.now() - timedelta(days=31)
    )
    before = _snapshot(mine)
    with pytest.raises(Conflict) as refused:
        complainant.complaint_reopen(
            complaint=closed, citizen=citizen, reason="ยังไม่หาย"
        )
    assert refused.value.code == "reopen-too-late"
    assert "30" in str(refused.value.message)
    assert _snapshot(mine) == before


def test_a_withdrawn_complaint_cannot_be_reopened_or_rated(
    mine: Any, citizen: Any
) -> None:
    withdrawn = complainant.complaint_withdraw(
        complaint=mine, citizen=citizen, reason="ตกลงกันได้แล้ว"
    )
    assert withdrawn.status == ComplaintStatus.CLOSED
    assert withdrawn.outcome == Outcome.WITHDRAWN
    _audited(withdrawn, "complaint.withdraw", EventKind.CLOSED)
    before = _snapshot(mine)
    with pytest.raises(Conflict):
        complainant.complaint_reopen(complaint=mine, citizen=citizen, reason="x")
    with pytest.raises(Conflict):
        complainant.complaint_rate(complaint=mine, citizen=citizen, stars=3)
    with pytest.raises(Conflict):
        complainant.complaint_withdraw(complaint=mine, citizen=citizen)
    assert _snapshot(mine) == before


def test_the_complainant_confirms_a_resolution(
    mine: Any, citizen: Any, officer: Any
) -> None:
    before = _snapshot(mine)
    with pytest.raises(Conflict):
        complainant.complaint_confirm_resolved(complaint=mine, citizen=citizen)
    assert _snapshot(mine) == before
    handling.complaint_resolve(complaint=mine, officer=officer, text="ซ่อมแล้ว")
    closed = complainant.complaint_confirm_resolved(complaint=mine, citizen=citizen)
    assert closed.status == ComplaintStatus.CLOSED
    assert closed.outcome == Outcome.RESOLVED
    audit = _audited(closed, "complaint.close", EventKind.CLOSED)
    assert audit.actor_id == citizen.pk
