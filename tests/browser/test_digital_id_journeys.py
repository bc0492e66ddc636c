"""The digital ID journey: an officer checks the card and shows a QR code; the citizen
opens it on a phone, accepts the terms, sets a password twice, confirms it, and signs
in; then sees and ends a session."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

OFFICER_PASSWORD = "counter officer phrase"
CITIZEN_PASSWORD = "ทุ่งนาเขียวขจี 2569"


def sign_in(page, personal_id, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", personal_id)
    page.fill("#id_password", password)
    page.locator("main button[type=submit]").click()


def test_a_citizen_enrols_at_the_counter_and_signs_in_on_a_phone(
    chromium, live_server, small_map, make_staff
):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    officer.set_password(OFFICER_PASSWORD)
    officer.save(update_fields=["password"])

    counter = chromium.new_context(
        base_url=live_server.url,
        bypass_csp=True,
        viewport={"width": 1024, "height": 900},
    )
    desk = counter.new_page()
    sign_in(desk, officer.personal_id, OFFICER_PASSWORD)
    desk.goto("/staff/enrol/")
    assert_accessible(desk, "enrol-officer-th")
    desk.fill("#id_personal_id", "1-1000-00000-01-6")
    desk.fill("#id_first_name", "สมศรี")
    desk.fill("#id_last_name", "ใจดี")
    desk.fill("#id_birth_date", "1985-03-14")
    desk.fill("#id_card_expiry", "2030-03-13")
    desk.locator("main button[type=submit]").click()
    desk.wait_for_selector(".qr img")
    assert_accessible(desk, "enrol-qr-th")
    link = desk.locator("details a").get_attribute("href")
    path = re.sub(r"^https?://[^/]+", "", link)

    phone = chromium.new_context(
        base_url=live_server.url,
        bypass_csp=True,
        viewport={"width": 390, "height": 844},
    )
    citizen = phone.new_page()
    citizen.goto(path)
    assert_accessible(citizen, "enrol-step1-th")
    citizen.fill("#id_personal_id", "1100000000016")
    citizen.check("#id_accept_terms")
    citizen.fill("#id_password1", CITIZEN_PASSWORD)
    citizen.fill("#id_password2", CITIZEN_PASSWORD + "x")
    citizen.locator("main button[type=submit]").click()
    with translation.override("th"):
        assert (
            gettext("The two passwords differ. Type the same password twice.")
            in citizen.locator(".error-summary").inner_text()
        )
    citizen.fill("#id_password1", CITIZEN_PASSWORD)
    citizen.fill("#id_password2", CITIZEN_PASSWORD)
    citizen.check("#id_accept_terms")
    citizen.locator("main button[type=submit]").click()
    citizen.wait_for_url("**/confirm/")
    citizen.fill("#id_password", CITIZEN_PASSWORD)
    citizen.locator("main button[type=submit]").click()
    citizen.wait_for_url("**/enrol/done/")
    assert_accessible(citizen, "enrol-done-th")
    assert User.objects.get(personal_id="1100000000016").check_password(
        CITIZEN_PASSWORD
    )

    sign_in(citizen, "1100000000016", CITIZEN_PASSWORD)
    citizen.goto("/en/account/sessions/")
    assert "this device" in citizen.locator("table").inner_text()
    assert_accessible(citizen, "sessions-en")

    citizen.goto(path)  # the QR code cannot be used twice
    assert citizen.locator("h1").inner_text() != ""
    assert "/confirm/" not in citizen.url
    assert citizen.locator("#id_password1").count() == 0
    counter.close()
    phone.close()


def test_the_officer_reads_the_card_in_the_reader_into_the_enrolment_form(
    chromium, live_server, small_map, make_staff, settings
):
    import threading

    from saduak.identity import card_agent
    from saduak.identity.card_reader import read_card
    from saduak.identity.tests.fake_card import FakeThaiIdCard

    card = FakeThaiIdCard(expiry="25730313")  # 2030-03-13, as the registry holds
    agent = card_agent.serve(
        live_server.url, port=0, source=lambda: read_card(card.transmit, card.atr)
    )
    threading.Thread(target=agent.serve_forever, daemon=True).start()
    settings.CARD_AGENT_URL = f"http://127.0.0.1:{agent.server_address[1]}"
    try:
        officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
        officer.set_password(OFFICER_PASSWORD)
        officer.save(update_fields=["password"])
        context = chromium.new_context(
            base_url=live_server.url,
            bypass_csp=True,  # the policy names the agent from the environment
            viewport={"width": 1024, "height": 900},
        )
        desk = context.new_page()
        sign_in(desk, officer.personal_id, OFFICER_PASSWORD)
        desk.goto("/staff/enrol/")
        desk.get_by_role("button", name=gettext_th("Read the card")).click()
        expect(desk.locator("#id_personal_id")).to_have_value("1100000000016")
        assert desk.input_value("#id_first_name") == "สมศรี"
        assert desk.input_value("#id_birth_date") == "1985-03-14"
        assert desk.input_value("#id_card_expiry") == "2030-03-13"
        desk.locator("main button[type=submit]").click()
        desk.wait_for_selector(".qr img")
        context.close()
    finally:
        agent.shutdown()
        agent.server_close()


def gettext_th(message):
    with translation.override("th"):
        return gettext(message)
