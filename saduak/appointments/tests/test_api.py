"""The appointments API, end to end."""

from datetime import timedelta

import pytest
from django.test import override_settings

from saduak.appointments.models import Booking
from saduak.appointments.services import bookings
from saduak.appointments.tests.conftest import TODAY, slot_at

pytestmark = pytest.mark.django_db
TUESDAY = TODAY + timedelta(days=1)
API = "/api/v1/appointments"


def post(client, path, body=None, **headers):
    return client.post(
        API + path, body or {}, content_type="application/json", **headers
    )


def test_the_catalogue_and_times_are_public(renewal, client):
    services = client.get(f"{API}/services").json()
    renewal_out = next(s for s in services if s["code"] == "id-card-renewal")
    assert renewal_out["not_needed"] and renewal_out["group"] == "A"
    offices = client.get(f"{API}/services/id-card-renewal/offices?province=50").json()
    assert [o["office"] for o in offices] == ["reg-5001"]
    days = client.get(f"{API}/offices/reg-5001/services/id-card-renewal/days").json()
    assert days[0]["day"] == TODAY.isoformat()
    slots = client.get(
        f"{API}/offices/reg-5001/services/id-card-renewal/slots?day={TUESDAY}"
    ).json()
    assert slots[0]["free"] == 2
    unknown = client.get(f"{API}/offices/reg-5001/services/nothing/days")
    assert unknown.status_code == 404


def test_a_booking_with_an_idempotency_key_is_made_once(renewal, citizen, client_for):
    api = client_for(citizen)
    slot = slot_at(renewal, TUESDAY, 9)
    first = post(api, "/bookings", {"slot": slot.pk}, HTTP_IDEMPOTENCY_KEY="b-1")
    again = post(api, "/bookings", {"slot": slot.pk}, HTTP_IDEMPOTENCY_KEY="b-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["reference"] == again.json()["reference"]
    assert Booking.objects.count() == 1
    mine = api.get(f"{API}/bookings").json()
    assert [b["reference"] for b in mine] == [first.json()["reference"]]


def test_a_full_slot_answers_409_with_alternatives(
    renewal, citizen, make_user, client_for
):
    slot = slot_at(renewal, TUESDAY, 9)
    for _ in range(2):
        bookings.booking_create(actor=make_user(), slot=slot)
    refused = post(client_for(citizen), "/bookings", {"slot": slot.pk})
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "full" and body["alternatives"]
    assert refused["Content-Type"] == "application/problem+json"


def test_bad_input_is_a_precise_4xx(renewal, citizen, client_for, client):
    api = client_for(citizen)
    assert post(api, "/bookings", {"slot": "x"}).status_code == 400
    assert post(api, "/bookings", {"slot": 10**9}).status_code == 404
    assert post(client, "/bookings", {"slot": 1}).status_code == 401
    past = post(api, "/bookings", {"slot": slot_at(renewal, TODAY, 8, 30).pk})
    assert past.status_code == 409 and past.json()["code"] == "past"


@override_settings(BOOKING_ADMISSIONS_PER_SECOND=1)
def test_over_the_admission_rate_the_api_gives_a_place_in_line(renewal):
    from django.test import Client

    answers = [
        Client().get(f"{API}/offices/reg-5001/services/id-card-renewal/days")
        for _ in range(3)
    ]
    shed = [a for a in answers if a.status_code == 429]
    assert shed and shed[0]["Retry-After"].isdigit()
    assert shed[0].json()["code"] == "waiting-room" and shed[0].json()["token"]


def test_cancel_and_reschedule_through_the_api(renewal, citizen, client_for):
    api = client_for(citizen)
    made = post(api, "/bookings", {"slot": slot_at(renewal, TUESDAY, 9).pk}).json()
    moved = post(
        api,
        f"/bookings/{made['reference']}/reschedule",
        {"slot": slot_at(renewal, TUESDAY, 10).pk},
    ).json()
    assert moved["reference"] != made["reference"]
    cancelled = post(api, f"/bookings/{moved['reference']}/cancel").json()
    assert (cancelled["status"], cancelled["cancel_reason"]) == (
        "cancelled",
        "on_request",
    )
    again = post(api, f"/bookings/{moved['reference']}/cancel")
    assert again.status_code == 409


def test_the_counter_works_through_the_api(
    renewal, counters, officer, client_for, client
):
    api = client_for(officer)
    issued = post(api, "/offices/reg-5001/tickets", {"service": "id-card-renewal"})
    assert issued.status_code == 201 and issued.json()["ticket"] == "A001"
    counter = f"/offices/reg-5001/counters/{counters[0].number}"
    called = post(api, f"{counter}/call-next").json()
    assert called["status"] == "called" and called["counter"] == counters[0].number
    assert post(api, f"{counter}/recall").status_code == 200
    done = post(api, f"{counter}/complete").json()
    assert done["status"] == "completed"
    assert post(api, f"{counter}/call-next").status_code == 204
    board = client.get(f"{API}/offices/reg-5001/board").json()
    assert board["waiting"] == {}
    mine = client.get(f"{API}/tickets/{issued.json()['token']}").json()
    assert mine["status"] == "completed"


def test_check_in_through_the_api(renewal, officer, citizen, client_for):
    booking = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TODAY, 14))
    checked = post(
        client_for(officer),
        "/offices/reg-5001/check-ins",
        {"reference": booking.reference},
    )
    assert checked.status_code == 201 and checked.json()["kind"] == "appointment"


def test_the_mobile_unit_through_the_api(small_map, admin, client, client_for):
    created = post(
        client,
        "/mobile-requests",
        {
            "category": "disabled",
            "person_name": "นายดี",
            "requester_name": "ผู้ใหญ่บ้าน",
            "contact_phone": "0812345678",
            "address": "5 หมู่ 2",
            "subdistrict": "500101",
            "reason": "ใช้รถเข็น",
        },
    )
    assert created.status_code == 201
    reference = created.json()["reference"]
    staff = client_for(admin)
    assert [r["reference"] for r in staff.get(f"{API}/mobile-requests").json()] == [
        reference
    ]
    visit = post(
        staff,
        "/mobile-visits",
        {
            "office": "do-5001",
            "day": (TODAY + timedelta(days=2)).isoformat(),
            "requests": [reference],
        },
    )
    assert visit.status_code == 201
    closed = post(staff, f"/mobile-requests/{reference}/close", {"outcome": "served"})
    assert closed.json()["status"] == "served"
    stats = staff.get(f"{API}/mobile-statistics?level=district&code=5001").json()
    assert stats["total"]["served"] == 1
    missing = post(client, "/mobile-requests", {"category": "elderly"})
    assert missing.status_code == 400
    names = {p["name"] for p in missing.json()["invalid_params"]}
    assert {"person_name", "contact_phone", "subdistrict"} <= names


def test_a_finance_officer_cannot_call_the_next_ticket_through_the_api(
    renewal, counters, officer, make_staff, client_for
):
    from saduak.accounts.choices import Role
    from saduak.appointments.models import Ticket

    post(
        client_for(officer), "/offices/reg-5001/tickets", {"service": "id-card-renewal"}
    )
    finance = client_for(make_staff(Role.FINANCE_OFFICER, "pao-50"))
    refused = post(
        finance, f"/offices/reg-5001/counters/{counters[0].number}/call-next"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert Ticket.objects.get().status == "waiting"


def test_staff_records_outside_ones_reach_answer_404_not_403(
    renewal, counters, citizen, make_staff, client_for
):
    from saduak.accounts.choices import Role

    booking = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TUESDAY, 9))
    elsewhere = client_for(make_staff(Role.COUNTER_OFFICER, "reg-5002"))
    counter = f"/offices/reg-5001/counters/{counters[0].number}"
    assert post(elsewhere, f"{counter}/call-next").status_code == 404
    assert post(elsewhere, f"{counter}/recall").status_code == 404
    assert post(elsewhere, f"/bookings/{booking.reference}/cancel").status_code == 404
    assert post(elsewhere, "/bookings/NOSUCH99/cancel").status_code == 404
    # A counter number the office does not have answers the same.
    assert (
        post(elsewhere, "/offices/reg-5001/counters/999/call-next").status_code == 404
    )
    assert Booking.objects.get().status == "booked"


def test_a_mobile_request_outside_ones_reach_is_not_found(
    small_map, client, make_staff, client_for
):
    created = post(
        client,
        "/mobile-requests",
        {
            "category": "disabled",
            "person_name": "นายดี",
            "requester_name": "ผู้ใหญ่บ้าน",
            "contact_phone": "0812345678",
            "address": "5 หมู่ 2",
            "subdistrict": "500101",
            "reason": "ใช้รถเข็น",
        },
    ).json()
    from saduak.accounts.choices import Role

    elsewhere = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5002"))
    closing = post(
        elsewhere,
        f"/mobile-requests/{created['reference']}/close",
        {"outcome": "served"},
    )
    assert closing.status_code == 404
