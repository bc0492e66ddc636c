"""The pages, end to end through the test client."""

import re
from datetime import timedelta

import pytest
from django.test import override_settings

from saduak.appointments.models import Booking, Slot, Ticket
from saduak.appointments.services import queue
from saduak.appointments.services.catalogue import kiosk_key_issue
from saduak.appointments.tests.conftest import TODAY, slot_at
from saduak.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
TUESDAY = TODAY + timedelta(days=1)


def test_a_citizen_books_through_the_pages_and_sees_the_qr_code(
    renewal, citizen, client_for
):
    browser = client_for(citizen)
    services = browser.get("/appointments/book/").content.decode()
    assert "ทำบัตรใหม่ กรณีบัตรหมดอายุ" in services
    offices = browser.get(
        "/appointments/book/id-card-renewal/?q=เมืองเชียงใหม่"
    ).content.decode()
    assert "/appointments/book/id-card-renewal/reg-5001/" in offices
    times = browser.get(
        f"/appointments/book/id-card-renewal/reg-5001/?day={TUESDAY.isoformat()}"
    ).content.decode()
    slot = slot_at(renewal, TUESDAY, 9)
    assert f'value="{slot.pk}"' in times
    confirm = browser.get(
        f"/appointments/book/id-card-renewal/reg-5001/confirm/?slot={slot.pk}"
    )
    assert "idempotency_key" in confirm.content.decode()
    done = browser.post(
        "/appointments/book/id-card-renewal/reg-5001/confirm/",
        {"slot": slot.pk, "idempotency_key": "tap-1"},
    )
    booking = Booking.objects.get()
    assert done["Location"] == f"/appointments/b/{booking.reference}/"
    twice = browser.post(
        "/appointments/book/id-card-renewal/reg-5001/confirm/",
        {"slot": slot.pk, "idempotency_key": "tap-1"},
    )
    assert twice["Location"] == done["Location"] and Booking.objects.count() == 1
    page = browser.get(done["Location"]).content.decode()
    assert booking.reference in page and "data:image/svg+xml" in page
    assert "สำเนาบัตรประจำตัวประชาชน" in page  # Zero Copy: no longer needed


def test_a_full_time_on_the_confirm_page_says_why_and_offers_others(
    renewal, citizen, make_user, client_for
):
    from saduak.appointments.services import bookings

    slot = slot_at(renewal, TUESDAY, 9)
    for _ in range(2):
        bookings.booking_create(actor=make_user(), slot=slot)
    response = client_for(citizen).post(
        "/appointments/book/id-card-renewal/reg-5001/confirm/", {"slot": slot.pk}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "error-summary" in page
    assert f"confirm/?slot={slot.pk + 1}" in page


def test_cancelling_and_changing_through_the_pages(renewal, citizen, client_for):
    from saduak.appointments.services import bookings

    browser = client_for(citizen)
    booking = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TUESDAY, 9))
    later = slot_at(renewal, TUESDAY, 10)
    moved = browser.post(
        f"/appointments/b/{booking.reference}/change/", {"slot": later.pk}
    )
    new = Booking.objects.get(rebooked_from=booking)
    assert moved["Location"] == f"/appointments/b/{new.reference}/"
    browser.post(f"/appointments/b/{new.reference}/cancel/")
    assert Booking.objects.get(pk=new.pk).status == "cancelled"
    assert Slot.objects.get(pk=later.pk).booked == 0


def test_a_booking_cancelled_for_a_closure_says_why_and_offers_another_time(
    renewal, citizen, admin, office, client_for, django_capture_on_commit_callbacks
):
    from saduak.appointments.services import bookings
    from saduak.areas_staff.services import holiday_add

    booking = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TUESDAY, 9))
    with django_capture_on_commit_callbacks(execute=True):
        holiday_add(actor=admin, day=TUESDAY, name_th="ปรับปรุงอาคาร", office=office)
    page = (
        client_for(citizen)
        .get(f"/appointments/b/{booking.reference}/")
        .content.decode()
    )
    assert "หน่วยงานปิดทำการในวันนั้น ปรับปรุงอาคาร" in page
    assert 'href="/appointments/book/id-card-renewal/reg-5001/"' in page
    english = client_for(citizen).get(f"/en/appointments/b/{booking.reference}/")
    assert "The office is closed that day. ปรับปรุงอาคาร" in english.content.decode()


def test_a_booking_moved_to_another_time_offers_no_new_booking(
    renewal, citizen, client_for
):
    from saduak.appointments.services import bookings

    browser = client_for(citizen)
    booking = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TUESDAY, 9))
    browser.post(
        f"/appointments/b/{booking.reference}/change/",
        {"slot": slot_at(renewal, TUESDAY, 10).pk},
    )
    page = browser.get(f"/appointments/b/{booking.reference}/").content.decode()
    assert 'href="/appointments/book/id-card-renewal/reg-5001/"' not in page


def test_someone_elses_booking_page_is_not_found(
    renewal, citizen, make_user, client_for
):
    from saduak.appointments.services import bookings

    booking = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TUESDAY, 9))
    assert (
        client_for(make_user()).get(f"/appointments/b/{booking.reference}/").status_code
        == 404
    )


@override_settings(BOOKING_ADMISSIONS_PER_SECOND=1)
def test_over_the_admission_rate_the_booking_pages_show_the_waiting_room(
    renewal, citizen, make_user, client_for
):
    answers = [
        client_for(user).get("/appointments/book/id-card-renewal/reg-5001/")
        for user in (citizen, make_user(), make_user())
    ]
    waiting = [r for r in answers if "waiting-room-figures" in r.content.decode()]
    assert waiting, [r.status_code for r in answers]
    assert waiting[0].status_code == 200 and waiting[0]["Retry-After"].isdigit()
    assert 'http-equiv="refresh"' in waiting[0].content.decode()


def test_the_kiosk_needs_its_key_and_gives_out_tickets(renewal, admin, client):
    key = kiosk_key_issue(actor=admin, office=renewal.office)
    assert client.get("/offices/reg-5001/kiosk/").status_code == 403
    assert client.get(f"/offices/reg-5001/kiosk/?key={key}").status_code == 302
    page = client.get("/offices/reg-5001/kiosk/").content.decode()
    assert f'value="{renewal.pk}"' in page
    issued = client.post("/offices/reg-5001/kiosk/ticket/", {"service": renewal.pk})
    assert issued.status_code == 201
    assert "A001" in issued.content.decode()
    refused = client.post(
        "/offices/reg-5001/kiosk/ticket/", {"service": renewal.pk, "phone": "123"}
    )
    assert refused.status_code == 400 and Ticket.objects.count() == 1


def test_checking_in_at_the_kiosk_with_a_booking_code(renewal, admin, citizen, client):
    from saduak.appointments.services import bookings

    booking = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TODAY, 14))
    client.get(
        f"/offices/reg-5001/kiosk/?key={kiosk_key_issue(actor=admin, office=renewal.office)}"
    )
    wrong = client.post("/offices/reg-5001/kiosk/check-in/", {"reference": "NOPE"})
    assert wrong.status_code == 400
    ticket = client.post(
        "/offices/reg-5001/kiosk/check-in/", {"reference": booking.reference}
    )
    assert ticket.status_code == 201
    assert Ticket.objects.get().booking == booking


def test_a_tv_asking_for_the_board_every_second_costs_one_light_query(
    renewal, client, django_assert_num_queries
):
    queue.ticket_issue(offered=renewal, actor="kiosk")
    client.get("/offices/reg-5001/now-serving/board/")  # the board is cached now
    with django_assert_num_queries(1):
        board = client.get("/offices/reg-5001/now-serving/board/")
    assert "<span>A 1</span>" in board.content.decode()  # one waits in group A
    assert client.get("/offices/nowhere/now-serving/board/").status_code == 404


def test_the_display_and_the_ticket_page_follow_the_counter(
    renewal, counters, officer, client, client_for, django_capture_on_commit_callbacks
):
    ticket = queue.ticket_issue(offered=renewal, actor="kiosk")
    own = client.get(f"/q/{ticket.token}/").content.decode()
    assert "A001" in own
    console = client_for(officer)
    with django_capture_on_commit_callbacks(execute=True):
        called = console.post(
            f"/staff/offices/reg-5001/queue/{counters[0].number}/call-next/",
            HTTP_HX_REQUEST="true",
        )
    assert called.status_code == 200 and "A001" in called.content.decode()
    board = client.get("/offices/reg-5001/now-serving/board/").content.decode()
    assert "A001" in board and f">{counters[0].number}<" in board
    assert re.search(r'data-version="[^"]+"', board)
    status = client.get(f"/q/{ticket.token}/status/").content.decode()
    assert str(counters[0].number) in status
    assert (
        console.post(
            f"/staff/offices/reg-5001/queue/{counters[0].number}/complete/"
        ).status_code
        == 302
    )
    assert Ticket.objects.get().status == "completed"


def test_a_counter_is_addressed_by_its_office_and_number_not_a_row_id(
    renewal, counters, officer, client_for
):
    console = client_for(officer)
    page = console.get(f"/staff/offices/reg-5001/queue/{counters[0].number}/")
    assert page.status_code == 200
    assert f"/staff/offices/reg-5001/queue/{counters[0].number}/call-next/" in (
        page.content.decode()
    )
    assert console.get(f"/staff/counters/{counters[0].pk}/").status_code == 404


def test_an_officer_of_another_office_finds_no_such_counter(
    renewal, counters, make_staff, client_for
):
    from saduak.accounts.choices import Role

    walk_in = queue.ticket_issue(offered=renewal, actor="kiosk:reg-5001")
    elsewhere = client_for(make_staff(Role.COUNTER_OFFICER, "reg-5002"))
    url = f"/staff/offices/reg-5001/queue/{counters[0].number}/"
    assert elsewhere.get(url).status_code == 404
    assert elsewhere.post(f"{url}call-next/").status_code == 404
    walk_in.refresh_from_db()
    assert walk_in.status == "waiting"


def test_an_auditor_sees_a_counter_but_cannot_act_at_it(
    renewal, counters, make_staff, client_for
):
    from saduak.accounts.choices import Role

    ticket = queue.ticket_issue(offered=renewal, actor="kiosk:reg-5001")
    auditor = client_for(make_staff(Role.AUDITOR, "hq"))
    url = f"/staff/offices/reg-5001/queue/{counters[0].number}/"
    page = auditor.get(url)
    assert page.status_code == 200
    assert "call-next" not in page.content.decode()
    before = AuditEvent.objects.count()
    assert auditor.post(f"{url}call-next/").status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == "waiting"
    assert AuditEvent.objects.count() == before


def test_the_office_admin_offers_a_service_and_releases_times(
    office, catalogue, counters, admin, client_for
):
    browser = client_for(admin)
    service = catalogue["house-move-in"]
    prefix = f"s{service.pk}"
    browser.post(
        f"/staff/offices/reg-5001/services/{service.code}/",
        {
            f"{prefix}-counters": [counters[1].pk],
            f"{prefix}-slot_minutes": "30",
            f"{prefix}-seats_per_slot": "1",
            f"{prefix}-min_notice_hours": "2",
            f"{prefix}-days_ahead": "14",
            f"{prefix}-cancel_until_hours": "2",
            f"{prefix}-online": "on",
            f"{prefix}-walk_in": "on",
            f"{prefix}-is_active": "on",
        },
    )
    released = browser.post(
        "/staff/offices/reg-5001/release/",
        {"start": TODAY.isoformat(), "end": (TODAY + timedelta(days=4)).isoformat()},
    )
    assert released.status_code == 302
    assert Slot.objects.filter(office_service__service=service).count() == 5 * 16


def test_a_counter_transfers_a_person_to_a_service_named_by_its_code(
    renewal, move_in, counters, officer, client_for
):
    queue.ticket_issue(offered=renewal, actor="kiosk:reg-5001")
    console = client_for(officer)
    counter = f"/staff/offices/reg-5001/queue/{counters[0].number}"
    console.post(f"{counter}/call-next/")
    moved = console.post(f"{counter}/transfer/", {"service": "house-move-in"})
    assert moved.status_code == 302
    assert sorted(Ticket.objects.values_list("status", flat=True)) == [
        "transferred",
        "waiting",
    ]
    assert AuditEvent.objects.filter(action="appointments.ticket.transferred").exists()


def test_only_those_who_may_act_for_a_citizen_see_the_forms_that_do(
    renewal, citizen, officer, make_staff, client_for
):
    from saduak.accounts.choices import Role
    from saduak.appointments.services import bookings

    booking = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TODAY, 14))
    provincial = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))
    auditor = client_for(make_staff(Role.AUDITOR, "hq"))
    desk = client_for(officer)
    day_list = "/staff/offices/reg-5001/bookings/"
    assert 'name="slot"' not in provincial.get(day_list).content.decode()
    assert 'name="slot"' in desk.get(day_list).content.decode()
    detail = f"/appointments/b/{booking.reference}/"
    cancel = f"/appointments/b/{booking.reference}/cancel/"
    assert cancel not in auditor.get(detail).content.decode()
    assert cancel in desk.get(detail).content.decode()
    assert auditor.post(cancel).status_code == 403
    change = f"/appointments/b/{booking.reference}/change/"
    assert auditor.get(change).status_code == 403
    assert desk.get(change).status_code == 200
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_an_officer_books_for_a_caller_on_the_bookings_page(
    renewal, officer, client_for
):
    slot = slot_at(renewal, TODAY, 14)
    response = client_for(officer).post(
        "/staff/offices/reg-5001/bookings/",
        {
            "personal_id": "1100000000016",
            "name": "สมศรี ใจดี",
            "phone": "0812345678",
            "slot": slot.pk,
            "idempotency_key": "phone-1",
        },
    )
    assert response.status_code == 302
    assert Booking.objects.get().channel == "phone"
    bad = client_for(officer).post(
        "/staff/offices/reg-5001/bookings/",
        {
            "personal_id": "1100000000017",
            "name": "x",
            "phone": "0812345678",
            "slot": slot.pk,
        },
    )
    assert bad.status_code == 400 and "id_personal_id-error" in bad.content.decode()


def test_statistics_download_as_csv_and_xlsx(renewal, admin, client_for):
    browser = client_for(admin)
    csv = browser.get("/staff/statistics.csv?level=district&code=5001")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.startswith("\ufeff".encode())
    xlsx = browser.get("/staff/statistics.xlsx?level=district&code=5001")
    assert xlsx.content[:2] == b"PK"


def test_a_home_visit_request_through_the_page_keeps_what_was_typed_on_error(
    small_map, client
):
    form = {
        "category": "elderly",
        "person_name": "ยายมา",
        "requester_name": "หลาน",
        "contact_phone": "0812345678",
        "province": "50",
        "district": "5001",
        "subdistrict": "",
        "address": "1 หมู่ 1",
        "reason": "เดินไม่ได้",
    }
    refused = client.post("/mobile-unit/", form)
    assert refused.status_code == 400
    assert "ยายมา" in refused.content.decode()
    assert 'value="500101"' in refused.content.decode()  # the district's subdistricts
    done = client.post("/mobile-unit/", form | {"subdistrict": "500101"})
    assert done.status_code == 302
    assert "ยายมา" in client.get(done["Location"]).content.decode()


def test_the_booking_pages_are_in_english_too(renewal, citizen, client_for):
    page = client_for(citizen).get("/en/appointments/book/").content.decode()
    assert "New ID card when the old one expires" in page
    assert 'lang="en"' in page


def test_tampered_ids_in_forms_are_refused_not_server_errors(
    renewal, counters, officer, admin, client_for
):
    staff = client_for(officer)
    booked = staff.post(
        "/staff/offices/reg-5001/bookings/",
        {
            "personal_id": "1100000000016",
            "name": "x",
            "phone": "0812345678",
            "slot": "1 OR 1=1",
        },
    )
    assert booked.status_code == 400
    queue.ticket_issue(offered=renewal, actor="kiosk")
    counter = f"/staff/offices/reg-5001/queue/{counters[0].number}"
    staff.post(f"{counter}/call-next/")
    moved = staff.post(f"{counter}/transfer/", {"service": "abc"})
    assert moved.status_code == 404
    assert Ticket.objects.get().status == "called"
    planned = client_for(admin).post(
        "/staff/mobile-unit/visits/", {"office": "x", "day": "2026-12-02"}
    )
    assert planned.status_code == 302  # back to the list with the message
    assert (
        client_for(officer)
        .post("/appointments/book/id-card-renewal/reg-5001/confirm/", {"slot": "x"})
        .status_code
        == 404
    )


def test_a_new_kiosk_key_asks_for_the_second_factor_again_when_the_last_is_old(
    make_staff, client_for
):
    import time

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from saduak.accounts.choices import Role
    from saduak.appointments.selectors.catalogue import queue_settings_for
    from saduak.areas.models import Office
    from saduak.identity.step_up import PASSED_AT_KEY

    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    page = client_for(admin)
    session = page.session
    session[PASSED_AT_KEY] = time.time() - 3600
    session.save()
    office = Office.objects.get(code="reg-5001")

    asked = page.post("/staff/offices/reg-5001/kiosk-key/")

    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/step-up/")
    assert not queue_settings_for(office).kiosk_key_hash
    session = page.session
    session[PASSED_AT_KEY] = time.time()
    session.save()
    assert page.post("/staff/offices/reg-5001/kiosk-key/").status_code == 302
    assert queue_settings_for(office).kiosk_key_hash
