"""The officers' API end to end through the test client: claim, release and
notes, the fact check, the staff view of an application, the committee's
meetings and the payment batches."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.eservices import bank_files
from saduak.eservices.choices import BatchStatus, MeetingStatus, Outcome
from saduak.eservices.models import Application, FactCheck
from saduak.eservices.tests.pipeline import *  # noqa: F403 (fixtures)
from saduak.eservices.tests.pipeline import (
    bank_result,
    committee_application,
    submitted_application,
    today,
)
from saduak.identity.models import AccessChannel, DataAccess

pytestmark = pytest.mark.django_db
BASE = "/api/v1/eservices"
STAFF = f"{BASE}/staff"


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    call = getattr(client, method)
    return call(url, json.dumps(body or {}), content_type="application/json")


def audited(action: str, target: object) -> bool:
    return AuditEvent.objects.filter(
        action=action,
        target_id=str(target.pk),  # type: ignore[attr-defined]
    ).exists()


@pytest.fixture
def submitted(builtin_services, make_user, district_office) -> Application:
    return submitted_application(applicant=make_user(), office=district_office)


@pytest.fixture
def staff_api(client_for, officer) -> Client:
    return client_for(officer)


def test_claim_note_and_release_are_recorded_and_audited(submitted, officer, staff_api):
    url = f"{STAFF}/applications/{submitted.reference}"

    claimed = send(staff_api, "post", f"{url}/claim")
    note = send(staff_api, "post", f"{url}/notes", {"text": "โทรนัดเยี่ยมบ้านแล้ว"})
    released = send(staff_api, "post", f"{url}/release")

    assert claimed.status_code == 200, claimed.content
    assert claimed.json()["claimed_by"] == officer.full_name
    assert note.status_code == 201
    assert note.json()["message"] == "โทรนัดเยี่ยมบ้านแล้ว"
    assert released.json()["claimed_by"] is None
    for action in ("claim", "note", "release"):
        assert audited(f"eservices.application.{action}", submitted)


def test_an_empty_note_is_refused_naming_the_field(submitted, staff_api):
    response = send(
        staff_api,
        "post",
        f"{STAFF}/applications/{submitted.reference}/notes",
        {"text": "  "},
    )

    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "text"


def test_the_fact_check_is_recorded_then_the_case_goes_forward(submitted, staff_api):
    actions = f"{BASE}/staff/applications/{submitted.reference}/actions"
    send(staff_api, "post", actions, {"action": "forward"})

    recorded = send(
        staff_api,
        "post",
        f"{STAFF}/applications/{submitted.reference}/fact-check",
        {
            "identity_method": "smart_card",
            "identity_confirmed": True,
            "visited_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "household_size": 4,
            "monthly_income": "2500.00",
            "findings": "บ้านเช่า รายได้ไม่พอ",
        },
    )
    forwarded = send(staff_api, "post", actions, {"action": "forward"})

    assert recorded.status_code == 200, recorded.content
    assert FactCheck.objects.get(application=submitted).household_size == 4
    assert audited("eservices.fact_check.record", submitted)
    assert forwarded.status_code == 200, forwarded.content
    assert forwarded.json()["stage"] == "committee"


def test_a_counter_officer_of_another_district_is_answered_not_found(
    submitted, make_staff, client_for
):
    outsider = client_for(make_staff(Role.COUNTER_OFFICER, "do-5002"))
    url = f"{STAFF}/applications/{submitted.reference}"

    for response in (
        send(outsider, "post", f"{url}/claim"),
        send(outsider, "post", f"{url}/notes", {"text": "x"}),
        outsider.get(url),
    ):
        # As if it did not exist: the answer does not tell that it does.
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/problem+json")
    assert not AuditEvent.objects.filter(action="eservices.application.view").exists()


def test_staff_read_internal_notes_the_citizen_never_sees(
    builtin_services, citizen, district_office, officer, staff_api, client_for
):
    application = submitted_application(applicant=citizen, office=district_office)
    url = f"{STAFF}/applications/{application.reference}"
    send(staff_api, "post", f"{url}/notes", {"text": "ข้อสังเกตภายใน"})

    staff_view = staff_api.get(url)
    citizen_view = client_for(citizen).get(
        f"{BASE}/applications/{application.reference}"
    )

    assert staff_view.status_code == 200
    body = staff_view.json()
    assert body["answers"]["personal_id"] == citizen.personal_id
    notes = [item for item in body["timeline"] if item["kind"] == "note"]
    assert notes[0]["message"] == "ข้อสังเกตภายใน"
    assert notes[0]["for_applicant"] is False
    assert notes[0]["actor"] == officer.full_name
    messages = [item["message"] for item in citizen_view.json()["timeline"]]
    assert "ข้อสังเกตภายใน" not in messages
    assert audited("eservices.application.view", application)
    access = DataAccess.objects.get(citizen=citizen)
    assert access.channel == AccessChannel.STAFF_VIEW
    assert access.staff_user == officer


def test_the_staff_view_shows_each_documents_virus_scan(
    builtin_services, citizen, district_office, staff_api
):
    application = submitted_application(applicant=citizen, office=district_office)

    body = staff_api.get(
        f"{STAFF}/applications/{application.reference}", HTTP_ACCEPT_LANGUAGE="en"
    ).json()

    [document] = body["documents"]
    assert document["field_key"] == "bank_book"
    assert document["name"] == "bank-book.pdf"
    assert document["scan_status"] == "not_scanned"
    assert document["scan_status_label"] == "Not scanned: no virus scanner configured"
    stored = application.attachments.get()
    assert document["id"] == str(stored.public_id)


@pytest.fixture
def cases(builtin_services, make_user, officer, district_office) -> list[Application]:
    return [
        committee_application(
            applicant=make_user(), office=district_office, officer=officer
        )
        for _number in range(2)
    ]


def test_a_meeting_is_opened_filled_decided_and_approves_its_cases(
    cases, district_admin, client_for, django_capture_on_commit_callbacks
):
    client = client_for(district_admin)
    first, second = cases
    opened = send(
        client,
        "post",
        f"{STAFF}/offices/do-5001/meetings",
        {
            "title": "ประชุมครั้งที่ 1",
            "meets_on": today().isoformat(),
            "members": "นายอำเภอ",
        },
    )
    assert opened.status_code == 201, opened.content
    meeting = opened.json()["id"]
    references = [first.reference, second.reference]

    added = send(
        client, "post", f"{STAFF}/meetings/{meeting}/cases", {"references": references}
    )
    for reference, amount in zip(references, ("3000.00", "2000.00"), strict=True):
        decided = send(
            client,
            "put",
            f"{STAFF}/meetings/{meeting}/decisions/{reference}",
            {"decision": "approve", "amount": amount, "reason": "ผ่าน"},
        )
        assert decided.status_code == 200, decided.content
    with django_capture_on_commit_callbacks(execute=True):
        closed = send(client, "post", f"{STAFF}/meetings/{meeting}/decide")

    assert added.status_code == 200, added.content
    assert {case["reference"] for case in added.json()["cases"]} == set(references)
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == MeetingStatus.CLOSED
    first.refresh_from_db()
    assert first.outcome == Outcome.APPROVED
    assert str(first.approved_amount) == "3000.00"
    for action in ("create", "add", "decision", "decide"):
        assert AuditEvent.objects.filter(
            action=f"eservices.committee.{action}"
        ).exists()


def test_an_approval_without_an_amount_is_refused_naming_the_field(
    cases, district_admin, client_for
):
    client = client_for(district_admin)
    meeting = send(
        client,
        "post",
        f"{STAFF}/offices/do-5001/meetings",
        {"title": "ประชุม", "meets_on": today().isoformat()},
    ).json()["id"]
    send(
        client,
        "post",
        f"{STAFF}/meetings/{meeting}/cases",
        {"references": [cases[0].reference]},
    )

    response = send(
        client,
        "put",
        f"{STAFF}/meetings/{meeting}/decisions/{cases[0].reference}",
        {"decision": "approve"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "decision-invalid"
    assert response.json()["invalid_params"][0]["name"] == "amount"
    assert not AuditEvent.objects.filter(action="eservices.committee.decision").exists()


def test_unknown_references_are_refused_naming_them(cases, district_admin, client_for):
    client = client_for(district_admin)
    meeting = send(
        client,
        "post",
        f"{STAFF}/offices/do-5001/meetings",
        {"title": "ประชุม", "meets_on": today().isoformat()},
    ).json()["id"]

    response = send(
        client,
        "post",
        f"{STAFF}/meetings/{meeting}/cases",
        {"references": [cases[0].reference, "EA-NOPE-0000"]},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "unknown-references"
    assert "EA-NOPE-0000" in response.json()["title"]


def test_a_batch_is_created_exported_and_its_bank_result_marks_it_paid(
    approve, finance_officer, client_for, django_capture_on_commit_callbacks
):
    paid = approve("3000.00")
    client = client_for(finance_officer)

    created = send(
        client,
        "post",
        f"{STAFF}/payment-batches",
        {"pay_on": today().isoformat(), "references": [paid.reference]},
    )
    assert created.status_code == 201, created.content
    reference = created.json()["reference"]
    exported = client.post(f"{STAFF}/payment-batches/{reference}/file?format=ktb")
    transfers = bank_files.transfers_from_file(exported.content)
    batch = paid.payments.get().batch
    content = bank_result(
        batch, [bank_files.BankResult(transfers[0], bank_reference="KTB0001")]
    )
    with django_capture_on_commit_callbacks(execute=True):
        imported = client.post(
            f"{STAFF}/payment-batches/{reference}/results",
            {"file": SimpleUploadedFile("result.txt", content)},
        )

    assert created.json()["payments"][0]["reference"] == paid.reference
    assert exported.status_code == 200
    assert exported["Content-Type"] == "text/plain; charset=windows-874"
    assert f"{reference}-ktb-" in exported["Content-Disposition"]
    assert audited("eservices.payment_batch.export", batch)
    assert imported.status_code == 200, imported.content
    assert imported.json() == {
        "paid": 1,
        "failed": 0,
        "unchanged": 0,
        "reconciled": True,
    }
    batch.refresh_from_db()
    paid.refresh_from_db()
    assert batch.status == BatchStatus.RECONCILED
    assert paid.outcome == Outcome.PAID
    assert audited("eservices.payment_batch.import", batch)
    again = client.post(f"{STAFF}/payment-batches/{reference}/file?format=csv")
    assert again.status_code == 409
