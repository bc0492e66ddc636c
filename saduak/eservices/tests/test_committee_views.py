from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.eservices.choices import MeetingStatus, Outcome
from saduak.eservices.models import CommitteeDecision, CommitteeMeeting
from saduak.eservices.services.committee import committee_meeting_create
from saduak.eservices.tests.pipeline import committee_application

pytestmark = pytest.mark.django_db


def staff(name: str, *args: object) -> str:
    with translation.override("en"):
        return reverse(f"eservices-staff:{name}", args=args)


@pytest.fixture
def cases(builtin_services, make_user, officer, district_office):
    return [
        committee_application(
            applicant=make_user(), office=district_office, officer=officer
        )
        for _ in range(2)
    ]


@pytest.fixture
def meeting(district_admin, district_office):
    return committee_meeting_create(
        office=district_office,
        title="ประชุมครั้งที่ 1",
        meets_on=timezone.localdate() + timedelta(days=1),
        members="นายอำเภอ",
        actor=district_admin,
    )


def test_a_district_admin_opens_a_meeting_from_the_page(
    builtin_services, district_admin, client_for
):
    response = client_for(district_admin).post(
        staff("meetings", "do-5001"),
        {
            "title": "ประชุมคณะกรรมการ 2/2569",
            "meets_on": timezone.localdate().isoformat(),
            "members": "นายอำเภอ ประธาน",
        },
    )

    meeting = CommitteeMeeting.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(staff("meeting", meeting.public_id))
    assert AuditEvent.objects.filter(
        action="eservices.committee.create", target_id=str(meeting.pk)
    ).exists()


def test_the_committee_queue_offers_checkboxes_and_the_open_meetings(
    cases, meeting, district_admin, client_for
):
    page = (
        client_for(district_admin)
        .get(staff("queue", "do-5001") + "?stage=committee")
        .content.decode()
    )

    assert 'name="applications"' in page
    assert meeting.title in page


def test_ticked_cases_are_added_in_bulk_decided_and_the_minutes_download(
    cases, meeting, district_admin, client_for
):
    client = client_for(district_admin)
    first, second = cases

    added = client.post(
        staff("cases-add", "do-5001"),
        {
            "meeting": str(meeting.public_id),
            "applications": [first.reference, second.reference],
            "stage": "committee",
        },
    )
    saved = client.post(
        staff("meeting", meeting.public_id),
        {
            f"c{first.pk}-decision": "approve",
            f"c{first.pk}-amount": "2000",
            f"c{second.pk}-decision": "reject",
            f"c{second.pk}-reason": "มีรายได้เกินเกณฑ์",
        },
    )
    decided = client.post(staff("decide", meeting.public_id))
    minutes = client.get(staff("minutes", meeting.public_id))

    first.refresh_from_db()
    second.refresh_from_db()
    meeting.refresh_from_db()
    assert added.status_code == saved.status_code == decided.status_code == 302
    assert (first.outcome, second.outcome) == (Outcome.APPROVED, Outcome.REJECTED)
    assert meeting.status == MeetingStatus.CLOSED
    assert minutes["Content-Type"] == "application/pdf"
    assert minutes.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action="eservices.committee.minutes", target_id=str(meeting.pk)
    ).exists()


def test_a_row_without_an_amount_is_refused_on_its_row_and_nothing_is_saved(
    cases, meeting, district_admin, client_for
):
    client = client_for(district_admin)
    first, second = cases
    client.post(
        staff("cases-add", "do-5001"),
        {
            "meeting": str(meeting.public_id),
            "applications": [first.reference, second.reference],
        },
    )

    response = client.post(
        staff("meeting", meeting.public_id),
        {
            f"c{first.pk}-decision": "approve",
            f"c{second.pk}-decision": "reject",
            f"c{second.pk}-reason": "เหตุผล",
        },
    )

    assert response.status_code == 400
    assert "Enter the approved amount in baht" in response.content.decode()
    assert set(CommitteeDecision.objects.values_list("decision", flat=True)) == {""}


def test_deciding_with_an_undecided_case_says_which(
    cases, meeting, district_admin, client_for
):
    client = client_for(district_admin)
    client.post(
        staff("cases-add", "do-5001"),
        {"meeting": str(meeting.public_id), "applications": [cases[0].reference]},
    )

    response = client.post(staff("decide", meeting.public_id), follow=True)

    assert cases[0].reference in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN


def test_another_districts_meeting_is_answered_not_found(
    meeting, make_staff, client_for
):
    outsider = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5002"))

    assert outsider.get(staff("meeting", meeting.public_id)).status_code == 404
    assert outsider.get(staff("minutes", meeting.public_id)).status_code == 404
    assert not AuditEvent.objects.filter(action="eservices.committee.minutes")


def test_a_meeting_is_never_addressed_by_its_sequential_id(
    meeting, district_admin, client_for
):
    client = client_for(district_admin)
    assert client.get(staff("meeting", meeting.public_id)).status_code == 200
    with translation.override("en"):
        by_id = f"/en/staff/eservices/committee/{meeting.pk}/"
    assert client.get(by_id).status_code == 404


def test_readers_of_the_meeting_see_no_controls_and_are_refused_its_changes(
    cases, meeting, make_staff, client_for
):
    client = client_for(make_staff(Role.AUDITOR, "hq"))
    page = client.get(staff("meeting", meeting.public_id))
    assert page.status_code == 200
    assert staff("decide", meeting.public_id) not in page.content.decode()
    refused = client.post(staff("decide", meeting.public_id))
    assert refused.status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN
