"""The complaint form inside LINE: the complaint is filed on the LINE channel
with the verified LINE user as the way to reach the complainant; a missing,
tampered or unverifiable token, and the bad input of the web form, are refused
with a precise message and nothing stored."""

import time

import pytest
from django.urls import reverse
from django.utils import translation

from saduak.complaints.choices import Channel
from saduak.complaints.models import Complaint, ComplaintAttachment
from saduak.complaints.tests.citizen_helpers import (
    filing,
    make_tree,
    not_a_photo,
    photo,
)
from saduak.feedback.tests.line_fakes import LINE_USER, fake_line_server

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def thai_urls():  # type: ignore[no-untyped-def]
    """reverse() gives the Thai pages, whatever a page before left active."""
    with translation.override("th"):
        yield


PAGE = "/complaints/liff/"


def th(message: str) -> str:
    with translation.override("th"):
        return translation.gettext(message)


@pytest.fixture
def console_login(settings, small_map):
    settings.LINE_LOGIN_BACKEND = "console"
    settings.COMPLAINTS_LIFF_ID = ""
    return make_tree()


@pytest.fixture
def line_login(settings, small_map):
    make_tree()
    with fake_line_server() as line:
        settings.LINE_LOGIN_BACKEND = "line"
        settings.LINE_LOGIN_API_HOST = line.url
        settings.LINE_LOGIN_CHANNEL_ID = "1657000000"
        settings.COMPLAINTS_LIFF_ID = "1657000000-Cmpl4int"
        yield line


def claims(**changes):
    return {
        "iss": "https://access.line.me",
        "sub": LINE_USER,
        "aud": "1657000000",
        "exp": int(time.time()) + 600,
        "name": "สมศรี",
        **changes,
    }


def test_the_liff_page_is_the_form_with_the_console_token_field(client, console_login):
    response = client.get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("complaints:liff") == PAGE
    assert 'id="id_id_token"' in html
    assert "js/liff_form.js" in html
    assert "vendor/liff/liff.js" not in html
    assert 'name="category"' in html
    # LINE reaches them: the mobile number is optional.
    assert th("Your mobile number (optional)") in html
    assert "Content-Security-Policy" not in response or (
        "api.line.me" not in response["Content-Security-Policy"]
    )


def test_a_complaint_with_a_console_token_is_filed_on_the_line_channel(
    client, console_login
):
    response = client.post(
        PAGE, {**filing(), "id_token": f"console:{LINE_USER}", "documents": [photo()]}
    )

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert response["Location"] == reverse(
        "complaints:filed", args=[complaint.tracking_token]
    )
    assert complaint.channel == Channel.LINE
    assert complaint.line_user_id == LINE_USER
    assert complaint.complainant is None
    assert complaint.contact_phone == ""
    assert ComplaintAttachment.objects.filter(complaint=complaint).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert complaint.reference in page
    assert th("We have also sent it to you in LINE.") in page


def test_a_complaint_without_a_line_token_is_refused_and_not_stored(
    client, console_login
):
    response = client.post(PAGE, filing())

    assert response.status_code == 400
    assert (
        th(
            "Open this page from the LINE app: we could not confirm your LINE sign-in, "
            "so your complaint was not sent."
        )
        in response.content.decode()
    )
    assert not Complaint.objects.exists()
    # What was typed is kept.
    assert "ถนนหน้าตลาดเป็นหลุมลึก" in response.content.decode()


def test_a_tampered_console_token_is_refused(client, console_login):
    response = client.post("/en" + PAGE, {**filing(), "id_token": "U1234"})

    assert response.status_code == 400
    assert "Your LINE sign-in could not be confirmed" in response.content.decode()
    assert not Complaint.objects.exists()


def test_bad_input_is_refused_before_the_token_is_asked_about(client, console_login):
    cases = [
        (
            filing(province="", district="", subdistrict=""),
            "Choose the district where it happened",
        ),
        (
            filing(description="ก" * 4001),
            "Write at most 4,000 characters: your text has 4001.",
        ),
        (
            filing(category="no-such"),
            "Choose what your complaint is about from the list.",
        ),
    ]
    for data, message in cases:
        response = client.post(
            "/en" + PAGE, {**data, "id_token": f"console:{LINE_USER}"}
        )
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_file_that_is_not_what_it_claims_is_refused_in_line_too(
    client, console_login
):
    response = client.post(
        "/en" + PAGE,
        {**filing(), "id_token": f"console:{LINE_USER}", "documents": [not_a_photo()]},
    )

    assert response.status_code == 400
    assert "“photo.jpg”: This file&#x27;s type is not accepted here." in (
        response.content.decode()
    )
    assert not Complaint.objects.exists()
    assert not ComplaintAttachment.objects.exists()


def test_a_double_tap_in_line_is_stored_once(client, console_login):
    data = {**filing(), "id_token": f"console:{LINE_USER}"}
    first = client.post(PAGE, {**data, "idempotency_key": "liff-key-one-1"})
    second = client.post(PAGE, {**data, "idempotency_key": "liff-key-two-2"})

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Complaint.objects.count() == 1


def test_inside_line_the_token_is_verified_by_line(client, line_login):
    line_login.respond(200, claims())

    page = client.get(PAGE)
    assert 'id="id_id_token"' not in page.content.decode()
    assert "vendor/liff/liff.js" in page.content.decode()
    assert 'data-liff-id="1657000000-Cmpl4int"' in page.content.decode()
    policy = page["Content-Security-Policy"]
    assert (
        "connect-src 'self' https://api.line.me https://liffsdk.line-scdn.net" in policy
    )
    assert "https://static.line-scdn.net" in policy

    response = client.post(PAGE, {**filing(), "id_token": "eyJ.real-token.sig"})

    assert response.status_code == 302
    [asked] = line_login.requests
    assert asked.form() == {
        "id_token": ["eyJ.real-token.sig"],
        "client_id": ["1657000000"],
    }
    complaint = Complaint.objects.get()
    assert complaint.line_user_id == LINE_USER
    assert complaint.channel == Channel.LINE


def test_a_token_line_refuses_is_refused_and_nothing_is_stored(client, line_login):
    line_login.respond(
        400, {"error": "invalid_request", "error_description": "expired"}
    )

    response = client.post(PAGE, {**filing(), "id_token": "eyJ.expired.sig"})

    assert response.status_code == 400
    assert (
        th(
            "Your LINE sign-in could not be confirmed: it has expired or was changed. "
            "Close this page and open it again from LINE."
        )
        in response.content.decode()
    )
    assert not Complaint.objects.exists()


def test_a_token_for_another_channel_is_refused(client, line_login):
    line_login.respond(200, claims(aud="999"))

    response = client.post(PAGE, {**filing(), "id_token": "eyJ.other.sig"})

    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_when_line_cannot_be_reached_the_page_says_try_again(client, line_login):
    line_login.respond(503, {})

    response = client.post(PAGE, {**filing(), "id_token": "eyJ.any.sig"})

    assert response.status_code == 503
    assert th("LINE could not confirm your sign-in just now. Try again.") in (
        response.content.decode()
    )
    assert not Complaint.objects.exists()
