"""The booking waiting room on a phone, in Thai and in English, with and without
JavaScript (as in LINE's in-app browser with scripts off): the place, the people
ahead and the expected wait are shown, "Check now" keeps the place, and the page
asks again by itself until the person is admitted in turn."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import expect

from saduak.core.waiting_room import booking_room
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "/appointments/book/id-card-renewal/reg-5001/"


def th(message):
    with translation.override("th"):
        return gettext(message)


@pytest.fixture
def surge(settings):
    """One person admitted a second, and `fill(n)` people already in line."""
    settings.BOOKING_ADMISSIONS_PER_SECOND = 1
    settings.WAITING_ROOM_BURST_MS = 250
    room = booking_room()

    def fill(people: int) -> None:
        for _ in range(people):
            room.visit(None)

    return fill


def test_the_waiting_page_on_a_phone_in_thai_and_english(open_page, surge):
    surge(200)
    page = open_page(viewport=PHONE, locale="th-TH")
    page.goto(PAGE)
    expect(page.locator("h1")).to_have_text(th("Waiting room"))
    expect(page.locator("html")).to_have_attribute("lang", "th")
    place = int(page.get_by_test_id("place").inner_text())
    ahead = int(page.get_by_test_id("ahead").inner_text())
    assert place > 150 and ahead == place - 1 - booking_room().status()["head"]
    with translation.override("th"):
        about = ngettext("about %(count)d minute", "about %(count)d minutes", 2)
    expect(page.get_by_test_id("wait")).to_contain_text(about.split("%")[0].strip())
    # Timing adjustable (WCAG 2.2.1): the automatic check can be turned off; axe
    # flags any meta refresh, so the page is checked as it is once turned off.
    page.get_by_role("link", name=th("Stop checking by itself")).click()
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert int(page.get_by_test_id("place").inner_text()) == place
    assert_accessible(page, "waiting-room-th-phone")
    page.get_by_role("link", name=th("Check by itself again")).click()
    assert page.locator('meta[http-equiv="refresh"]').count() == 1
    page.get_by_role("link", name=th("Check now")).click()
    assert int(page.get_by_test_id("place").inner_text()) == place  # kept

    english = open_page(viewport=PHONE, locale="en-GB")
    english.goto("/en" + PAGE)
    expect(english.locator("h1")).to_have_text("Waiting room")
    expect(english.get_by_text("Your place in line")).to_be_visible()
    expect(english.get_by_test_id("wait")).to_contain_text("minutes")
    english.get_by_role("link", name="Stop checking by itself").click()
    assert_accessible(english, "waiting-room-en-phone")


def test_without_javascript_the_page_refreshes_itself_until_admitted(open_page, surge):
    surge(3)
    page = open_page(viewport=PHONE, locale="th-TH", java_script_enabled=False)
    page.goto(PAGE)
    place = int(page.get_by_test_id("place").inner_text())
    assert place == 3  # the first of the three went straight through
    refresh = page.locator('meta[http-equiv="refresh"]').get_attribute("content")
    # Five seconds, spread by up to a second either way
    # (WAITING_ROOM_REFRESH_SPREAD), so that people told together do not come
    # back together.
    assert re.match(r"^[456]; url=/appointments/book/.+\?wr=", refresh)
    check_now = page.get_by_role("link", name=th("Check now"))
    check_now.click()
    assert int(page.get_by_test_id("place").inner_text()) == place
    # About three seconds later place 3 is admitted; the next refresh gets through
    # to the booking page, which asks this anonymous visitor to sign in.
    page.wait_for_url(re.compile(r"/accounts/login/"), timeout=20_000)
