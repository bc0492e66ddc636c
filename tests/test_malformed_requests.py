"""Requests no client should send (broken JSON, a wrong content type, numbers past
any limit, NUL bytes, bytes that are not UTF-8, broken percent-encoding, an unknown
Host, overlong headers, multipart bodies with the wrong boundary) are refused with a
4xx, never a server error: the API with a problem+json body a machine can read,
pages with the site's error page. nginx refuses the oversized and slow ones before
Django sees them (tests/stack/test_nginx_limits.py); these are the ones that reach
Django."""

import json
from collections.abc import Callable

import pytest
from django.test import Client

from saduak.accounts.models import User

pytestmark = pytest.mark.django_db

# An API write a citizen may call, and one anyone may call.
APPLY = "/api/v1/eservices/applications"
VOTE = "/api/v1/happiness/votes"
REFUSED = {400, 404, 405, 413, 415, 422}


def assert_api_refusal(response, *allowed: int) -> dict:
    """A 4xx among `allowed` (any refusal when none is named), with a problem
    body naming its status and a code."""
    assert response.status_code in (set(allowed) or REFUSED), (
        response.status_code,
        response.content[:300],
    )
    assert response["Content-Type"].startswith("application/problem+json"), response[
        "Content-Type"
    ]
    problem = json.loads(response.content)
    assert problem["status"] == response.status_code
    assert problem["code"]
    return problem


def assert_page_refusal(response, *allowed: int) -> None:
    assert response.status_code in (set(allowed) or REFUSED), (
        response.status_code,
        response.content[:300],
    )
    assert response["Content-Type"].startswith("text/html")


@pytest.fixture
def api(citizen: User) -> Client:
    """A citizen's session on the API (the test client skips CSRF, as a bearer
    token would)."""
    client = Client()
    client.force_login(citizen)
    return client


# --- bodies the API cannot read --------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b'{"service": "x",}',
        b"[1, 2",
        b"\xef\xbb\xbf",  # a byte order mark and nothing else
        b"",
        b"null",
        b'"just a string"',
        b"NaN",
    ],
    ids=[
        "open",
        "trailing-comma",
        "unclosed-list",
        "bom",
        "empty",
        "null",
        "str",
        "nan",
    ],
)
def test_a_body_that_is_not_the_json_asked_for_is_a_problem(api: Client, body: bytes):
    response = api.post(APPLY, body, content_type="application/json")
    assert_api_refusal(response, 400, 422)


def test_a_body_that_is_not_utf_8_is_a_problem(api: Client):
    response = api.post(
        APPLY, b'{"service": "\xff\xfe low"}', content_type="application/json"
    )
    assert_api_refusal(response, 400)


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/xml", "application/x-www-form-urlencoded", "nonsense"],
)
def test_a_json_body_sent_as_another_type_is_a_problem(api: Client, content_type: str):
    response = api.post(APPLY, b'{"service": "x"}', content_type=content_type)
    assert_api_refusal(response, 400, 415, 422)


@pytest.mark.parametrize(
    "number",
    ["1" + "0" * 5000, "1e999999", "-1e999999", "1" * 400, "Infinity", "-0"],
    ids=[
        "5000-digits",
        "overflowing-float",
        "negative-overflow",
        "400-ones",
        "inf",
        "z",
    ],
)
def test_a_number_past_any_limit_is_a_problem(api: Client, number: str):
    body = f'{{"office": "do-5001", "score": {number}, "service": {number}}}'
    assert_api_refusal(api.post(VOTE, body, content_type="application/json"), 400, 422)
    assert_api_refusal(api.post(APPLY, body, content_type="application/json"))


@pytest.mark.parametrize(
    "query",
    [
        "page=" + "9" * 5000,
        "page=1e999",
        "page_size=-99999999999999999999999",
        "page=%FF",
        "page=%00",
        "page=%ZZ",
    ],
    ids=["long-int", "float", "negative", "not-utf8", "nul", "bad-escape"],
)
def test_a_query_number_past_any_limit_or_broken_is_a_problem(api: Client, query: str):
    assert_api_refusal(api.get("/api/v1/offices?" + query), 400)


def test_a_nul_byte_in_a_json_string_is_a_problem_naming_the_field(api: Client):
    response = api.post(
        APPLY, '{"service": "a\\u0000b"}', content_type="application/json"
    )
    problem = assert_api_refusal(response, 400)
    assert problem["code"] == "unencodable-text"


def test_a_lone_surrogate_in_a_json_string_is_a_problem(api: Client):
    response = api.post(
        APPLY, '{"service": "a\\ud800b"}', content_type="application/json"
    )
    assert_api_refusal(response, 400)


def test_a_json_nested_deeper_than_any_parser_goes_is_a_problem(api: Client):
    body = "[" * 100_000 + "]" * 100_000
    assert_api_refusal(api.post(APPLY, body, content_type="application/json"))


# --- addresses -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/offices/%FF",
        "/api/v1/offices/%C0%AF",
        "/api/v1/offices/%ZZ",
        "/api/v1/offices/%",
        "/api/v1/offices/%00",
        "/api/v1/offices/%ED%A0%80",  # an encoded lone surrogate
        "/api/v1/areas/provinces/" + "9" * 5000,
        "/api/v1/appointments/bookings/%FF%FE",
        "/api/v1/nowhere/%FF",
    ],
)
def test_a_broken_api_address_is_a_problem(api: Client, path: str):
    assert_api_refusal(api.get(path), 400, 404)


@pytest.mark.parametrize(
    "path",
    [
        "/%FF",
        "/en/%C0%AF",
        "/accounts/login/%ZZ",
        "/%00",
        "/offices/%ED%A0%80/",
        "/accounts/login/?next=%FF%00",
        "/?q=%ZZ%",
    ],
)
def test_a_broken_page_address_is_an_error_page(client: Client, path: str):
    response = client.get(path)
    if response.status_code in {200, 302}:  # a query is only data to a page
        return
    assert_page_refusal(response, 400, 404)


def test_an_unknown_host_is_refused_on_pages_and_the_api(client: Client):
    assert_page_refusal(client.get("/", HTTP_HOST="evil.example"), 400)
    assert_api_refusal(client.get("/api/v1/offices", HTTP_HOST="evil.example"), 400)


@pytest.mark.parametrize(
    "host", ["127.0.0.1:port", "[::1", "local\x00host", "a" * 10_000]
)
def test_a_malformed_host_is_refused(client: Client, host: str):
    assert_api_refusal(client.get("/api/v1/offices", HTTP_HOST=host), 400)


# --- headers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "HTTP_ACCEPT_LANGUAGE",
        "HTTP_AUTHORIZATION",
        "HTTP_COOKIE",
        "HTTP_X_REQUEST_ID",
        "HTTP_IDEMPOTENCY_KEY",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_REFERER",
        "HTTP_IF_NONE_MATCH",
    ],
)
def test_an_overlong_header_never_makes_a_server_error(api: Client, header: str):
    value = "x" * 64_000 + "é\x00"
    response = api.get("/api/v1/offices", **{header: value})
    assert response.status_code < 500
    response = api.post(APPLY, "{}", content_type="application/json", **{header: value})
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert_api_refusal(response, response.status_code)
    page = Client().get("/", **{header: value})
    assert page.status_code < 500


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer",
        "Bearer ",
        "Bearer sdk_\x00",
        "Bearer " + "é" * 100,
        "Basic %%%",
        "\xff",
    ],
)
def test_a_broken_authorization_header_is_a_401_problem(
    client: Client, authorization: str
):
    response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=authorization)
    assert_api_refusal(response, 401)


# --- multipart -------------------------------------------------------------------


MULTIPART_CASES = {
    "no-boundary": ("multipart/form-data", b"--x\r\n\r\n--x--\r\n"),
    "wrong-boundary": (
        "multipart/form-data; boundary=expected",
        b'--other\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"'
        b"\r\n\r\n%PDF\r\n--other--\r\n",
    ),
    "unterminated": (
        "multipart/form-data; boundary=b",
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n',
    ),
    "empty-boundary": ("multipart/form-data; boundary=", b"----\r\n"),
    "overlong-boundary": ("multipart/form-data; boundary=" + "b" * 5000, b"--b\r\n"),
    "non-ascii-boundary": ("multipart/form-data; boundary=é", b"--\xc3\xa9--\r\n"),
    "garbage": ("multipart/form-data; boundary=b", b"\x00\xff" * 1000),
}


@pytest.mark.parametrize("case", MULTIPART_CASES, ids=list(MULTIPART_CASES))
def test_a_broken_multipart_body_is_a_problem_on_the_api(api: Client, case: str):
    content_type, body = MULTIPART_CASES[case]
    response = api.post(f"{APPLY}/NO-SUCH/attachments", body, content_type=content_type)
    assert_api_refusal(response)


@pytest.mark.parametrize("case", MULTIPART_CASES, ids=list(MULTIPART_CASES))
def test_a_broken_multipart_body_is_an_error_page_on_pages(
    client_for: Callable[[User], Client], citizen: User, case: str
):
    content_type, body = MULTIPART_CASES[case]
    response = client_for(citizen).post(
        "/accounts/login/", body, content_type=content_type
    )
    assert response.status_code < 500, response.content[:300]


# --- forms on pages ----------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"username=%FF%FE&password=x",
        b"username=a%00b&password=x",
        b"username=%ZZ&password=%",
        b"&&&===&&&",
        b"username=" + b"9" * 100_000,
        b"a=1&" * 5000,  # more fields than Django accepts
    ],
    ids=["not-utf8", "nul", "bad-escape", "empty-pairs", "long-value", "many-fields"],
)
def test_a_broken_form_post_to_a_page_is_never_a_server_error(
    client: Client, body: bytes
):
    response = client.post(
        "/accounts/login/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert_page_refusal(response, 400)


def test_a_form_posted_to_the_api_where_json_is_asked_is_a_problem(api: Client):
    response = api.post(
        VOTE,
        b"office=do-5001&score=5",
        content_type="application/x-www-form-urlencoded",
    )
    assert_api_refusal(response, 400, 415, 422)


@pytest.mark.parametrize(
    "method", ["PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "BREW"]
)
def test_a_method_an_endpoint_does_not_take_is_a_405_problem(api: Client, method: str):
    response = api.generic(method, VOTE, b"{}", content_type="application/json")
    assert_api_refusal(response, 405)


def test_a_body_over_django_s_limit_is_a_problem_not_a_server_error(
    api: Client, settings
):
    # nginx refuses bodies over its client_max_body_size with 413 first; a body
    # under that but over Django's own limit must not become a 500 either.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"service": "' + "x" * 5000 + '"}'
    assert_api_refusal(api.post(APPLY, body, content_type="application/json"), 400, 413)
    form = b"username=" + b"x" * 5000 + b"&password=x"
    page = Client().post(
        "/accounts/login/", form, content_type="application/x-www-form-urlencoded"
    )
    assert_page_refusal(page, 400, 413)
