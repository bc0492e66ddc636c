"""Stand-ins for LINE in the LINE vote tests: a local HTTP server in place of
api.line.me (reply endpoint, LINE Login's verify endpoint), a replier that
records what the webhook answers, and signed webhook deliveries."""

import base64
import hashlib
import hmac
import json
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs

from django.test import Client

from saduak.feedback.line.replies import ReplyText

CHANNEL_SECRET = "test-channel-secret"
LINE_USER = "U" + "1a2b3c4d5e6f7a8b" * 2


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode())


@dataclass
class FakeLine:
    """Answers each request with the next queued (status, body) or `default`,
    and records what it was sent."""

    url: str = ""
    requests: list[RecordedRequest] = field(default_factory=list)
    responses: deque[tuple[int, Any]] = field(default_factory=deque)
    default: tuple[int, Any] = (200, {})

    def respond(self, status: int, body: Any) -> None:
        self.responses.append((status, body))


@contextmanager
def fake_line_server() -> Iterator[FakeLine]:
    fake = FakeLine()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            fake.requests.append(
                RecordedRequest(
                    method="POST",
                    path=self.path,
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=self.rfile.read(length),
                )
            )
            status, body = fake.responses.popleft() if fake.responses else fake.default
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class RecordingReplier:
    """Set as LINE_REPLIER: keeps every reply the webhook makes."""

    sent: ClassVar[list[tuple[str, tuple[ReplyText, ...]]]] = []

    def reply(self, reply_token: str, messages: Sequence[ReplyText]) -> None:
        self.sent.append((reply_token, tuple(messages)))


def sign(body: str, secret: str = CHANNEL_SECRET) -> str:
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


_event_serial = iter(range(1, 10**6))


def event(kind: str, *, source: dict[str, str] | None = None, **fields: Any) -> dict:
    """A webhook event as LINE sends it, from a one-to-one chat by default."""
    serial = next(_event_serial)
    return {
        "type": kind,
        "mode": "active",
        "timestamp": 1735689600000 + serial,
        "source": source or {"type": "user", "userId": LINE_USER},
        "webhookEventId": f"01JTEST{serial:019d}",
        "deliveryContext": {"isRedelivery": False},
        "replyToken": f"reply-token-{serial}",
        **fields,
    }


def text_event(text: str, **options: Any) -> dict:
    serial = next(_event_serial)
    message = {"type": "text", "id": str(serial), "text": text, "quoteToken": "q"}
    return event("message", message=message, **options)


def postback_event(data: str, **options: Any) -> dict:
    return event("postback", postback={"data": data}, **options)


def follow_event(**options: Any) -> dict:
    return event("follow", follow={"isUnblocked": False}, **options)


def deliver(
    client: Client,
    *events: dict,
    secret: str = CHANNEL_SECRET,
    signature: str | None = None,
) -> Any:
    """POSTs the events to the webhook as LINE does, signed with `secret` (or
    with `signature`; "" sends no X-Line-Signature at all)."""
    body = json.dumps({"destination": "Ubot", "events": list(events)})
    signature = sign(body, secret) if signature is None else signature
    headers = {"X-Line-Signature": signature} if signature else {}
    return client.post(
        "/line/webhook", data=body, content_type="application/json", headers=headers
    )
