"""Changing where a subsidy is paid asks for the second factor again when the
last one is old (issue 13: sensitive actions), through the API and the page."""

import json
import time
from typing import Any

import pytest
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.eservices.models import Application, Service
from saduak.eservices.tests.conftest import LOW_INCOME
from saduak.identity.step_up import PASSED_AT_KEY

pytestmark = pytest.mark.django_db
BASE = "/api/v1/eservices"
NEW_ACCOUNT = {"answers": {"bank_account": {"bank": "014", "number": "9876543210"}}}
HOUR_AGO = 3600


def _passed_second_factor(client: Client, *, seconds_ago: float) -> None:
    session = client.session
    session[PASSED_AT_KEY] = time.time() - seconds_ago
    session.save()


def _patch(client: Client, reference: str, body: dict[str, Any]) -> Any:
    return client.patch(
        f"{BASE}/applications/{reference}/answers",
        json.dumps(body),
        content_type="application/json",
    )


@pytest.fixture
def draft(client_for: Any, citizen: User, low_income: Service) -> tuple[Client, str]:
    client = client_for(citizen)
    started = client.post(
        f"{BASE}/applications",
        {"service": LOW_INCOME, "office": "do-5001"},
        content_type="application/json",
    )
    return client, started.json()["reference"]


def _account(reference: str) -> Any:
    return Application.objects.get(reference=reference).answers.get("bank_account")


def test_a_citizen_with_an_old_second_factor_is_asked_again_before_a_new_account(
    draft, citizen
):
    client, reference = draft
    TOTPDevice.objects.create(user=citizen, name="app", confirmed=True)
    _passed_second_factor(client, seconds_ago=HOUR_AGO)

    refused = _patch(client, reference, NEW_ACCOUNT)

    assert refused.status_code == 403
    assert refused.json()["code"] == "second-factor-required"
    assert "step_up_url" in refused.json()
    assert _account(reference) is None
    other = _patch(client, reference, {"answers": {"household_size": 3}})
    assert other.status_code == 200, other.content


def test_a_recent_second_factor_lets_the_account_change(draft, citizen):
    client, reference = draft
    TOTPDevice.objects.create(user=citizen, name="app", confirmed=True)
    _passed_second_factor(client, seconds_ago=60)

    assert _patch(client, reference, NEW_ACCOUNT).status_code == 200
    assert _account(reference)["number"] == "9876543210"


def test_a_citizen_without_a_second_factor_is_not_asked(draft):
    client, reference = draft

    assert _patch(client, reference, NEW_ACCOUNT).status_code == 200


def test_the_payment_page_sends_an_old_second_factor_to_give_it_again(draft, citizen):
    client, reference = draft
    TOTPDevice.objects.create(user=citizen, name="app", confirmed=True)
    _passed_second_factor(client, seconds_ago=HOUR_AGO)
    page = f"/eservices/applications/{reference}/payment/"

    asked = client.get(page)

    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/step-up/")
    _passed_second_factor(client, seconds_ago=10)
    assert client.get(page).status_code == 200


@override_settings(STAFF_SECOND_FACTOR_REQUIRED=True)
def test_staff_recording_for_a_citizen_give_their_second_factor_again_for_an_account(
    low_income, citizen, make_staff, client_for
):
    from saduak.areas.models import Office
    from saduak.eservices.services.applications import application_start

    officer = make_staff(Role.COUNTER_OFFICER, "do-5001")
    TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    application = application_start(
        service=low_income,
        applicant=citizen,
        office=Office.objects.get(code="do-5001"),
        actor=officer,
        channel="counter",
    )
    client = client_for(officer)
    _passed_second_factor(client, seconds_ago=HOUR_AGO)

    refused = _patch(client, application.reference, NEW_ACCOUNT)

    assert refused.status_code == 403
    assert refused.json()["code"] == "second-factor-required"
    _passed_second_factor(client, seconds_ago=5)
    assert _patch(client, application.reference, NEW_ACCOUNT).status_code == 200
