from typing import Any

import pytest

from saduak.accounts.choices import Role
from saduak.areas.models import District
from saduak.audit.models import AuditEvent
from saduak.complaints.choices import ComplaintStatus, EventKind, Outcome
from saduak.complaints.models import Complaint, ComplaintEvent
from saduak.complaints.selectors.complaints import (
    complaint_recipients,
    complaint_timeline,
)
from saduak.complaints.services import handling
from saduak.complaints.tests.factories import file_complaint
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _changed(complaint: Any, action: str, kind: str, actor: Any) -> AuditEvent:
    """The state change left its audit event and its timeline line."""
    audit = AuditEvent.objects.filter(action=action).latest("id")
    assert audit.target_id == str(complaint.pk)
    assert audit.actor_id == actor.pk
    assert audit.office_id == complaint.office_id
    assert audit.district_code == complaint.holder_district_code
    assert audit.province_code == complaint.holder_province_code
    line = complaint.events.order_by("-at", "-id").first()
    assert line.kind == kind
    assert line.status_after == complaint.status
    return audit


def _unchanged(complaint: Any) -> tuple[Any, ...]:
    fresh = Complaint.objects.get(pk=complaint.pk)
    return (
        fresh.status,
        fresh.office_id,
        fresh.outcome,
        ComplaintEvent.objects.filter(complaint=complaint).count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


@pytest.fixture
def complaint(category: Any) -> Complaint:
    return file_complaint(category=category)


def test_accept_acknowledges_and_tells_the_complainant(
    complaint: Any, officer: Any
) -> None:
    complaint = handling.complaint_accept(complaint=complaint, officer=officer)
    assert complaint.status == ComplaintStatus.ACCEPTED
    assert complaint.acknowledged_at is not None
    assert complaint.assigned_to == officer
    audit = _changed(complaint, "complaint.accept", EventKind.ACCEPTED, officer)
    assert (audit.before or {})["status"] == "received" and (audit.after or {})[
        "status"
    ] == "accepted"
    assert Notification.objects.filter(template_key="complaint.updated").count() == 1


def test_accepting_twice_is_refused_and_changes_nothing(
    complaint: Any, officer: Any
) -> None:
    handling.complaint_accept(complaint=complaint, officer=officer)
    before = _unchanged(complaint)
    with pytest.raises(Conflict):
        handling.complaint_accept(complaint=complaint, officer=officer)
    assert _unchanged(complaint) == before


def test_start_answer_forward_agency_answer_resolve_close(
    complaint: Any, officer: Any
) -> None:
    complaint = handling.complaint_start(complaint=complaint, officer=officer)
    assert complaint.status == ComplaintStatus.IN_PROGRESS
    assert complaint.acknowledged_at is not None
    _changed(complaint, "complaint.start", EventKind.STARTED, officer)

    complaint = handling.complaint_answer(
        complaint=complaint, officer=officer, text="ได้ประสานเทศบาลแล้ว"
    )
    assert complaint.status == ComplaintStatus.IN_PROGRESS
    _changed(complaint, "complaint.answer", EventKind.ANSWER, officer)
    sent = Notification.objects.filter(template_key="complaint.updated").latest("id")
    assert "ได้ประสานเทศบาลแล้ว" in sent.body

    complaint = handling.complaint_forward(
        complaint=complaint,
        officer=officer,
        agency="เทศบาลนครเชียงใหม่",
        text="ขอให้ซ่อมถนน",
    )
    assert complaint.status == ComplaintStatus.FORWARDED
    assert complaint.forwarded_to == "เทศบาลนครเชียงใหม่"
    _changed(complaint, "complaint.forward", EventKind.FORWARDED, officer)

    told = Notification.objects.count()
    complaint = handling.complaint_agency_answer(
        complaint=complaint, officer=officer, text="จะซ่อมสัปดาห์หน้า (ภายใน)", public=False
    )
    assert complaint.status == ComplaintStatus.IN_PROGRESS
    _changed(complaint, "complaint.agency_answer", EventKind.AGENCY_ANSWER, officer)
    assert Notification.objects.count() == told
    assert not complaint.events.get(kind=EventKind.AGENCY_ANSWER).is_public

    complaint = handling.complaint_resolve(
        complaint=complaint, officer=officer, text="ซ่อมเสร็จแล้ว"
    )
    assert complaint.status == ComplaintStatus.RESOLVED
    assert complaint.resolved_at is not None
    _changed(complaint, "complaint.resolve", EventKind.RESOLVED, officer)

    complaint = handling.complaint_close(
        complaint=complaint, officer=officer, outcome=Outcome.RESOLVED, text="ปิดเรื่อง"
    )
    assert complaint.status == ComplaintStatus.CLOSED
    assert complaint.outcome == Outcome.RESOLVED
    assert complaint.closed_at is not None
    _changed(complaint, "complaint.close", EventKind.CLOSED, officer)
    public = complaint_timeline(complaint=complaint, public_only=True)
    assert EventKind.AGENCY_ANSWER not in [line.kind for line in public]


def test_an_agency_answer_needs_a_forward(complaint: Any, officer: Any) -> None:
    before = _unchanged(complaint)
    with pytest.raises(Conflict):
        handling.complaint_agency_answer(
            complaint=complaint, officer=officer, text="x", public=True
        )
    assert _unchanged(complaint) == before


def test_closing_as_resolved_needs_a_resolution(complaint: Any, officer: Any) -> None:
    before = _unchanged(complaint)
    with pytest.raises(Conflict):
        handling.complaint_close(
            complaint=complaint, officer=officer, outcome=Outcome.RESOLVED, text="x"
        )
    with pytest.raises(InvalidInput) as refused:
        handling.complaint_close(
            complaint=complaint, officer=officer, outcome=Outcome.DUPLICATE, text="x"
        )
    assert refused.value.field == "outcome"
    assert _unchanged(complaint) == before
    complaint = handling.complaint_close(
        complaint=complaint,
        officer=officer,
        outcome=Outcome.NOT_WITHIN_AUTHORITY,
        text="เป็นเรื่องข้อพิพาททางแพ่ง",
    )
    assert complaint.outcome == Outcome.NOT_WITHIN_AUTHORITY
    _changed(complaint, "complaint.close", EventKind.CLOSED, officer)
    before = _unchanged(complaint)
    with pytest.raises(Conflict):
        handling.complaint_answer(complaint=complaint, officer=officer, text="x")
    assert _unchanged(complaint) == before


def test_an_answer_must_say_something_and_not_too_much(
    complaint: Any, officer: Any
) -> None:
    before = _unchanged(complaint)
    for text in ("  ", "ก" * 4001):
        with pytest.raises(InvalidInput):
            handling.complaint_answer(complaint=complaint, officer=officer, text=text)
    assert _unchanged(complaint) == before


def test_a_note_is_internal(complaint: Any, officer: Any) -> None:
    told = Notification.objects.count()
    note = handling.complaint_note_add(
        complaint=complaint, officer=officer, text="โทรหาแล้ว"
    )
    assert not note.is_public
    _changed(complaint, "complaint.note", EventKind.NOTE, officer)
    assert Notification.objects.count() == told
    assert note not in complaint_timeline(complaint=complaint, public_only=True)
    assert note in complaint_timeline(complaint=complaint, public_only=False)


def test_an_officer_of_another_district_does_not_see_it(
    complaint: Any, make_staff: Any
) -> None:
    away = make_staff(Role.DISTRICT_ADMIN, "do-5002")
    before = _unchanged(complaint)
    with pytest.raises(NotFound):
        handling.complaint_accept(complaint=complaint, officer=away)
    assert _unchanged(complaint) == before


def test_district_staff_transfer_within_their_province(
    complaint: Any, officer: Any
) -> None:
    handling.complaint_accept(complaint=complaint, officer=officer)
    complaint = handling.complaint_transfer(
        complaint=complaint,
        officer=officer,
        to_district=District.objects.get(code="5002"),
        reason="เกิดเหตุในอำเภอจอมทอง",
    )
    assert complaint.office.code == "ddc-5002"
    assert complaint.holder_district_code == "5002"
    assert complaint.status == ComplaintStatus.RECEIVED
    assert complaint.acknowledged_at is None and complaint.assigned_to is None
    audit = _changed(complaint, "complaint.transfer", EventKind.TRANSFERRED, officer)
    assert (audit.before or {})["office"] == "ddc-5001" and (audit.after or {})[
        "office"
    ] == "ddc-5002"
    line = complaint.events.get(kind=EventKind.TRANSFERRED)
    assert line.from_office.code == "ddc-5001" and line.to_office.code == "ddc-5002"


def test_district_staff_cannot_transfer_to_another_province(
    complaint: Any, officer: Any
) -> None:
    before = _unchanged(complaint)
    with pytest.raises(PermissionDeniedError) as refused:
        handling.complaint_transfer(
            complaint=complaint,
            officer=officer,
            to_district=District.objects.get(code="1001"),
            reason="ผิดจังหวัด",
        )
    assert "province" in str(refused.value.message) or "จังหวัด" in str(
        refused.value.message
    )
    assert _unchanged(complaint) == before


def test_the_province_transfers_anywhere_and_takes_over(
    complaint: Any, make_staff: Any
) -> None:
    province = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    taken = handling.complaint_take_over(
        complaint=complaint, officer=province, reason="เรื่องร้องเรียนซ้ำหลายครั้ง"
    )
    assert taken.office.code == "pao-50"
    assert taken.holder_district_code == "" and taken.holder_province_code == "50"
    assert taken.status == ComplaintStatus.RECEIVED
    _changed(taken, "complaint.take_over", EventKind.TAKEN_OVER, province)
    with pytest.raises(Conflict):
        handling.complaint_take_over(complaint=taken, officer=province, reason="again")
    moved = handling.complaint_transfer(
        complaint=taken,
        officer=province,
        to_district=District.objects.get(code="1001"),
        reason="เกิดเหตุที่กรุงเทพฯ",
    )
    assert moved.office.district_id == "1001"
    _changed(moved, "complaint.transfer", EventKind.TRANSFERRED, province)


def test_a_district_officer_cannot_take_over(complaint: Any, officer: Any) -> None:
    before = _unchanged(complaint)
    with pytest.raises(PermissionDeniedError):
        handling.complaint_take_over(complaint=complaint, officer=officer, reason="x")
    assert _unchanged(complaint) == before


def test_merge_closes_the_duplicate_and_its_complainant_follows_the_survivor(
    category: Any, officer: Any, make_user: Any
) -> None:
    first_person, second_person = (
        make_user(phone="0811111111"),
        make_user(phone="0822222222"),
    )
    survivor = file_complaint(
        citizen=first_person, category=category, description="ไฟดับทั้งซอยวัดเกต"
    )
    duplicate = file_complaint(
        citizen=second_person, category=category, description="ไฟดับ ซอยวัดเกต"
    )
    into = handling.complaint_merge(duplicate=duplicate, into=survivor, officer=officer)
    assert into.pk == survivor.pk
    duplicate.refresh_from_db()
    assert duplicate.status == ComplaintStatus.CLOSED
    assert duplicate.outcome == Outcome.DUPLICATE
    assert duplicate.merged_into_id == survivor.pk
    audit = _changed(duplicate, "complaint.merge", EventKind.MERGED, officer)
    assert (audit.after or {})["into"] == survivor.reference
    assert survivor.events.filter(kind=EventKind.ABSORBED).exists()
    assert [c.pk for c in complaint_recipients(complaint=survivor)] == [
        survivor.pk,
        duplicate.pk,
    ]

    Notification.objects.all().delete()
    handling.complaint_answer(complaint=survivor, officer=officer, text="กำลังแก้ไข")
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {first_person.pk, second_person.pk}
    timeline = complaint_timeline(complaint=duplicate, public_only=True)
    assert (
        timeline[-1].kind == EventKind.ANSWER
        and timeline[-1].complaint_id == survivor.pk
    )


def test_merge_refusals_change_nothing(
    category: Any, officer: Any, make_staff: Any
) -> None:
    one = file_complaint(category=category, description="หนึ่ง")
    other = file_complaint(category=category, description="สอง", district_code="5002")
    before = (_unchanged(one), _unchanged(other))
    with pytest.raises(InvalidInput):
        handling.complaint_merge(duplicate=one, into=one, officer=officer)
    # ddc-5002 is outside a counter officer of ddc-5001.
    with pytest.raises(NotFound):
        handling.complaint_merge(duplicate=one, into=other, officer=officer)
    assert (_unchanged(one), _unchanged(other)) == before


def test_a_complainant_who_reads_english_is_told_in_english(
    category: Any, officer: Any, make_user: Any
) -> None:
    person = make_user(phone="0833333333", preferred_language="en")
    complaint = file_complaint(citizen=person, category=category)
    handling.complaint_accept(complaint=complaint, officer=officer)
    sent = Notification.objects.filter(template_key="complaint.updated").get()
    assert sent.language == "en"
    assert sent.body.startswith(f"Saduak: complaint {complaint.reference}: Accepted.")
