from unittest import mock

import pytest
from django.db import OperationalError
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_ping_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/ping")
    assert response.status_code == 200 and response.content == b"pong"


def test_health_reports_database_cache_and_broker(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}


def test_health_is_503_when_the_database_is_down(client):
    with mock.patch(
        "saduak.core.health._database", side_effect=OperationalError("down")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False


@override_settings(CELERY_BROKER_CONFIGURED=True, CELERY_BROKER_CONNECTION_TIMEOUT=0.5)
def test_health_is_503_when_a_configured_broker_is_unreachable(client):
    from config.celery import app

    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = "memory://"
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_every_response_carries_a_request_id_and_keeps_a_callers_id(client):
    assert len(client.get("/").headers["X-Request-ID"]) == 32
    assert (
        client.get("/", HTTP_X_REQUEST_ID="abc-12345678").headers["X-Request-ID"]
        == "abc-12345678"
    )
    assert (
        client.get("/", HTTP_X_REQUEST_ID="bad id!").headers["X-Request-ID"]
        != "bad id!"
    )


def test_pages_are_sent_with_a_content_security_policy(client):
    assert "default-src 'self'" in client.get("/").headers["Content-Security-Policy"]


def test_the_home_page_is_thai_by_default_and_english_under_en(client):
    thai = client.get("/").content.decode()
    english = client.get("/en/").content.decode()
    assert '<html lang="th">' in thai and "จองคิว" in thai
    assert '<html lang="en">' in english and "Book a queue" in english


def test_the_language_switch_links_to_the_same_page_in_the_other_language(client):
    assert (
        'href="/en/accounts/login/"' in client.get("/accounts/login/").content.decode()
    )
    assert (
        'href="/accounts/login/"' in client.get("/en/accounts/login/").content.decode()
    )


def test_an_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "<main" in response.content.decode()


def test_an_unknown_api_path_is_a_problem_not_a_page(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not-found"


def test_a_method_the_api_does_not_take_is_a_405_problem_naming_the_allowed_ones(
    client, small_map
):
    response = client.delete("/api/v1/areas/provinces")
    assert response.status_code == 405
    assert response.json()["code"] == "method-not-allowed"
    assert "GET" in response["Allow"]


def test_each_request_is_logged_as_one_json_line_with_its_request_id(client):
    import io
    import json
    import logging

    from pythonjsonlogger.json import JsonFormatter

    from saduak.core.logging import RequestIdFilter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter("%(levelname)s %(name)s %(message)s %(request_id)s")
    )
    logger = logging.getLogger("saduak.request")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        client.get("/en/", HTTP_X_REQUEST_ID="trace-0001abcd")
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["request_id"] == "trace-0001abcd"
    assert (line["path"], line["status"], line["method"]) == ("/en/", 200, "GET")


def test_the_api_answers_in_the_language_the_caller_asks_for(client):
    english = client.get("/api/v1/areas/provinces/99", HTTP_ACCEPT_LANGUAGE="en")
    thai = client.get("/api/v1/areas/provinces/99")
    assert english.json()["title"] == "There is no province with code 99."
    assert english["Content-Language"] == "en"
    assert thai.json()["title"] != english.json()["title"]
    assert thai["Content-Language"] == "th"


@pytest.mark.parametrize(
    "method,path,data",
    [
        ("get", "/api/v1/areas/provinces?search=%00", None),
        ("get", "/api/v1/offices/%00", None),
        ("get", "/staff/audit/?action=%00", None),
        ("post", "/api/v1/happiness/votes", '{"office": "a\\u0000", "score": 5}'),
        ("post", "/api/v1/happiness/votes", '{"office": "a\\ud800", "score": 5}'),
        ("post", "/staff/audit/", {"action": "a\x00"}),
    ],
)
def test_a_nul_character_is_a_400_never_a_server_error(
    client, small_map, method, path, data
):
    if isinstance(data, str):
        kwargs = {"content_type": "application/json", "data": data}
    else:
        kwargs = {"data": data} if data else {}
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 400


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_form_field_with_a_nul_character_is_refused_with_a_page_naming_it(
    client, encoding
):
    if encoding == "urlencoded":
        response = client.post(
            "/en/eservices/",
            "full_name=a%00b",
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = client.post("/en/eservices/", {"full_name": "a\x00b"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "(full_name)" in page
    assert "U+0000" in page


def test_a_request_for_an_unknown_host_is_refused_cleanly(client):
    response = client.get("/healthz/ping", HTTP_HOST="evil.example")
    assert response.status_code == 400


def test_health_does_not_reveal_the_error_detail(client):
    with mock.patch(
        "saduak.core.health._database",
        side_effect=OperationalError(
            'password authentication failed for user "saduak"'
        ),
    ):
        body = client.get("/healthz").json()
    assert "saduak" not in str(body["checks"]["database"])
