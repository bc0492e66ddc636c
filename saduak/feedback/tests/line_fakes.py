"""Stand-ins for LINE in the LINE vote tests: a local HTTP server in place of
api.line.me (reply endpoint, LINE Login's verify endpoint), a replier that
records what the webhook answers, and signed webhook deliveries."""

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any, ClassVar

from django.test import Client

from saduak.core.tests.stub_http import stub_server_running
from saduak.feedback.line.replies import ReplyText

CHANNEL_SECRET = "test-channel-secret"
LINE_USER = "U" + "1a2b3c4d5e6f7a8b" * 2


# The local server that stands in for api.line.me (the reply and verify
# endpoints); `line.respond(status, body)` queues LINE's answers.
fake_line_server = stub_server_running


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
