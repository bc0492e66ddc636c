from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, PermissionDeniedError
from saduak.eservices.choices import (
    Action,
    ApplicationStatus,
    EventKind,
    MeetingStatus,
    Outcome,
)
from saduak.eservices.models import (
    Application,
    ApplicationEvent,
    CommitteeDecision,
    CommitteeMeeting,
)
from saduak.eservices.services.applications import application_act
from saduak.eservices.services.committee import (
    DecisionInput,
    committee_case_remove,
    committee_cases_add,
    committee_decision_set,
    committee_decisions_set,
    committee_meeting_create,
    committee_meeting_decide,
)
from saduak.eservices.tests.pipeline import committee_application, submitted_application

pytestmark = pytest.mark.django_db


def audited(action: str, target: object) -> AuditEvent | None:
    return AuditEvent.objects.filter(action=action, target_id=str(target.pk)).last()  # type: ignore[attr-defined]


@pytest.fixture
def at_committee(
    builtin_services: None,
    make_user: Callable[..., User],
    officer: User,
    district_office: Office,
) -> Callable[[], Application]:
    def make() -> Application:
        return committee_application(
            applicant=make_user(), office=district_office, officer=officer
        )

    return make


@pytest.fixture
def meeting(district_admin: User, district_office: Office) -> CommitteeMeeting:
    return committee_meeting_create(
        office=district_office,
        title="ประชุมคณะกรรมการครั้งที่ 1/2569",
        meets_on=timezone.localdate() + timedelta(days=3),
        members="นายอำเภอ ประธาน\nปลัดอำเภอ เลขานุการ",
        actor=district_admin,
    )


def test_a_district_admin_opens_a_meeting_and_it_is_audited(meeting, district_admin):
    event = audited("eservices.committee.create", meeting)

    assert meeting.status == MeetingStatus.OPEN
    assert meeting.members.splitlines() == ["นายอำเภอ ประธาน", "ปลัดอำเภอ เลขานุการ"]
    assert event is not None and event.actor_id == district_admin.pk


def test_a_counter_officer_cannot_run_the_committee(officer, district_office):
    with pytest.raises(PermissionDeniedError):
        committee_meeting_create(
            office=district_office,
            title="x",
            meets_on=timezone.localdate(),
            members="",
            actor=officer,
        )


def test_cases_at_the_committee_stage_are_added_in_bulk(
    at_committee, meeting, district_admin
):
    first, second = at_committee(), at_committee()

    committee_cases_add(
        meeting=meeting, applications=[first, second], actor=district_admin
    )

    assert set(meeting.decisions.values_list("application_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert ApplicationEvent.objects.filter(
        application=first, kind=EventKind.COMMITTEE, for_applicant=False
    ).exists()
    event = audited("eservices.committee.add", meeting)
    assert event is not None
    assert sorted(event.after["references"]) == sorted(
        [first.reference, second.reference]
    )


def test_only_committee_stage_cases_of_the_office_are_added_and_nothing_else_is(
    at_committee,
    meeting,
    district_admin,
    make_user,
    district_office,
    make_staff,
):
    ready = at_committee()
    at_intake = submitted_application(applicant=make_user(), office=district_office)
    other_office = Office.objects.get(code="do-5002")
    elsewhere = committee_application(
        applicant=make_user(),
        office=other_office,
        officer=make_staff(Role.COUNTER_OFFICER, "do-5002"),
    )

    with pytest.raises(InvalidInput) as refused:
        committee_cases_add(
            meeting=meeting,
            applications=[ready, at_intake, elsewhere],
            actor=district_admin,
        )

    assert at_intake.reference in str(refused.value.message)
    assert elsewhere.reference in str(refused.value.message)
    assert ready.reference not in str(refused.value.message)
    assert not CommitteeDecision.objects.exists()


def test_a_case_already_on_a_meeting_is_not_added_to_another(
    at_committee, meeting, district_admin, district_office
):
    case = at_committee()
    committee_cases_add(meeting=meeting, applications=[case], actor=district_admin)
    second = committee_meeting_create(
        office=district_office,
        title="ประชุมครั้งที่ 2",
        meets_on=timezone.localdate(),
        members="",
        actor=district_admin,
    )

    with pytest.raises(InvalidInput) as refused:
        committee_cases_add(meeting=second, applications=[case], actor=district_admin)

    assert meeting.title in str(refused.value.message)


def test_deciding_applies_approvals_with_amounts_and_rejections_with_reasons(
    at_committee, meeting, district_admin
):
    approved, rejected = at_committee(), at_committee()
    committee_cases_add(
        meeting=meeting, applications=[approved, rejected], actor=district_admin
    )
    committee_decisions_set(
        meeting=meeting,
        decisions=[
            DecisionInput(approved.pk, "approve", Decimal("2500")),
            DecisionInput(rejected.pk, "reject", None, "รายได้เกินเกณฑ์"),
        ],
        actor=district_admin,
    )

    committee_meeting_decide(meeting=meeting, actor=district_admin)

    approved.refresh_from_db()
    rejected.refresh_from_db()
    meeting.refresh_from_db()
    assert (approved.outcome, approved.stage, approved.approved_amount) == (
        Outcome.APPROVED,
        "payment",
        Decimal("2500.00"),
    )
    assert (rejected.outcome, rejected.status, rejected.decision_reason) == (
        Outcome.REJECTED,
        ApplicationStatus.CLOSED,
        "รายได้เกินเกณฑ์",
    )
    assert meeting.status == MeetingStatus.CLOSED
    assert meeting.decided_at is not None
    decided = audited("eservices.committee.decide", meeting)
    assert decided is not None and decided.after["approved"] == 1
    assert audited("eservices.committee.decision", meeting) is not None
    assert audited("eservices.application.approve", approved) is not None
    assert audited("eservices.application.reject", rejected) is not None


def test_approving_twice_is_refused_by_the_state_machine_with_the_reason(
    at_committee, meeting, district_admin
):
    case = at_committee()
    committee_cases_add(meeting=meeting, applications=[case], actor=district_admin)
    committee_decision_set(
        meeting=meeting,
        application=case,
        decision="approve",
        amount=Decimal("3000"),
        reason="",
        actor=district_admin,
    )
    committee_meeting_decide(meeting=meeting, actor=district_admin)

    with pytest.raises(InvalidInput) as again:
        application_act(
            application=case,
            action=Action.APPROVE,
            actor=district_admin,
            amount=Decimal("3000"),
        )
    with pytest.raises(Conflict) as redecide:
        committee_meeting_decide(meeting=meeting, actor=district_admin)

    assert again.value.code == "transition-not-allowed"
    assert "Payment" in str(again.value.message) or "จ่ายเงิน" in str(again.value.message)
    assert redecide.value.code == "meeting-closed"


def test_a_case_moved_on_meanwhile_stops_the_whole_meeting_naming_it(
    at_committee, meeting, district_admin
):
    moved, waiting = at_committee(), at_committee()
    committee_cases_add(
        meeting=meeting, applications=[moved, waiting], actor=district_admin
    )
    committee_decisions_set(
        meeting=meeting,
        decisions=[
            DecisionInput(moved.pk, "approve", Decimal("1000")),
            DecisionInput(waiting.pk, "approve", Decimal("1000")),
        ],
        actor=district_admin,
    )
    application_act(
        application=moved,
        action=Action.REJECT,
        actor=district_admin,
        message="ผู้ยื่นถอนคำขอ",
    )

    with pytest.raises(Conflict) as refused:
        committee_meeting_decide(meeting=meeting, actor=district_admin)

    waiting.refresh_from_db()
    meeting.refresh_from_db()
    assert refused.value.extra["reference"] == moved.reference
    assert waiting.stage == "committee" and waiting.outcome == ""
    assert meeting.status == MeetingStatus.OPEN


def test_an_approval_without_an_amount_is_refused(
    at_committee, meeting, district_admin
):
    case = at_committee()
    committee_cases_add(meeting=meeting, applications=[case], actor=district_admin)

    with pytest.raises(InvalidInput) as refused:
        committee_decision_set(
            meeting=meeting,
            application=case,
            decision="approve",
            amount=None,
            reason="",
            actor=district_admin,
        )

    assert refused.value.field == "amount"
    assert CommitteeDecision.objects.get(application=case).decision == ""


def test_an_amount_over_the_forms_ceiling_is_refused(
    at_committee, meeting, district_admin
):
    case = at_committee()
    committee_cases_add(meeting=meeting, applications=[case], actor=district_admin)

    with pytest.raises(InvalidInput) as refused:
        committee_decision_set(
            meeting=meeting,
            application=case,
            decision="approve",
            amount=Decimal("3000.01"),
            reason="",
            actor=district_admin,
        )

    assert refused.value.code == "decision-invalid"
    assert "3,000.00" in str(refused.value.message)


def test_a_rejection_needs_the_reason(at_committee, meeting, district_admin):
    case = at_committee()
    committee_cases_add(meeting=meeting, applications=[case], actor=district_admin)

    with pytest.raises(InvalidInput) as refused:
        committee_decision_set(
            meeting=meeting,
            application=case,
            decision="reject",
            amount=None,
            reason="  ",
            actor=district_admin,
        )

    assert refused.value.field == "reason"


def test_deciding_needs_a_decision_for_every_case(
    at_committee, meeting, district_admin
):
    decided, undecided = at_committee(), at_committee()
    committee_cases_add(
        meeting=meeting, applications=[decided, undecided], actor=district_admin
    )
    committee_decision_set(
        meeting=meeting,
        application=decided,
        decision="reject",
        amount=None,
        reason="ไม่เข้าเกณฑ์",
        actor=district_admin,
    )

    with pytest.raises(InvalidInput) as refused:
        committee_meeting_decide(meeting=meeting, actor=district_admin)

    decided.refresh_from_db()
    assert refused.value.code == "decisions-missing"
    assert undecided.reference in str(refused.value.message)
    assert decided.status == ApplicationStatus.IN_PROGRESS


def test_a_case_taken_off_the_agenda_can_join_another_meeting(
    at_committee, meeting, district_admin, district_office
):
    case = at_committee()
    committee_cases_add(meeting=meeting, applications=[case], actor=district_admin)

    committee_case_remove(meeting=meeting, application=case, actor=district_admin)
    later = committee_meeting_create(
        office=district_office,
        title="ประชุมครั้งถัดไป",
        meets_on=timezone.localdate(),
        members="",
        actor=district_admin,
    )
    committee_cases_add(meeting=later, applications=[case], actor=district_admin)

    assert CommitteeDecision.objects.get(application=case).meeting == later
    assert audited("eservices.committee.remove", meeting) is not None
