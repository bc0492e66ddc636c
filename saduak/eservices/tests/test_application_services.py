from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.eservices.choices import (
    Action,
    ApplicationStatus,
    Channel,
    EventKind,
    IdentityCheckMethod,
    Outcome,
)
from saduak.eservices.models import Application, Service, StageVisit
from saduak.eservices.services.applications import (
    application_act,
    application_claim,
    application_mark_paid,
    application_note_add,
    application_release,
    application_resubmit,
    application_save,
    application_start,
    application_submit,
    fact_check_record,
)
from saduak.eservices.tests.conftest import attach, complete_answers
from saduak.notifications.models import Notification

pytestmark = pytest.mark.django_db


def audited(action: str, application: Application) -> bool:
    return AuditEvent.objects.filter(
        action=action, target_id=str(application.pk)
    ).exists()


@pytest.fixture
def applicant(make_user: Any) -> User:
    return make_user(
        first_name="สมศรี",
        last_name="ใจดี",
        phone="0812345678",
        email="somsri@example.com",
    )


@pytest.fixture
def draft(low_income: Service, applicant: User, district_office: Office) -> Application:
    return application_start(
        service=low_income, applicant=applicant, office=district_office, actor=applicant
    )


@pytest.fixture
def submitted(draft: Application, applicant: User) -> Application:
    application_save(
        application=draft, values=complete_answers(applicant), actor=applicant
    )
    attach(draft)
    return application_submit(application=draft, actor=applicant)


def at_committee(application: Application, officer: User) -> Application:
    application = application_act(
        application=application, action=Action.FORWARD, actor=officer
    )
    fact_check_record(
        application=application,
        actor=officer,
        identity_method=IdentityCheckMethod.SMART_CARD,
        identity_confirmed=True,
        visited_on=timezone.localdate(),
        household_size=4,
        monthly_income=Decimal("2500"),
        findings="บ้านเช่า สภาพทรุดโทรม",
    )
    return application_act(
        application=application, action=Action.FORWARD, actor=officer
    )


def test_a_draft_is_prefilled_from_the_digital_id_and_audited(
    draft: Application, applicant: User
) -> None:
    assert draft.status == ApplicationStatus.DRAFT
    assert draft.answers["personal_id"] == applicant.personal_id
    assert draft.answers["full_name"] == "สมศรี ใจดี"
    assert draft.answers["phone"] == "0812345678"
    assert len(draft.reference) == 8
    assert audited("eservices.application.start", draft)


def test_an_office_that_does_not_serve_the_service_is_refused(
    low_income: Service, applicant: User
) -> None:
    provincial = Office.objects.get(code="pao-50")
    with pytest.raises(InvalidInput) as refused:
        application_start(
            service=low_income, applicant=applicant, office=provincial, actor=applicant
        )
    assert refused.value.code == "office-not-serving"
    assert not Application.objects.exists()


def test_an_officer_records_an_application_for_a_citizen_with_the_channel(
    low_income: Service, applicant: User, district_office: Office, officer: User
) -> None:
    application = application_start(
        service=low_income,
        applicant=applicant,
        office=district_office,
        actor=officer,
        channel=Channel.REFERRAL,
        referral_agency="โรงพยาบาลนครพิงค์",
    )
    assert application.recorded_by == officer
    assert application.channel == Channel.REFERRAL
    application_save(
        application=application, values={"reason": "ส่งต่อจากโรงพยาบาล"}, actor=officer
    )
    assert audited("eservices.application.save", application)


def test_an_officer_of_another_province_cannot_record_for_this_office(
    low_income: Service, applicant: User, district_office: Office, make_staff: Any
) -> None:
    from saduak.accounts.choices import Role

    stranger = make_staff(Role.COUNTER_OFFICER, "do-1001")
    with pytest.raises(NotFound):
        application_start(
            service=low_income,
            applicant=applicant,
            office=district_office,
            actor=stranger,
            channel=Channel.COUNTER,
        )


def test_an_incomplete_application_is_refused_with_errors_by_field(
    draft: Application, applicant: User
) -> None:
    with pytest.raises(InvalidInput) as refused:
        application_submit(application=draft, actor=applicant)
    errors = refused.value.extra["errors"]
    assert "reason" in errors
    assert "bank_book" in errors
    assert "declaration" in errors
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_submitting_enters_intake_with_a_due_date_and_tells_the_applicant(
    draft: Application, applicant: User, django_capture_on_commit_callbacks: Any
) -> None:
    application_save(
        application=draft, values=complete_answers(applicant), actor=applicant
    )
    attach(draft)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = application_submit(application=draft, actor=applicant)
    assert submitted.status == ApplicationStatus.IN_PROGRESS
    assert submitted.stage == "intake"
    assert submitted.stage_due_on is not None
    assert StageVisit.objects.filter(application=submitted, stage="intake").count() == 1
    assert audited("eservices.application.submit", submitted)
    channels = set(
        Notification.objects.filter(
            template_key="eservices.application.submitted"
        ).values_list("channel", flat=True)
    )
    assert {"sms", "email"} <= channels
    assert submitted.reference in mail.outbox[0].body


def test_a_submitted_application_cannot_be_changed_or_submitted_again(
    submitted: Application, applicant: User
) -> None:
    with pytest.raises(Conflict):
        application_save(application=submitted, values={"reason": "x"}, actor=applicant)
    with pytest.raises(Conflict):
        application_submit(application=submitted, actor=applicant)


def test_return_asks_the_applicant_and_resubmit_brings_it_back(
    submitted: Application, applicant: User, officer: User
) -> None:
    with pytest.raises(InvalidInput) as refused:
        application_act(application=submitted, action=Action.RETURN, actor=officer)
    assert refused.value.code == "message-required"
    returned = application_act(
        application=submitted,
        action=Action.RETURN,
        actor=officer,
        message="ขอรูปถ่ายสภาพบ้านเพิ่มเติม",
    )
    assert returned.status == ApplicationStatus.RETURNED
    assert returned.request_to_applicant == "ขอรูปถ่ายสภาพบ้านเพิ่มเติม"
    with pytest.raises(Conflict):
        application_act(application=returned, action=Action.FORWARD, actor=officer)
    attach(returned, "house_photos")
    back = application_resubmit(application=returned, actor=applicant, message="แนบแล้ว")
    assert back.status == ApplicationStatus.IN_PROGRESS
    assert back.stage == "intake"
    assert back.request_to_applicant == ""
    assert audited("eservices.application.return", back)
    assert audited("eservices.application.resubmit", back)
    kinds = list(back.events.values_list("kind", flat=True))
    assert EventKind.RESUBMITTED in kinds


def test_the_fact_check_must_be_recorded_and_the_identity_confirmed_to_forward(
    submitted: Application, officer: User
) -> None:
    application = application_act(
        application=submitted, action=Action.FORWARD, actor=officer
    )
    with pytest.raises(InvalidInput) as refused:
        application_act(application=application, action=Action.FORWARD, actor=officer)
    assert refused.value.code == "fact-check-missing"
    fact_check_record(
        application=application,
        actor=officer,
        identity_method=IdentityCheckMethod.REGISTRY,
        identity_confirmed=False,
        visited_on=timezone.localdate(),
        household_size=3,
        monthly_income=Decimal("1000"),
        findings="ไม่พบผู้ยื่นคำขอที่บ้าน",
    )
    with pytest.raises(InvalidInput) as refused:
        application_act(application=application, action=Action.FORWARD, actor=officer)
    assert refused.value.code == "identity-not-confirmed"
    assert audited("eservices.fact_check.record", application)


def test_the_whole_way_to_paid_and_closed(
    submitted: Application, officer: User, district_admin: User, finance_officer: User
) -> None:
    application = at_committee(submitted, officer)
    with pytest.raises(PermissionDeniedError):
        application_act(
            application=application,
            action=Action.APPROVE,
            actor=officer,
            amount=Decimal("3000"),
        )
    with pytest.raises(InvalidInput) as refused:
        application_act(
            application=application, action=Action.APPROVE, actor=district_admin
        )
    assert refused.value.code == "amount-required"
    approved = application_act(
        application=application,
        action=Action.APPROVE,
        actor=district_admin,
        amount=Decimal("3000"),
    )
    assert approved.stage == "payment"
    assert approved.outcome == Outcome.APPROVED
    assert approved.approved_amount == Decimal("3000")
    with pytest.raises(InvalidInput) as twice:
        application_act(
            application=approved,
            action=Action.APPROVE,
            actor=district_admin,
            amount=Decimal("3000"),
        )
    assert twice.value.code == "transition-not-allowed"
    with pytest.raises(InvalidInput) as by_hand:
        application_act(application=approved, action=Action.PAY, actor=finance_officer)
    assert by_hand.value.code == "pay-through-batch"
    paid = application_mark_paid(application=approved, actor=finance_officer)
    assert paid.status == ApplicationStatus.CLOSED
    assert paid.outcome == Outcome.PAID
    assert paid.closed_at is not None
    assert audited("eservices.application.pay", paid)
    visits = StageVisit.objects.filter(application=paid)
    assert visits.filter(left_at__isnull=True).count() == 0
    assert set(visits.values_list("stage", flat=True)) == {
        "intake",
        "fact_check",
        "committee",
        "payment",
    }
    assert all(visit.within_target for visit in visits)


def test_paying_an_unapproved_case_is_refused_by_the_state_machine(
    submitted: Application, finance_officer: User
) -> None:
    with pytest.raises(InvalidInput) as refused:
        application_mark_paid(application=submitted, actor=finance_officer)
    assert refused.value.code == "transition-not-allowed"


def test_a_rejection_needs_a_reason_and_closes_the_application(
    submitted: Application, officer: User
) -> None:
    with pytest.raises(InvalidInput):
        application_act(application=submitted, action=Action.REJECT, actor=officer)
    rejected = application_act(
        application=submitted,
        action=Action.REJECT,
        actor=officer,
        message="รายได้เกินเกณฑ์",
    )
    assert rejected.status == ApplicationStatus.CLOSED
    assert rejected.outcome == Outcome.REJECTED
    assert rejected.decision_reason == "รายได้เกินเกณฑ์"
    with pytest.raises(Conflict):
        application_act(application=rejected, action=Action.FORWARD, actor=officer)


def test_one_officer_at_a_time_claims_and_notes_stay_internal(
    submitted: Application, officer: User, district_admin: User
) -> None:
    application_claim(application=submitted, actor=officer)
    with pytest.raises(Conflict) as taken:
        application_claim(application=submitted, actor=district_admin)
    assert taken.value.code == "claimed"
    application_release(application=submitted, actor=officer)
    application_claim(application=submitted, actor=district_admin)
    note = application_note_add(
        application=submitted, actor=officer, text="โทรนัดเยี่ยมบ้านแล้ว"
    )
    assert not note.for_applicant
    assert audited("eservices.application.claim", submitted)
    assert audited("eservices.application.note", submitted)
    with pytest.raises(InvalidInput):
        application_note_add(application=submitted, actor=officer, text="  ")


def test_another_citizen_cannot_change_or_submit_a_draft(
    draft: Application, make_user: Any
) -> None:
    stranger = make_user()
    with pytest.raises(NotFound):
        application_save(application=draft, values={"reason": "x"}, actor=stranger)
    with pytest.raises(NotFound):
        application_submit(application=draft, actor=stranger)
    draft.refresh_from_db()
    assert "reason" not in draft.answers
    assert draft.status == ApplicationStatus.DRAFT


def test_every_move_tells_the_applicant_what_it_means(
    submitted: Application, officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        application_act(application=submitted, action=Action.FORWARD, actor=officer)
    sms = Notification.objects.get(
        template_key="eservices.application.updated", channel="sms"
    )
    assert submitted.reference in sms.body
    assert "ตรวจสอบข้อเท็จจริง" in sms.body or "Fact check" in sms.body


def test_a_refused_transfer_goes_back_to_the_applicant_for_another_account(
    submitted: Application,
    applicant: User,
    officer: User,
    district_admin: User,
    finance_officer: User,
) -> None:
    approved = application_act(
        application=at_committee(submitted, officer),
        action=Action.APPROVE,
        actor=district_admin,
        amount=Decimal("3000"),
    )
    returned = application_act(
        application=approved,
        action=Action.RETURN,
        actor=finance_officer,
        message="ธนาคารแจ้งว่าบัญชีปิดแล้ว กรุณาแจ้งบัญชีใหม่",
    )
    assert returned.status == ApplicationStatus.RETURNED
    assert returned.stage == "payment"
    application_save(
        application=returned,
        values={"bank_account": {"bank": "014", "number": "1112223334"}},
        actor=applicant,
    )
    back = application_resubmit(application=returned, actor=applicant)
    assert back.stage == "payment"
    assert back.outcome == Outcome.APPROVED
    assert back.answers["bank_account"]["bank"] == "014"


def test_an_answer_the_conditions_now_hide_is_dropped_on_save(
    draft: Application, applicant: User
) -> None:
    shown = application_save(
        application=draft,
        values={"income_source": "other", "income_source_other": "ขายของออนไลน์"},
        actor=applicant,
    )
    assert shown.answers["income_source_other"] == "ขายของออนไลน์"
    saved = application_save(
        application=draft, values={"income_source": "wage"}, actor=applicant
    )
    assert "income_source_other" not in saved.answers


def test_an_auditor_who_sees_everything_still_cannot_record_an_application(
    low_income: Service, applicant: User, district_office: Office, make_staff: Any
) -> None:
    from saduak.accounts.choices import Role

    auditor = make_staff(Role.AUDITOR, "hq")
    with pytest.raises(PermissionDeniedError):
        application_start(
            service=low_income,
            applicant=applicant,
            office=district_office,
            actor=auditor,
            channel=Channel.COUNTER,
        )
    assert not Application.objects.exists()


# --- Finding 1 of issue 13: "may fill" is not "may see" -----------------------------

NEW_ACCOUNT = {"bank_account": {"bank": "014", "number": "9876543210"}}


@pytest.fixture
def recorded(
    low_income: Service, applicant: User, district_office: Office, officer: User
) -> Application:
    """A complete draft a counter officer recorded for the citizen."""
    application = application_start(
        service=low_income,
        applicant=applicant,
        office=district_office,
        actor=officer,
        channel=Channel.COUNTER,
    )
    application_save(
        application=application, values=complete_answers(applicant), actor=officer
    )
    attach(application)
    return application


def _unchanged(application: Application, events_before: int) -> None:
    application.refresh_from_db()
    assert application.answers["bank_account"] == {
        "bank": "006",
        "number": "1234567890",
    }
    assert application.status == ApplicationStatus.DRAFT
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize(
    ("role", "seat"),
    [
        ("auditor", "hq"),
        ("finance_officer", "pao-50"),
        ("provincial_staff", "pao-50"),
        ("hq_admin", "hq"),
    ],
)
def test_staff_who_only_read_a_recorded_application_cannot_change_its_payout_account(
    recorded: Application, make_staff: Any, role: str, seat: str
) -> None:
    from saduak.accounts.choices import Role

    reader = make_staff(Role(role), seat)
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDeniedError):
        application_save(application=recorded, values=NEW_ACCOUNT, actor=reader)
    with pytest.raises(PermissionDeniedError):
        application_submit(application=recorded, actor=reader)
    _unchanged(recorded, before)


def test_a_district_admin_cannot_fill_in_a_citizens_own_online_application(
    draft: Application, applicant: User, district_admin: User
) -> None:
    application_save(
        application=draft, values=complete_answers(applicant), actor=applicant
    )
    attach(draft)
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDeniedError) as refused:
        application_save(application=draft, values=NEW_ACCOUNT, actor=district_admin)
    assert refused.value.code == "not-yours"
    with pytest.raises(PermissionDeniedError):
        application_submit(application=draft, actor=district_admin)
    _unchanged(draft, before)


def test_a_district_admin_of_the_office_fills_in_and_submits_a_recorded_application(
    recorded: Application, district_admin: User
) -> None:
    application_save(application=recorded, values=NEW_ACCOUNT, actor=district_admin)
    submitted = application_submit(application=recorded, actor=district_admin)
    assert submitted.status == ApplicationStatus.IN_PROGRESS
    assert submitted.answers["bank_account"]["number"] == "9876543210"
    assert AuditEvent.objects.filter(
        action="eservices.application.save", actor=district_admin
    ).exists()
    assert audited("eservices.application.submit", submitted)


def test_a_district_admin_of_another_district_is_answered_not_found(
    recorded: Application, make_staff: Any
) -> None:
    from saduak.accounts.choices import Role

    stranger = make_staff(Role.DISTRICT_ADMIN, "do-5002")
    before = AuditEvent.objects.count()
    with pytest.raises(NotFound):
        application_save(application=recorded, values=NEW_ACCOUNT, actor=stranger)
    _unchanged(recorded, before)


def test_the_auditor_writes_no_internal_note_and_officers_do(
    submitted: Application, officer: User, make_staff: Any
) -> None:
    from saduak.accounts.choices import Role

    auditor = make_staff(Role.AUDITOR, "hq")
    with pytest.raises(PermissionDeniedError):
        application_note_add(application=submitted, actor=auditor, text="ตรวจแล้ว")
    assert not submitted.events.filter(kind=EventKind.NOTE).exists()
    application_note_add(application=submitted, actor=officer, text="โทรนัดแล้ว")
    assert submitted.events.filter(kind=EventKind.NOTE).count() == 1
    assert audited("eservices.application.note", submitted)
