"""Amphoe Sang Suk inside LINE, in Chromium on a phone: the LIFF vote page as
LINE first opens it (the office inside liff.state), voted on with the console
login and, with a stand-in LIFF SDK, with an ID token the server has verified
by "LINE" (a local server); a vote without a token is explained and not
stored."""

import time

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from saduak.feedback.choices import VoteChannel
from saduak.feedback.keys import salted
from saduak.feedback.models import Vote
from saduak.feedback.tests.line_fakes import LINE_USER, fake_line_server
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

# How LINE opens the endpoint URL for https://liff.line.me/{liffId}?office=...
FIRST_REDIRECT = "/happiness/liff/?liff.state=%3Foffice%3Dreg-5001"

# Stands in for the LIFF SDK: LINE's servers cannot be reached from the tests.
FAKE_SDK = """
window.liff = {
  init: () => Promise.resolve(),
  isLoggedIn: () => true,
  login: () => { throw new Error("not expected"); },
  getIDToken: () => "eyJ.token-from-liff.sig",
};
"""


def th(message):
    with translation.override("th"):
        return gettext(message)


@pytest.fixture
def console_login(settings, small_map):
    settings.LINE_LOGIN_BACKEND = "console"
    settings.LINE_LIFF_ID = ""


def test_a_citizen_votes_on_the_liff_page_with_the_console_login(console_login, phone):
    phone.goto(FIRST_REDIRECT)
    expect(phone.locator("h1")).to_have_text(th("How was our service?"))
    expect(phone.locator(".vote-office")).to_contain_text("สำนักทะเบียนอำเภอเมืองเชียงใหม่")
    assert_accessible(phone, "feedback-liff-phone")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    phone.fill("#id_id_token", f"console:{LINE_USER}")
    phone.locator("button.face-4").click()

    expect(phone.locator("h1")).to_have_text(th("Thank you for your vote"))
    expect(phone.locator(".index-mean")).to_have_text("4.00")
    vote = Vote.objects.get()
    assert vote.channel == VoteChannel.LIFF
    assert vote.voter_key == salted("line", LINE_USER)


def test_a_vote_without_a_line_token_is_explained_and_not_stored(console_login, phone):
    phone.goto("/en" + FIRST_REDIRECT)
    phone.locator("button.face-5").click()

    expect(phone.locator(".error-summary")).to_contain_text(
        "Open this page from the LINE app"
    )
    assert not Vote.objects.exists()
    assert_accessible(phone, "feedback-liff-no-token-en-phone")

    # The refreshed form still works once the token is there.
    phone.fill("#id_id_token", "console:U2")
    phone.locator("button.face-5").click()
    expect(phone.locator("h1")).to_have_text("Thank you for your vote")
    assert Vote.objects.count() == 1


def test_inside_line_the_id_token_from_the_sdk_is_verified_by_the_server(
    settings, small_map, phone
):
    with fake_line_server() as line:
        settings.LINE_LOGIN_BACKEND = "line"
        settings.LINE_LOGIN_API_HOST = line.url
        settings.LINE_LOGIN_CHANNEL_ID = "1657000000"
        settings.LINE_LIFF_ID = "1657000000-AbCdEfGh"
        line.respond(
            200,
            {
                "iss": "https://access.line.me",
                "sub": LINE_USER,
                "aud": "1657000000",
                "exp": int(time.time()) + 600,
                "name": "สมศรี",
            },
        )
        phone.route(
            "**/static/vendor/liff/liff.js",
            lambda route: route.fulfill(content_type="text/javascript", body=FAKE_SDK),
        )
        phone.goto(FIRST_REDIRECT)
        # No token field to fill in: the page takes the token from the SDK.
        expect(phone.locator("#id_id_token")).to_have_count(0)
        assert_accessible(phone, "feedback-liff-in-line-phone")
        phone.locator("button.face-3").click()

        expect(phone.locator("h1")).to_have_text(th("Thank you for your vote"))
    [asked] = line.requests
    assert asked.form()["id_token"] == ["eyJ.token-from-liff.sig"]
    assert Vote.objects.get().voter_key == salted("line", LINE_USER)


def test_the_liff_sdk_is_served_by_the_site(console_login, phone):
    phone.goto("/happiness/liff/?office=reg-5001")
    response = phone.request.get("/static/vendor/liff/liff.js")

    assert response.status == 200
    assert "liff=liff.default" in response.text()
