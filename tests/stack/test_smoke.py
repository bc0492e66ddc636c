"""The main journeys through nginx over https, against the whole stack: sign-in,
booking, happiness vote, an e-service application with a document, staff at the
counter, health, a notification delivered by the Celery worker, static files."""

import re
import time
import uuid
from types import SimpleNamespace

import pytest

from saduak.core.uploads.sample_files import one_page_pdf
from saduak.eservices.samples import sample_answers

from .conftest import CITIZEN
from .support import https_client

pytestmark = pytest.mark.stack

# What the digital ID fills in on the low-income subsidy's form; the citizen
# answers the rest (the sample answers of saduak/eservices/samples.py).
FILLED_BY_DIGITAL_ID = {"full_name", "personal_id", "birth_date"}


def low_income_answers() -> dict:
    nobody = SimpleNamespace(full_name="", personal_id="", phone="")
    answers = sample_answers(nobody)  # type: ignore[arg-type]
    return {
        name: answer
        for name, answer in answers.items()
        if name not in FILLED_BY_DIGITAL_ID
    }


def _latest_notification_id(stack) -> int:
    return int(
        stack.psql("SELECT coalesce(max(id), 0) FROM notifications_notification")
    )


def test_health_reports_database_cache_and_broker_through_nginx(stack):
    with https_client(stack) as http:
        answer = http.get("/healthz")
    assert answer.status_code == 200
    checks = answer.json()["checks"]
    assert checks["database"]["ok"] and checks["cache"]["ok"]
    assert checks["broker"]["ok"] and "mode" not in checks["broker"]


def test_a_citizen_signs_in_and_sees_their_own_page(citizen):
    page = citizen.http.get("/en/account/")
    assert page.status_code == 200
    assert "สมศรี" in page.text


def test_a_citizen_books_and_the_worker_sends_the_confirmation(stack, citizen):
    # The demo citizen has no contact address: with none, no message is made.
    stack.psql(
        f"UPDATE accounts_user SET phone = '0812345678' WHERE personal_id = '{CITIZEN}'"
    )
    before = _latest_notification_id(stack)
    service = "id-card-first"
    days = citizen.api("GET", f"/appointments/offices/reg-5001/services/{service}/days")
    assert days.status_code == 200 and days.json(), days.text
    free = [
        slot
        for day in days.json()[:5]
        for slot in citizen.api(
            "GET",
            f"/appointments/offices/reg-5001/services/{service}/slots",
            params={"day": day["day"]},
        ).json()
        if slot["free"] > 0
    ]
    key = f"smoke-{uuid.uuid4()}"
    booked = citizen.api(
        "POST",
        "/appointments/bookings",
        json={"slot": free[-1]["id"]},
        headers={"Idempotency-Key": key},
    )
    if booked.status_code == 409 and booked.json()["code"] == "already-booked":
        # A stack kept from an earlier run: one booking per service and person.
        earlier = booked.json()["reference"]
        citizen.api("POST", f"/appointments/bookings/{earlier}/cancel")
        key = f"smoke-{uuid.uuid4()}"
        booked = citizen.api(
            "POST",
            "/appointments/bookings",
            json={"slot": free[-1]["id"]},
            headers={"Idempotency-Key": key},
        )
    assert booked.status_code == 201, booked.text
    reference = booked.json()["reference"]
    again = citizen.api(
        "POST",
        "/appointments/bookings",
        json={"slot": free[-1]["id"]},
        headers={"Idempotency-Key": key},
    )
    assert again.json()["reference"] == reference
    mine = citizen.api("GET", f"/appointments/bookings/{reference}")
    assert mine.status_code == 200 and mine.json()["status"] == "booked"

    # The confirmation leaves through the broker and the real worker.
    recipient = stack.psql(
        f"SELECT id FROM accounts_user WHERE personal_id = '{CITIZEN}'"
    )
    deadline = time.monotonic() + 90
    statuses: list[str] = []
    while time.monotonic() < deadline:
        statuses = stack.psql(
            "SELECT status FROM notifications_notification "
            f"WHERE id > {before} AND recipient_id = {recipient.strip()}"
        ).split()
        if statuses and all(status == "sent" for status in statuses):
            break
        time.sleep(1)
    assert statuses and set(statuses) == {"sent"}, statuses
    worker_log = (stack.log / "worker.log").read_text()
    assert "deliver_notification" in worker_log


def test_a_signed_in_citizen_votes_for_an_office(citizen):
    answer = citizen.api(
        "POST",
        "/happiness/votes",
        json={
            "office": "reg-5001",
            "score": 5,
            "device_id": f"smoke-{uuid.uuid4().hex}",
        },
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "counted"


def test_a_citizen_applies_for_a_subsidy_with_a_document(stack, citizen):
    started = citizen.api(
        "POST",
        "/eservices/applications",
        json={"service": "low-income-family-assistance", "office": "do-5001"},
    )
    assert started.status_code == 201, started.text
    reference = started.json()["reference"]
    document = one_page_pdf(b"bank book page of the smoke test")
    uploaded = citizen.api(
        "POST",
        f"/eservices/applications/{reference}/attachments",
        data={"field_key": "bank_book"},
        files={"file": ("bank-book.pdf", document, "application/pdf")},
    )
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["size"] == len(document)
    saved = citizen.api(
        "PATCH",
        f"/eservices/applications/{reference}/answers",
        json={"answers": low_income_answers()},
    )
    assert saved.status_code == 200, saved.text
    submitted = citizen.api("POST", f"/eservices/applications/{reference}/submit")
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] != "draft"
    # The document is stored encrypted in the stack's private files, not as sent.
    stored = [path for path in stack.private.rglob("*") if path.is_file()]
    assert stored and all(document not in path.read_bytes() for path in stored)


def test_a_counter_officer_calls_the_next_ticket(counter_officer):
    issued = counter_officer.api(
        "POST",
        "/appointments/offices/reg-5001/tickets",
        json={"service": "id-card-first"},
    )
    assert issued.status_code == 201, issued.text
    called = counter_officer.api(
        "POST", "/appointments/offices/reg-5001/counters/1/call-next"
    )
    assert called.status_code == 200, called.text
    assert called.json()["status"] == "called"
    assert called.json()["counter"] == 1


def test_static_files_are_served_by_nginx_with_long_cache_headers(stack):
    with https_client(stack) as http:
        page = http.get("/en/")
        stylesheet = re.search(r'href="(/static/css/[^"]+\.css)"', page.text)
        assert stylesheet, page.text[:500]
        answer = http.get(stylesheet.group(1))
    assert answer.status_code == 200
    assert "immutable" in answer.headers["cache-control"]
    assert "max-age=31536000" in answer.headers["cache-control"]
    # nginx logged it with no upstream; no app server saw it.
    time.sleep(0.5)
    lines = [
        line
        for line in (stack.log / "nginx-access.log").read_text().splitlines()
        if stylesheet.group(1) in line
    ]
    assert lines and all(" up=- " in line for line in lines)
    for web in ("web-1", "web-2"):
        access = stack.log / f"{web}-access.log"
        assert stylesheet.group(1) not in access.read_text()
