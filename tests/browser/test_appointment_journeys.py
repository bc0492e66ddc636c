"""Queue Online journeys in Chromium: a citizen books, sees the QR code and
cancels on a phone; a walk-in takes a ticket at the kiosk, a booked person checks
in, the officer calls them and the "now serving" display and the person's own
page follow within two seconds; a relative asks for a home visit."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.appointments.models import Booking, Service, Slot
from saduak.appointments.services import bookings
from saduak.appointments.services.catalogue import (
    kiosk_key_issue,
    office_service_save,
    services_load_national,
)
from saduak.appointments.services.slots import slots_release
from saduak.areas.models import Counter, Office
from saduak.core.thai import day_bounds
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


def th(message):
    with translation.override("th"):
        return gettext(message)


def sign_in(page, personal_id):
    page.goto("/accounts/login/")
    page.fill("#id_username", personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


@pytest.fixture
def registry(small_map, make_staff):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    office = Office.objects.get(code="reg-5001")
    services_load_national(actor="test")
    counters = list(Counter.objects.filter(office=office).order_by("number")[:2])
    offered = office_service_save(
        actor=admin,
        office=office,
        service=Service.objects.get(code="id-card-renewal"),
        counters=counters[:1],
        seats_per_slot=2,
        min_notice_hours=0,
        # The journey books the first free slot, which may start within the
        # default free-cancellation window (the run's hour of day decides): the
        # cancel step must not depend on the clock.
        cancel_until_hours=0,
    )
    today = timezone.localdate()
    slots_release(
        offered=offered, start=today, end=today + timedelta(days=14), actor=admin
    )
    return {"admin": admin, "office": office, "offered": offered, "counters": counters}


def test_a_citizen_books_a_visit_on_a_phone_and_cancels_it(
    chromium, live_server, registry, citizen
):
    context = chromium.new_context(
        base_url=live_server.url, viewport=PHONE, bypass_csp=True
    )
    page = context.new_page()
    sign_in(page, citizen.personal_id)
    page.goto("/appointments/book/")
    assert_accessible(page, "booking-services-th")
    page.get_by_role("link", name="ทำบัตรใหม่ กรณีบัตรหมดอายุ").first.click()
    page.fill("#id_q", "เมืองเชียงใหม่")
    page.locator("main form button[type=submit]").first.click()
    page.get_by_role("link", name="สำนักทะเบียนอำเภอเมืองเชียงใหม่").click()
    page.wait_for_selector("input[name=slot]")
    assert_accessible(page, "booking-times-th")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/confirm/?slot=*")
    assert_accessible(page, "booking-confirm-th")
    page.get_by_role("button", name=th("Confirm the booking")).click()
    page.wait_for_url("**/appointments/b/*/")
    booking = Booking.objects.get()
    expect(page.locator("h1")).to_contain_text(booking.reference)
    expect(page.locator(".qr img")).to_be_visible()
    assert_accessible(page, "booking-done-th")
    page.get_by_role("button", name=th("Cancel the booking")).click()
    expect(page.locator(".booking-status")).to_contain_text(th("Cancelled"))
    assert Slot.objects.get(pk=booking.slot_id).booked == 0
    # The same pages in English.
    page.goto("/en/appointments/book/")
    expect(page.locator("h1")).to_have_text("Book a visit to a registry office")
    page.get_by_role("link", name="New ID card when the old one expires").first.click()
    expect(page.locator("h1")).to_have_text("Choose the office")
    assert_accessible(page, "booking-office-en")
    context.close()


def test_walk_ins_and_check_ins_are_called_and_the_display_follows(
    open_page, registry, make_staff, citizen
):
    office, offered, counters = (
        registry["office"],
        registry["offered"],
        registry["counters"],
    )
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    key = kiosk_key_issue(actor=registry["admin"], office=office)
    # Check-in is for today's bookings: a time soon, but before local midnight
    # (the suite may run at 23:50 in Bangkok).
    now = timezone.now()
    _, midnight = day_bounds(timezone.localdate(now))
    soon = now + min(timedelta(minutes=20), (midnight - now) / 2)
    slot = Slot.objects.create(
        office_service=offered,
        office=office,
        starts_at=soon,
        ends_at=soon + timedelta(minutes=15),
        capacity=1,
    )
    booking = bookings.booking_create(actor=citizen, slot=slot)

    kiosk = open_page(viewport={"width": 800, "height": 1200})
    kiosk.goto(f"/offices/reg-5001/kiosk/?key={key}")
    assert_accessible(kiosk, "kiosk-th")
    kiosk.get_by_role("button", name="ทำบัตรใหม่ กรณีบัตรหมดอายุ").click()
    expect(kiosk.locator(".ticket-number")).to_have_text("A001")
    ticket_url = kiosk.locator("p.code").inner_text()
    kiosk.goto("/offices/reg-5001/kiosk/")
    kiosk.fill("#id_reference", booking.reference)
    kiosk.get_by_role("button", name=th("Check in")).click()
    expect(kiosk.locator(".ticket-number")).to_have_text("A002")

    tv = open_page(viewport={"width": 1280, "height": 720})
    tv.goto("/offices/reg-5001/now-serving/")
    assert_accessible(tv, "now-serving-empty-th")

    mine = open_page(viewport=PHONE, base_url=None)
    mine.goto(ticket_url)
    expect(mine.locator(".ticket-ahead")).to_be_visible()

    desk = open_page(viewport={"width": 1024, "height": 800})
    sign_in(desk, officer.personal_id)
    desk.goto(f"/staff/offices/reg-5001/queue/{counters[0].number}/")
    desk.get_by_role("button", name=th("Call next")).click()
    # Appointments first (the office's default): the booked person is called.
    expect(desk.locator(".console-now .ticket-number")).to_have_text("A002")
    called_at = time.monotonic()
    expect(tv.locator(".board-latest .board-ticket")).to_have_text("A002", timeout=2500)
    assert time.monotonic() - called_at < 2.5
    assert_accessible(desk, "counter-console-th")
    desk.get_by_role("button", name=th("Call next")).click()
    expect(desk.locator(".console-now .ticket-number")).to_have_text("A001")
    expect(tv.locator(".board-latest .board-ticket")).to_have_text("A001", timeout=2500)
    expect(mine.locator(".ticket-called")).to_be_visible(timeout=7000)
    assert_accessible(tv, "now-serving-th")
    desk.get_by_role("button", name=th("Served")).click()
    expect(desk.locator(".console-now")).to_contain_text(
        th("Nobody is at this counter.")
    )
    # The same display, console and kiosk in English.
    tv.goto("/en/offices/reg-5001/now-serving/")
    expect(tv.locator("h1")).to_have_text("Now serving")
    expect(tv.locator(".board")).to_contain_text("Please take a ticket at the kiosk.")
    desk.goto(f"/en/staff/offices/reg-5001/queue/{counters[0].number}/")
    expect(desk.get_by_role("button", name="Call next")).to_be_visible()
    kiosk.goto("/en/offices/reg-5001/kiosk/")
    expect(kiosk.locator("h1")).to_have_text("Take a ticket")


def test_a_relative_asks_for_a_home_visit_for_a_bedridden_person(phone, small_map):
    phone.goto("/mobile-unit/")
    assert_accessible(phone, "mobile-unit-request-th")
    phone.get_by_label(th("Bedridden patient")).check()
    phone.fill("#id_person_name", "นางมา ดีใจ")
    phone.fill("#id_requester_name", "นายลูก ดีใจ")
    phone.fill("#id_contact_phone", "0812345678")
    phone.select_option("#id_province", "50")
    expect(phone.locator("#id_district option[value='5001']")).to_have_count(1)
    phone.select_option("#id_district", "5001")
    expect(phone.locator("#id_subdistrict option[value='500101']")).to_have_count(1)
    phone.select_option("#id_subdistrict", "500101")
    phone.fill("#id_address", "12 หมู่ 3")
    phone.fill("#id_reason", "ป่วยติดเตียง ลุกไม่ได้")
    phone.get_by_role("button", name=th("Send the request")).click()
    phone.wait_for_url("**/mobile-unit/r/*/")
    expect(phone.locator(".lead")).to_contain_text(th("Requested"))
    assert_accessible(phone, "mobile-unit-status-th")
