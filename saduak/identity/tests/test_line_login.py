"""Verifying LIFF ID tokens: LINE Login's documented verify endpoint (POST
/oauth2/v2.1/verify, form fields id_token and client_id; the claims, or 400 with
error and error_description), our checks of the claims, and the console
verifier used in development."""

import time

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from saduak.core.errors import InvalidInput
from saduak.core.tests.stub_http import stub_server_running as fake_line_server
from saduak.identity.line_login import (
    ConsoleLineVerifier,
    LineIdentity,
    LineLoginVerifier,
    LineUnavailable,
    line_id_token_verifier,
)

CHANNEL_ID = "1657000000"
LINE_USER = "U" + "1a2b3c4d5e6f7a8b" * 2


@pytest.fixture(autouse=True)
def in_english():
    """The messages are checked in English (Thai is the default language)."""
    with translation.override("en"):
        yield


def claims(**changes):
    now = int(time.time())
    return {
        "iss": "https://access.line.me",
        "sub": LINE_USER,
        "aud": CHANNEL_ID,
        "exp": now + 3600,
        "iat": now,
        "amr": ["linesso"],
        "name": "สมศรี ใจดี",
        **changes,
    }


def verifier_answering(*answers, seen=None):
    """A verifier whose HTTP calls get `answers` in turn (a response, or an
    exception to raise), each request appended to `seen`."""
    queue = list(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return LineLoginVerifier(
        host="https://api.line.me",
        channel_id=CHANNEL_ID,
        transport=httpx.MockTransport(handle),
    )


def test_the_request_is_lines_documented_form_post():
    seen: list[httpx.Request] = []
    verifier = verifier_answering(httpx.Response(200, json=claims()), seen=seen)

    verifier.verify("eyJ.header.signature")

    [request] = seen
    assert request.method == "POST"
    assert str(request.url) == "https://api.line.me/oauth2/v2.1/verify"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert httpx.QueryParams(request.content.decode()) == httpx.QueryParams(
        {"id_token": "eyJ.header.signature", "client_id": CHANNEL_ID}
    )


def test_good_claims_are_the_line_user():
    verifier = verifier_answering(httpx.Response(200, json=claims()))

    assert verifier.verify("token") == LineIdentity(
        user_id=LINE_USER, display_name="สมศรี ใจดี"
    )


@pytest.mark.parametrize(
    "changed",
    [
        {"aud": "1999999999"},  # issued to another channel
        {"iss": "https://evil.example"},
        {"exp": int(time.time()) - 1},
        {"exp": "later"},
        {"sub": ""},
        {"sub": None},
    ],
)
def test_claims_that_are_not_ours_are_refused(changed):
    verifier = verifier_answering(httpx.Response(200, json=claims(**changed)))

    with pytest.raises(InvalidInput) as refused:
        verifier.verify("token")

    assert refused.value.code == "line-token-invalid"
    assert refused.value.status == 400


def test_a_token_line_refuses_is_refused():
    verifier = verifier_answering(
        httpx.Response(
            400,
            json={"error": "invalid_request", "error_description": "IdToken expired."},
        )
    )

    with pytest.raises(InvalidInput) as refused:
        verifier.verify("token")

    assert refused.value.code == "line-token-invalid"
    assert "open it again from LINE" in str(refused.value.message)


def test_an_empty_or_oversized_token_is_refused_without_asking_line():
    seen: list[httpx.Request] = []
    verifier = verifier_answering(seen=seen)

    for token in ("", "x" * 5000):
        with pytest.raises(InvalidInput):
            verifier.verify(token)

    assert seen == []


@pytest.mark.parametrize(
    "answer",
    [
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("timed out"),
        httpx.Response(500, text="oops"),
        httpx.Response(200, text="<html>not json</html>"),
    ],
)
def test_line_unreachable_or_confused_is_a_clear_error_asking_to_retry(answer):
    verifier = verifier_answering(answer)

    with pytest.raises(LineUnavailable) as unavailable:
        verifier.verify("token")

    assert unavailable.value.status == 503
    assert unavailable.value.code == "line-unavailable"
    assert "Try again" in str(unavailable.value.message)


def test_a_non_object_answer_is_refused():
    verifier = verifier_answering(httpx.Response(200, json=["sub", LINE_USER]))

    with pytest.raises(InvalidInput):
        verifier.verify("token")


def test_the_verifier_asks_a_real_http_server_once():
    with fake_line_server() as line:
        line.respond(400, {"error": "invalid_request"})
        verifier = LineLoginVerifier(host=line.url + "/", channel_id=CHANNEL_ID)

        with pytest.raises(InvalidInput):
            verifier.verify("token")

    [request] = line.requests
    assert request.path == "/oauth2/v2.1/verify"
    assert request.form() == {"id_token": ["token"], "client_id": [CHANNEL_ID]}


def test_from_settings_uses_the_login_channel_and_host(settings):
    settings.LINE_LOGIN_BACKEND = "line"
    settings.LINE_LOGIN_CHANNEL_ID = CHANNEL_ID
    settings.LINE_LOGIN_API_HOST = "http://127.0.0.1:8765"

    verifier = line_id_token_verifier()

    assert isinstance(verifier, LineLoginVerifier)
    assert verifier.url == "http://127.0.0.1:8765/oauth2/v2.1/verify"
    assert verifier.channel_id == CHANNEL_ID


def test_line_login_without_a_channel_id_is_a_configuration_error(settings):
    settings.LINE_LOGIN_BACKEND = "line"
    settings.LINE_LOGIN_CHANNEL_ID = ""

    with pytest.raises(ImproperlyConfigured):
        line_id_token_verifier()


def test_an_unknown_backend_is_a_configuration_error(settings):
    settings.LINE_LOGIN_BACKEND = "trust-the-phone"

    with pytest.raises(ImproperlyConfigured):
        line_id_token_verifier()


def test_the_console_backend_is_the_console_verifier(settings):
    settings.LINE_LOGIN_BACKEND = "console"

    assert isinstance(line_id_token_verifier(), ConsoleLineVerifier)


def test_the_console_verifier_accepts_console_tokens():
    identity = ConsoleLineVerifier().verify(f"console:{LINE_USER}")

    assert identity.user_id == LINE_USER


@pytest.mark.parametrize(
    "token",
    [
        LINE_USER,
        "",
        "console:",
        "Console:U1",
        "console:U1 U2",
        "console:" + "U" * 65,
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJVMSJ9.c2ln",
    ],
)
def test_the_console_verifier_refuses_anything_else(token):
    with pytest.raises(InvalidInput) as refused:
        ConsoleLineVerifier().verify(token)

    assert refused.value.code == "line-token-invalid"
