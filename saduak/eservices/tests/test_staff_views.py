from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.audit.models import AuditEvent
from saduak.core.uploads.antivirus import ScanStatus
from saduak.eservices.choices import ApplicationStatus, EventKind
from saduak.eservices.models import (
    Application,
    ApplicationEvent,
    Attachment,
    FactCheck,
)
from saduak.eservices.services.applications import application_act
from saduak.eservices.tests.conftest import attach
from saduak.eservices.tests.pipeline import submitted_application
from saduak.identity.models import AccessChannel, DataAccess

pytestmark = pytest.mark.django_db


def staff(name: str, *args: object, language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"eservices-staff:{name}", args=args)


def audited(action: str, target: object) -> bool:
    return AuditEvent.objects.filter(
        action=action,
        target_id=str(target.pk),  # type: ignore[attr-defined]
    ).exists()


@pytest.fixture
def submitted(builtin_services, make_user, district_office) -> Application:
    return submitted_application(
        applicant=make_user(first_name="สมใจ", last_name="รักดี"),
        office=district_office,
    )


def test_the_queue_shows_the_case_with_a_masked_id_and_an_overdue_label(
    submitted, officer, client_for
):
    Application.objects.filter(pk=submitted.pk).update(
        stage_due_on=timezone.localdate() - timedelta(days=2)
    )

    response = client_for(officer).get(staff("queue", "do-5001") + "?stage=intake")

    page = response.content.decode()
    assert response.status_code == 200
    assert submitted.reference in page
    assert submitted.applicant.masked_personal_id in page
    assert submitted.applicant.personal_id not in page
    assert "Overdue" in page
    assert "es-overdue" in page


def test_the_queue_costs_the_same_queries_with_more_rows(
    builtin_services,
    make_user,
    district_office,
    officer,
    client_for,
    django_assert_max_num_queries,
):
    submitted_application(applicant=make_user(), office=district_office)
    client = client_for(officer)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The first page reads the workflows, which the process then keeps.
    client.get(staff("queue", "do-5001"))
    with CaptureQueriesContext(connection) as few:
        client.get(staff("queue", "do-5001"))
    for _ in range(4):
        submitted_application(applicant=make_user(), office=district_office)
    with CaptureQueriesContext(connection) as more:
        response = client.get(staff("queue", "do-5001"))

    assert response.content.decode().count("es-label-overdue") == 0
    assert len(more) == len(few)


def test_an_officer_of_another_district_is_answered_not_found_for_the_queue_and_case(
    submitted, make_staff, client_for
):
    outsider = client_for(make_staff(Role.COUNTER_OFFICER, "do-5002"))

    assert outsider.get(staff("queue", "do-5001")).status_code == 404
    assert outsider.get(staff("application", submitted.reference)).status_code == 404
    claimed = outsider.post(staff("claim", submitted.reference))
    assert claimed.status_code == 404
    submitted.refresh_from_db()
    assert submitted.claimed_by is None


def test_opening_an_application_is_recorded_for_the_citizen(
    submitted, officer, client_for
):
    response = client_for(officer).get(staff("application", submitted.reference))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Household income a month (THB)" in page
    assert "bank-book.pdf" in page
    assert "/eservices/documents/attachments/" in page
    assert "Forward to the next stage" in page
    assert audited("eservices.application.view", submitted)
    access = DataAccess.objects.get(citizen=submitted.applicant)
    assert access.channel == AccessChannel.STAFF_VIEW
    assert access.staff_user == officer
    assert submitted.reference in access.purpose


def test_every_document_shows_whether_it_was_scanned_for_viruses(
    submitted, officer, client_for
):
    clean = attach(submitted, "home_visit")
    Attachment.objects.filter(pk=clean.pk).update(scan_status=ScanStatus.CLEAN)

    english = client_for(officer).get(staff("application", submitted.reference))
    thai = client_for(officer).get(
        staff("application", submitted.reference, language="th")
    )

    page = english.content.decode()
    assert page.count("Not scanned: no virus scanner configured") == 1
    assert page.count("Scanned for viruses: clean") == 1
    assert "ยังไม่ได้ตรวจไวรัส" in thai.content.decode()


def test_an_action_not_allowed_from_the_stage_is_refused_with_the_reason(
    submitted, district_admin, client_for
):
    response = client_for(district_admin).post(
        staff("act", submitted.reference, "approve"), {"approve-amount": "3000"}
    )

    page = response.content.decode()
    submitted.refresh_from_db()
    assert response.status_code == 400
    assert "is not possible at the stage" in page
    assert submitted.stage == "intake"


def test_returning_needs_a_message_and_then_returns_the_case(
    submitted, officer, client_for
):
    client = client_for(officer)

    refused = client.post(staff("act", submitted.reference, "return"), {})
    done = client.post(
        staff("act", submitted.reference, "return"),
        {"return-message": "ขอสำเนาสมุดบัญชีที่ชัดเจน"},
    )

    submitted.refresh_from_db()
    assert refused.status_code == 400
    assert "Say what you need from the applicant." in refused.content.decode()
    assert done.status_code == 302
    assert submitted.status == ApplicationStatus.RETURNED
    assert audited("eservices.application.return", submitted)


def test_an_officer_claims_adds_a_note_and_forwards(submitted, officer, client_for):
    client = client_for(officer)

    client.post(staff("claim", submitted.reference))
    client.post(staff("note", submitted.reference), {"text": "โทรนัดเยี่ยมบ้านแล้ว"})
    client.post(staff("act", submitted.reference, "forward"), {})

    submitted.refresh_from_db()
    assert submitted.stage == "fact_check"
    assert ApplicationEvent.objects.filter(
        application=submitted, kind=EventKind.NOTE, for_applicant=False
    ).exists()
    assert audited("eservices.application.claim", submitted)
    assert audited("eservices.application.note", submitted)
    page = client.get(staff("application", submitted.reference)).content.decode()
    assert "โทรนัดเยี่ยมบ้านแล้ว" in page
    assert "internal" in page


def test_the_fact_check_is_recorded_and_forwarded_to_the_committee(
    submitted, officer, client_for
):
    application_act(application=submitted, action="forward", actor=officer)
    client = client_for(officer)

    form = client.get(staff("fact-check", submitted.reference))
    response = client.post(
        staff("fact-check", submitted.reference),
        {
            "identity_method": "smart_card",
            "identity_confirmed": "on",
            "visited_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "household_size": "4",
            "monthly_income": "2500",
            "findings": "บ้านเช่า หลังคารั่ว",
            "recommendation": "ควรช่วยเหลือ",
            "forward": "1",
        },
    )

    submitted.refresh_from_db()
    assert form.status_code == 200
    assert response.status_code == 302
    assert FactCheck.objects.get(application=submitted).findings == "บ้านเช่า หลังคารั่ว"
    assert submitted.stage == "committee"
    assert audited("eservices.fact_check.record", submitted)


def test_the_registry_lookup_says_whether_the_person_matches(
    builtin_services, make_user, district_office, officer, client_for
):
    person = User.objects.create_user(
        "1100000000016", None, first_name="สมศรี", last_name="ใจดี"
    )
    application = submitted_application(
        applicant=person, office=district_office, answers={"birth_date": "1985-03-14"}
    )
    application_act(application=application, action="forward", actor=officer)

    response = client_for(officer).post(
        staff("registry-check", application.reference), HTTP_HX_REQUEST="true"
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Everything matches" in page
    assert audited("eservices.application.registry_check", application)
    assert DataAccess.objects.filter(
        citizen=person, channel=AccessChannel.IDENTITY_CHECK, staff_user=officer
    ).exists()


def test_an_officer_records_an_application_for_an_existing_citizen(
    builtin_services, citizen, officer, client_for
):
    response = client_for(officer).post(
        staff("record"),
        {
            "personal_id": citizen.personal_id,
            "service": "low-income-family-assistance",
            "office": "do-5001",
            "channel": "referral",
            "referral_agency": "โรงพยาบาลนครพิงค์",
        },
    )

    application = Application.objects.get(applicant=citizen)
    assert response.status_code == 302
    assert application.reference in response["Location"]
    assert application.recorded_by == officer
    assert application.channel == "referral"
    assert application.referral_agency == "โรงพยาบาลนครพิงค์"
    assert audited("eservices.application.start", application)


def test_a_person_without_an_account_gets_one_from_the_civil_registry(
    builtin_services, officer, client_for
):
    response = client_for(officer).post(
        staff("record"),
        {
            "personal_id": "1100000000083",
            "phone": "0891234567",
            "service": "low-income-family-assistance",
            "office": "do-5001",
            "channel": "field",
        },
    )

    person = User.objects.get(personal_id="1100000000083")
    assert response.status_code == 302
    assert (person.first_name, person.last_name, person.phone) == (
        "บุญมี",
        "มีสุข",
        "0891234567",
    )
    assert not person.has_usable_password()
    assert Application.objects.get(applicant=person).channel == "field"
    assert audited("eservices.applicant.create", person)


def test_recording_for_a_person_the_registry_does_not_know_is_refused(
    builtin_services, officer, client_for
):
    from saduak.core.personal_id import with_check_digit

    response = client_for(officer).post(
        staff("record"),
        {
            "personal_id": with_check_digit("190000000001"),
            "service": "low-income-family-assistance",
            "office": "do-5001",
            "channel": "counter",
        },
    )

    assert response.status_code == 400
    assert "The civil registry has no person with this ID" in response.content.decode()
    assert not Application.objects.exists()


def test_the_queue_home_opens_the_picked_office(make_staff, client_for, small_map):
    provincial = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    picked = Office.objects.get(code="do-5002")

    response = client_for(provincial).get(staff("queue-home") + "?office=do-5002")

    assert response.status_code == 302
    assert response["Location"].endswith(f"/offices/{picked.code}/")


def test_the_auditor_reads_the_case_without_a_control_to_act_or_note(
    submitted, make_staff, client_for
):
    auditor = client_for(make_staff(Role.AUDITOR, "hq"))

    page = auditor.get(staff("application", submitted.reference)).content.decode()
    queue = auditor.get(staff("queue", "do-5001")).content.decode()
    noted = auditor.post(staff("note", submitted.reference), {"text": "ตรวจแล้ว"})
    claimed = auditor.post(staff("claim", submitted.reference))
    record = auditor.get(staff("record"))

    assert submitted.reference in page
    assert staff("claim", submitted.reference) not in page
    assert staff("note", submitted.reference) not in page
    assert staff("record") not in queue
    assert noted.status_code == claimed.status_code == record.status_code == 403
    assert not submitted.events.filter(kind=EventKind.NOTE).exists()
    submitted.refresh_from_db()
    assert submitted.claimed_by is None


def test_the_counter_officer_of_the_office_has_every_control_of_the_stage(
    submitted, officer, client_for
):
    client = client_for(officer)

    page = client.get(staff("application", submitted.reference)).content.decode()
    queue = client.get(staff("queue", "do-5001")).content.decode()

    assert staff("claim", submitted.reference) in page
    assert staff("note", submitted.reference) in page
    assert staff("act", submitted.reference, "forward") in page
    assert staff("record") in queue
