"""Fixtures for the notifications tests: people with addresses, and a local HTTP
server standing in for the SMS gateway and for LINE's Messaging API."""

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from saduak.accounts.models import User
from saduak.core.personal_id import with_check_digit
from saduak.core.tests.stub_http import StubServer, stub_server_running

LINE_ID = "U" + "0123456789abcdef" * 2
_serial = itertools.count(1)


@pytest.fixture
def make_person(db: None) -> Callable[..., User]:
    def make(**fields: Any) -> User:
        fields.setdefault("first_name", "สมชาย")
        fields.setdefault("last_name", "ใจดี")
        personal_id = with_check_digit(f"1{next(_serial):011d}")
        return User.objects.create_user(personal_id, "correct horse battery", **fields)

    return make


@pytest.fixture
def person(make_person: Callable[..., User]) -> User:
    return make_person(
        phone="0812345678",
        email="somchai@example.org",
        line_user_id=LINE_ID,
        preferred_language="th",
    )


@pytest.fixture
def stub_server() -> Iterator[StubServer]:
    with stub_server_running(default=(200, {"id": "default"}, {})) as stub:
        yield stub


@pytest.fixture
def sms_gateway(settings: Any, stub_server: StubServer) -> StubServer:
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = f"{stub_server.url}/v1/messages"
    settings.SMS_GATEWAY_TOKEN = "gateway-token"
    settings.SMS_SENDER_NAME = "SADUAK"
    return stub_server


@pytest.fixture
def line_api(settings: Any, stub_server: StubServer) -> StubServer:
    settings.LINE_BACKEND = "line"
    settings.LINE_API_HOST = stub_server.url
    settings.LINE_CHANNEL_ACCESS_TOKEN = "line-channel-token"
    stub_server.default = (
        200,
        {"sentMessages": [{"id": "461230966842064897", "quoteToken": "IStG5h1Tz7b"}]},
        {"X-Line-Request-Id": "req-1"},
    )
    return stub_server


@pytest.fixture
def console_channels(settings: Any) -> None:
    settings.SMS_BACKEND = "console"
    settings.LINE_BACKEND = "console"
