"""Fixtures for the notifications tests: people with addresses, and a local HTTP
server standing in for the SMS gateway and for LINE's Messaging API."""

import itertools
import json
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from saduak.accounts.models import User
from saduak.core.personal_id import with_check_digit

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


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class StubServer:
    """Answers each request with the next queued (status, JSON, headers), or with
    `default` once the queue is empty, and records what it was sent."""

    url: str = ""
    requests: list[RecordedRequest] = field(default_factory=list)
    responses: deque[tuple[int, Any, dict[str, str]]] = field(default_factory=deque)
    default: tuple[int, Any, dict[str, str]] = (200, {"id": "default"}, {})

    def respond(self, status: int, body: Any, headers: dict[str, str] | None = None):
        self.responses.append((status, body, headers or {}))


@pytest.fixture
def stub_server() -> Iterator[StubServer]:
    stub = StubServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            stub.requests.append(
                RecordedRequest(
                    method="POST",
                    path=self.path,
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=self.rfile.read(length),
                )
            )
            status, body, headers = (
                stub.responses.popleft() if stub.responses else stub.default
            )
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield stub
    server.shutdown()
    server.server_close()
    thread.join()


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
