"""Journeys of the foundation: a citizen reads the home page in Thai and English on a
phone; staff sign in, find areas in both languages and manage their office."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from saduak.accounts.choices import Role
from saduak.areas.models import Counter
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


def sign_in(page, personal_id):
    page.goto("/accounts/login/")
    page.fill("#id_username", personal_id)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:text-matches('เข้าสู่ระบบ|Sign in')")


def test_a_citizen_reads_the_home_page_in_thai_then_english_on_a_phone(
    phone, small_map
):
    phone.goto("/")
    assert phone.locator("html").get_attribute("lang") == "th"
    with translation.override("th"):
        thai_title = gettext("Government services, made convenient")
    assert thai_title != "Government services, made convenient"
    assert phone.locator("h1").inner_text() == thai_title
    assert_accessible(phone, "home-th")

    phone.click("a.lang-switch")
    phone.wait_for_url("**/en/")
    assert phone.locator("h1").inner_text() == "Government services, made convenient"
    assert_accessible(phone, "home-en")
    # Nothing overflows a phone screen sideways.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_skip_link_is_the_first_stop_for_keyboard_users(phone, small_map):
    phone.goto("/")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.className") == "skip-link"


def test_a_mistyped_id_at_sign_in_is_explained_in_the_error_summary(phone, small_map):
    phone.goto("/accounts/login/")
    phone.fill("#id_username", "12345")
    phone.fill("#id_password", "whatever")
    phone.click("button[type=submit]:text-matches('เข้าสู่ระบบ|Sign in')")
    summary = phone.locator(".error-summary")
    with translation.override("th"):
        expected = gettext("A personal ID has 13 digits; this one has %(count)d.") % {
            "count": 5
        }
    assert expected in summary.inner_text()
    assert_accessible(phone, "login-error-th")
    summary.locator("a").first.click()
    assert phone.evaluate("document.activeElement.id") == "id_username"


def test_staff_find_a_district_in_thai_and_english_and_add_a_counter(
    phone, small_map, make_staff
):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    admin.set_password(PASSWORD)
    admin.save(update_fields=["password"])

    sign_in(phone, admin.personal_id)
    phone.goto("/staff/areas/")
    assert_accessible(phone, "staff-areas-th")
    phone.fill("#id_q", "จอมทอง")
    phone.wait_for_selector("#results >> text=ที่ว่าการอำเภอจอมทอง")

    phone.goto("/en/staff/areas/")
    phone.fill("#id_q", "mueang chiang")
    phone.locator("#results >> text=Mueang Chiang Mai District Registry Office").click()
    phone.wait_for_url("**/staff/offices/reg-5001/")
    assert_accessible(phone, "office-en")

    phone.fill("#id_number", "4")
    phone.fill("#id_label_th", "ช่องผู้สูงอายุ")
    phone.fill("#id_label_en", "Elderly counter")
    phone.click("text=Save counter")
    phone.wait_for_selector("#counters >> text=Elderly counter")
    assert Counter.objects.filter(
        office__code="reg-5001", number=4, label_th="ช่องผู้สูงอายุ"
    ).exists()
