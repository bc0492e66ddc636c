"""The LIFF vote page end to end: the office from the LIFF URL (plain or inside
liff.state), a vote counted as the verified LINE user's, and a missing, tampered
or expired token refused with a clear message and nothing stored."""

import time

import pytest

from saduak.feedback.choices import VoteChannel
from saduak.feedback.keys import salted
from saduak.feedback.models import OfficeDayHappiness, Vote
from saduak.feedback.tests.line_fakes import LINE_USER, fake_line_server

pytestmark = pytest.mark.django_db

PAGE = "/happiness/liff/"


@pytest.fixture
def console_login(settings, small_map):
    settings.LINE_LOGIN_BACKEND = "console"
    settings.LINE_LIFF_ID = ""


def form_token(client, query="?office=do-1001"):
    page = client.get(PAGE + query)
    assert page.status_code == 200
    return page.context["form"]["form_token"].value()


def vote(client, *, query="?office=do-1001", prefix="", **fields):
    """Votes on the page (`prefix` "/en" for the English page, where the
    refusals are checked in their source language)."""
    data = {"score": "4", "form_token": form_token(client, query), **fields}
    return client.post(prefix + PAGE + query, data)


def test_the_page_asks_for_the_office_named_in_the_liff_url(client, console_login):
    response = client.get(PAGE, {"office": "do-1001"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "สำนักงานเขตพระนคร" in html
    assert 'name="form_token"' in html
    assert 'name="score" value="5"' in html
    assert 'action="/happiness/liff/?office=do-1001"' in html
    assert "js/liff_form.js" in html
    # In console mode the token is typed into a field people can see.
    assert 'id="id_id_token"' in html
    assert "vendor/liff/liff.js" not in html


def test_the_page_reads_the_office_from_liff_state_on_lines_first_redirect(
    client, console_login
):
    response = client.get(PAGE, {"liff.state": "?office=reg-1001&counter=2"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "สำนักทะเบียนเขตพระนคร" in html
    assert 'action="/happiness/liff/?office=reg-1001&amp;counter=2"' in html


def test_the_page_without_an_office_says_how_to_open_it(client, console_login):
    response = client.get("/en" + PAGE)

    assert response.status_code == 400
    assert "Scan the QR code at the office" in response.content.decode()


def test_the_page_for_an_unknown_office_is_not_found(client, console_login):
    assert client.get(PAGE, {"office": "xx-9999"}).status_code == 404


def test_a_vote_with_a_verified_token_counts_as_that_line_users(client, console_login):
    response = vote(client, id_token=f"console:{LINE_USER}", comment="รวดเร็วดี")

    assert response.status_code == 303
    assert response["Location"] == "/v/do-1001/thanks/?via=liff"
    stored = Vote.objects.get()
    assert stored.score == 4
    assert stored.comment == "รวดเร็วดี"
    assert stored.channel == VoteChannel.LIFF
    assert stored.voter_key == salted("line", LINE_USER)
    assert OfficeDayHappiness.objects.get().votes_4 == 1


def test_a_second_vote_on_the_page_replaces_the_first(client, console_login):
    vote(client, id_token="console:U1", score="5")
    response = vote(client, id_token="console:U1", score="1")

    assert response["Location"] == "/v/do-1001/thanks/?via=liff&replaced=1"
    assert Vote.objects.get().score == 1


def test_a_vote_for_a_counter_records_it(client, console_login):
    vote(client, query="?office=reg-1001&counter=2", id_token="console:U1")

    assert Vote.objects.get().counter.number == 2


def test_a_vote_without_a_token_is_refused_with_a_clear_message(client, console_login):
    response = vote(client, prefix="/en", id_token="")

    assert response.status_code == 400
    assert "Open this page from the LINE app" in response.content.decode()
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        LINE_USER,  # a user id sent by the phone is not a token
        "console:",
        "console:U1 OR 1=1",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJVMSJ9.c2lnbmF0dXJl",
    ],
)
def test_a_tampered_token_is_refused_and_nothing_is_stored(
    client, console_login, token
):
    response = vote(client, prefix="/en", id_token=token)

    assert response.status_code == 400
    assert "could not be confirmed" in response.content.decode()
    assert not Vote.objects.exists()
    assert not OfficeDayHappiness.objects.exists()


def test_a_refused_token_leaves_the_form_usable(client, console_login):
    response = vote(client, id_token="forged")
    fresh = response.context["form"].data["form_token"]

    again = client.post(
        PAGE + "?office=do-1001",
        {"score": "4", "form_token": fresh, "id_token": "console:U1"},
    )

    assert again.status_code == 303
    assert Vote.objects.count() == 1


def test_the_honeypot_stores_nothing(client, console_login):
    response = vote(client, id_token="console:U1", website="http://spam")

    assert response.status_code == 400
    assert not Vote.objects.exists()


def test_a_form_sent_twice_counts_once(client, console_login):
    token = form_token(client)
    data = {"score": "4", "form_token": token, "id_token": "console:U1"}
    client.post(PAGE + "?office=do-1001", data)
    second = client.post(PAGE + "?office=do-1001", data)

    assert second.status_code == 409
    assert Vote.objects.count() == 1


def test_a_form_made_for_another_office_is_refused(client, console_login):
    token = form_token(client, "?office=do-5001")
    response = client.post(
        PAGE + "?office=do-1001",
        {"score": "4", "form_token": token, "id_token": "console:U1"},
    )

    assert response.status_code == 400
    assert not Vote.objects.exists()


@pytest.fixture
def line_login(settings, small_map):
    with fake_line_server() as line:
        settings.LINE_LOGIN_BACKEND = "line"
        settings.LINE_LOGIN_API_HOST = line.url
        settings.LINE_LOGIN_CHANNEL_ID = "1657000000"
        settings.LINE_LIFF_ID = "1657000000-AbCdEfGh"
        yield line


def claims(**changes):
    return {
        "iss": "https://access.line.me",
        "sub": LINE_USER,
        "aud": "1657000000",
        "exp": int(time.time()) + 600,
        "iat": int(time.time()),
        "name": "สมศรี",
        **changes,
    }


def test_with_line_login_the_token_is_verified_by_line(client, line_login):
    line_login.respond(200, claims())

    response = vote(client, id_token="eyJ.real.token")

    assert response.status_code == 303
    [asked] = line_login.requests
    assert asked.path == "/oauth2/v2.1/verify"
    assert asked.form() == {"id_token": ["eyJ.real.token"], "client_id": ["1657000000"]}
    assert Vote.objects.get().voter_key == salted("line", LINE_USER)


def test_with_line_login_a_console_token_is_refused(client, line_login):
    line_login.respond(
        400, {"error": "invalid_request", "error_description": "Invalid IdToken."}
    )

    response = vote(client, id_token=f"console:{LINE_USER}")

    assert response.status_code == 400
    assert not Vote.objects.exists()


def test_with_line_login_an_expired_token_is_refused(client, line_login):
    line_login.respond(200, claims(exp=int(time.time()) - 1))

    response = vote(client, id_token="eyJ.expired.token")

    assert response.status_code == 400
    assert not Vote.objects.exists()


def test_with_line_login_the_page_loads_the_sdk_and_hides_the_token_field(
    client, line_login
):
    response = client.get(PAGE, {"office": "do-1001"})

    html = response.content.decode()
    assert "/static/vendor/liff/liff.js" in html
    assert 'data-liff-id="1657000000-AbCdEfGh"' in html
    assert '<input type="hidden" name="id_token" value="">' in html
    assert 'id="id_id_token"' not in html
    policy = response["Content-Security-Policy"]
    assert "connect-src 'self' https://api.line.me" in policy
    assert "script-src 'self' https://static.line-scdn.net" in policy
    assert "frame-ancestors 'none'" in policy


def test_other_pages_keep_the_sites_policy(client, line_login, settings):
    response = client.get("/v/do-1001/")

    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


def test_when_line_cannot_be_reached_nothing_is_stored(client, line_login, settings):
    settings.LINE_LOGIN_API_HOST = "http://127.0.0.1:9"

    response = vote(client, id_token="eyJ.real.token")

    assert response.status_code == 503
    assert not Vote.objects.exists()
