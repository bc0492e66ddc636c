import json
from typing import Any

import pytest
from django.test import Client

from saduak.accounts.models import User
from saduak.audit.models import AuditEvent
from saduak.eservices.choices import ApplicationStatus
from saduak.eservices.models import Application, Service
from saduak.eservices.tests.conftest import LOW_INCOME, attach, complete_answers

pytestmark = pytest.mark.django_db
BASE = "/api/v1/eservices"


def patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def api(client_for: Any, citizen: User) -> Client:
    return client_for(citizen)


@pytest.fixture
def started(api: Client, low_income: Service) -> dict[str, Any]:
    response = api.post(
        f"{BASE}/applications",
        {"service": LOW_INCOME, "office": "do-5001"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_the_catalogue_lists_the_three_subsidies_with_their_manuals(
    client: Client, builtin_services: None
) -> None:
    response = client.get(f"{BASE}/services")
    assert response.status_code == 200
    services = {item["code"]: item for item in response.json()}
    assert LOW_INCOME in services
    assert len(services) == 3
    assert services[LOW_INCOME]["manual"]["processing_days"] == 32


def test_a_service_answers_with_its_form_and_stages(
    client: Client, builtin_services: None
) -> None:
    body = client.get(f"{BASE}/services/{LOW_INCOME}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [stage["code"] for stage in body["stages"]][:2] == ["intake", "fact_check"]
    assert body["stages"][1]["name"] == "Fact check"
    assert body["form"]["sections"][0]["key"] == "applicant"
    assert client.get(f"{BASE}/services/nothing").status_code == 404


def test_a_draft_started_over_the_api_is_prefilled(
    started: dict[str, Any], citizen: User
) -> None:
    assert started["status"] == ApplicationStatus.DRAFT
    assert started["answers"]["personal_id"] == citizen.personal_id
    assert started["url"].endswith(f"/eservices/applications/{started['reference']}/")


def test_invalid_answers_answer_400_by_field_and_save_nothing(
    api: Client, started: dict[str, Any]
) -> None:
    url = f"{BASE}/applications/{started['reference']}/answers"
    response = patch(
        api, url, {"answers": {"reason": "ok", "monthly_income": "-5", "phone": "12"}}
    )
    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "answers-invalid"
    assert set(problem["errors"]) == {"monthly_income", "phone"}
    stored = Application.objects.get(reference=started["reference"]).answers
    assert "reason" not in stored
    unknown = patch(api, url, {"answers": {"shoe_size": 42}})
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "unknown-fields"


def test_submitting_an_incomplete_draft_answers_400_then_a_complete_one_is_accepted(
    api: Client, started: dict[str, Any], citizen: User
) -> None:
    reference = started["reference"]
    refused = api.post(f"{BASE}/applications/{reference}/submit")
    assert refused.status_code == 400
    assert refused.json()["code"] == "answers-incomplete"
    assert "declaration" in refused.json()["errors"]
    answers = complete_answers(citizen)
    saved = patch(api, f"{BASE}/applications/{reference}/answers", {"answers": answers})
    assert saved.status_code == 200, saved.content
    attach(Application.objects.get(reference=reference))
    accepted = api.post(f"{BASE}/applications/{reference}/submit")
    assert accepted.status_code == 200
    assert accepted.json()["stage"] == "intake"
    assert AuditEvent.objects.filter(action="eservices.application.submit").exists()
    again = api.post(f"{BASE}/applications/{reference}/submit")
    assert again.status_code in (403, 409)


def test_another_persons_application_is_not_found(
    started: dict[str, Any], client_for: Any, make_user: Any
) -> None:
    stranger = client_for(make_user())
    response = stranger.get(f"{BASE}/applications/{started['reference']}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


def test_an_officer_action_the_stage_does_not_allow_is_refused_with_the_reason(
    api: Client, started: dict[str, Any], citizen: User, client_for: Any, officer: User
) -> None:
    reference = started["reference"]
    patch(
        api,
        f"{BASE}/applications/{reference}/answers",
        {"answers": complete_answers(citizen)},
    )
    attach(Application.objects.get(reference=reference))
    api.post(f"{BASE}/applications/{reference}/submit")
    staff = client_for(officer)
    url = f"{BASE}/staff/applications/{reference}/actions"
    refused = staff.post(
        url,
        {"action": "approve", "amount": "3000"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "transition-not-allowed"
    assert "Forward" in refused.json()["title"]
    moved = staff.post(url, {"action": "forward"}, content_type="application/json")
    assert moved.status_code == 200
    assert moved.json()["stage"] == "fact_check"
    # The answer holds the applicant's answers: the read is on their record.
    assert AuditEvent.objects.filter(
        action="eservices.application.view", actor=officer
    ).exists()
    # The staff endpoint knows no applicant: theirs is not a staff record.
    citizen_try = api.post(url, {"action": "forward"}, content_type="application/json")
    assert citizen_try.status_code == 404


def test_a_large_upload_with_an_idempotency_key_is_stored_once(
    api: Client, started: dict[str, Any]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from saduak.eservices.demo import DEMO_PDF

    body = DEMO_PDF + b"%" + b"0" * (3 * 1024 * 1024)  # over the 2.5 MB in memory

    def upload() -> Any:
        return api.post(
            f"{BASE}/applications/{started['reference']}/attachments",
            {
                "field_key": "bank_book",
                "file": SimpleUploadedFile("book.pdf", body, "application/pdf"),
            },
            HTTP_IDEMPOTENCY_KEY="upload-1",
        )

    first = upload()
    assert first.status_code == 201, first.content
    again = upload()
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    application = Application.objects.get(reference=started["reference"])
    assert application.attachments.count() == 1


# --- Issue 13, finding 1: PATCH .../answers and POST .../submit by staff --------------

NEW_ACCOUNT = {"answers": {"bank_account": {"bank": "014", "number": "9876543210"}}}


@pytest.fixture
def recorded(low_income: Service, citizen: User, make_staff: Any) -> Application:
    """A complete draft a counter officer recorded for the citizen."""
    from saduak.accounts.choices import Role
    from saduak.areas.models import Office
    from saduak.eservices.services.applications import (
        application_save,
        application_start,
    )

    officer = make_staff(Role.COUNTER_OFFICER, "do-5001")
    application = application_start(
        service=low_income,
        applicant=citizen,
        office=Office.objects.get(code="do-5001"),
        actor=officer,
        channel="counter",
    )
    application_save(
        application=application, values=complete_answers(citizen), actor=officer
    )
    attach(application)
    return application


@pytest.mark.parametrize(
    ("role", "seat"),
    [
        ("auditor", "hq"),
        ("finance_officer", "pao-50"),
        ("provincial_staff", "pao-50"),
    ],
)
def test_staff_who_only_read_a_recorded_case_are_refused_its_answers_and_submit(
    recorded: Application, make_staff: Any, client_for: Any, role: str, seat: str
) -> None:
    from saduak.accounts.choices import Role

    reader = client_for(make_staff(Role(role), seat))
    url = f"{BASE}/applications/{recorded.reference}"
    before = AuditEvent.objects.count()

    changed = patch(reader, f"{url}/answers", NEW_ACCOUNT)
    sent = reader.post(f"{url}/submit")

    assert changed.status_code == sent.status_code == 403
    assert changed["Content-Type"].startswith("application/problem+json")
    recorded.refresh_from_db()
    assert recorded.answers["bank_account"]["number"] == "1234567890"
    assert recorded.status == ApplicationStatus.DRAFT
    assert AuditEvent.objects.count() == before


def test_a_district_admin_may_fill_a_recorded_case_but_not_the_citizens_own(
    recorded: Application,
    started: dict[str, Any],
    make_staff: Any,
    client_for: Any,
) -> None:
    from saduak.accounts.choices import Role

    admin = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    own = f"{BASE}/applications/{started['reference']}"
    refused = patch(admin, f"{own}/answers", NEW_ACCOUNT)
    assert refused.status_code == 403
    assert refused.json()["code"] == "not-yours"
    assert admin.post(f"{own}/submit").status_code == 403

    url = f"{BASE}/applications/{recorded.reference}"
    assert patch(admin, f"{url}/answers", NEW_ACCOUNT).status_code == 200
    sent = admin.post(f"{url}/submit")
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == ApplicationStatus.IN_PROGRESS
    assert sent.json()["answers"]["bank_account"]["number"] == "9876543210"


def test_staff_of_another_district_are_answered_not_found(
    recorded: Application, make_staff: Any, client_for: Any
) -> None:
    from saduak.accounts.choices import Role

    stranger = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5002"))
    url = f"{BASE}/applications/{recorded.reference}"
    assert patch(stranger, f"{url}/answers", NEW_ACCOUNT).status_code == 404
    assert stranger.post(f"{url}/submit").status_code == 404
