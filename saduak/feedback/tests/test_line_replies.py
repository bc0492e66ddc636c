"""The reply adapters. MessagingApiReplier against a local server standing in
for LINE's documented reply endpoint: POST /v2/bot/message/reply, bearer channel
token, JSON {"replyToken", "messages": [{"type": "text", "text", "quickReply":
{"items": [{"type": "action", "action": {"type": "postback", ...}}]}}]}."""

import logging
import socket

import pytest
from django.core.exceptions import ImproperlyConfigured

from saduak.feedback.line.replies import (
    CONSOLE_REPLIES,
    ConsoleLineReplier,
    LineReplyError,
    MessagingApiReplier,
    QuickReplyButton,
    ReplyText,
    line_replier,
)
from saduak.feedback.tests.line_fakes import RecordingReplier, fake_line_server

FACES = ReplyText(
    "วันนี้บริการเป็นอย่างไรบ้าง?\nHow was the service?",
    quick_replies=(
        QuickReplyButton(
            label="😞 ไม่พอใจมาก",
            data="action=vote&office=do-1001&score=1",
            display_text="😞 ไม่พอใจมาก (1/5) · Very unhappy",
        ),
        QuickReplyButton(
            label="😄 พอใจมาก",
            data="action=vote&office=do-1001&score=5",
            display_text="😄 พอใจมาก (5/5) · Very happy",
        ),
    ),
)


@pytest.fixture
def line_api():
    with fake_line_server() as line:
        line.default = (200, {"sentMessages": [{"id": "1", "quoteToken": "q"}]}, {})
        yield line


def test_a_reply_is_the_json_line_documents(line_api):
    replier = MessagingApiReplier(host=line_api.url, access_token="channel-token")

    replier.reply("reply-token-1", [FACES, ReplyText("ขอบคุณ\nThank you")])

    [request] = line_api.requests
    assert request.method == "POST"
    assert request.path == "/v2/bot/message/reply"
    assert request.headers["authorization"] == "Bearer channel-token"
    assert request.headers["content-type"] == "application/json"
    body = request.json()
    assert body["replyToken"] == "reply-token-1"
    first, second = body["messages"]
    assert first["type"] == "text"
    assert first["text"] == FACES.text
    assert first["quickReply"]["items"] == [
        {
            "type": "action",
            "action": {
                "type": "postback",
                "label": "😞 ไม่พอใจมาก",
                "data": "action=vote&office=do-1001&score=1",
                "displayText": "😞 ไม่พอใจมาก (1/5) · Very unhappy",
            },
        },
        {
            "type": "action",
            "action": {
                "type": "postback",
                "label": "😄 พอใจมาก",
                "data": "action=vote&office=do-1001&score=5",
                "displayText": "😄 พอใจมาก (5/5) · Very happy",
            },
        },
    ]
    assert second == {"type": "text", "text": "ขอบคุณ\nThank you"}


def test_lines_limits_are_kept(line_api):
    replier = MessagingApiReplier(host=line_api.url, access_token="channel-token")
    button = QuickReplyButton(label="x" * 30, data="d", display_text="x")

    replier.reply(
        "reply-token-2",
        [ReplyText("y" * 6000, quick_replies=(button,) * 15)] * 7,
    )

    messages = line_api.requests[0].json()["messages"]
    assert len(messages) == 5
    assert len(messages[0]["text"]) == 5000
    assert len(messages[0]["quickReply"]["items"]) == 13
    assert messages[0]["quickReply"]["items"][0]["action"]["label"] == "x" * 20


def test_a_reply_line_refuses_is_a_reply_error(line_api):
    line_api.respond(400, {"message": "Invalid reply token"})
    replier = MessagingApiReplier(host=line_api.url, access_token="channel-token")

    with pytest.raises(LineReplyError, match="HTTP 400"):
        replier.reply("expired-token", [ReplyText("hi")])

    assert len(line_api.requests) == 1  # no retry: a reply token is single-use


def test_line_unreachable_is_a_reply_error():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    replier = MessagingApiReplier(
        host=f"http://127.0.0.1:{port}", access_token="channel-token", timeout=2
    )

    with pytest.raises(LineReplyError, match="unreachable"):
        replier.reply("reply-token", [ReplyText("hi")])


def test_the_console_replier_logs_and_keeps_the_reply(caplog):
    CONSOLE_REPLIES.clear()

    with caplog.at_level(logging.INFO, logger="saduak.feedback.line.replies"):
        ConsoleLineReplier().reply("reply-token", [FACES])

    assert list(CONSOLE_REPLIES) == [("reply-token", (FACES,))]
    assert "How was the service?" in caplog.text
    assert "😄 พอใจมาก" in caplog.text


def test_the_backend_setting_chooses_the_replier(settings):
    settings.LINE_REPLIER = ""
    settings.LINE_BACKEND = "console"
    assert isinstance(line_replier(), ConsoleLineReplier)

    settings.LINE_BACKEND = "line"
    settings.LINE_CHANNEL_ACCESS_TOKEN = "channel-token"
    settings.LINE_API_HOST = "http://127.0.0.1:8765"
    replier = line_replier()
    assert isinstance(replier, MessagingApiReplier)
    assert replier.host == "http://127.0.0.1:8765"


def test_line_without_an_access_token_is_a_configuration_error(settings):
    settings.LINE_REPLIER = ""
    settings.LINE_BACKEND = "line"
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""

    with pytest.raises(ImproperlyConfigured):
        line_replier()


def test_an_unknown_backend_is_a_configuration_error(settings):
    settings.LINE_REPLIER = ""
    settings.LINE_BACKEND = "carrier-pigeon"

    with pytest.raises(ImproperlyConfigured):
        line_replier()


def test_line_replier_setting_overrides_the_backend(settings):
    settings.LINE_BACKEND = "line"
    settings.LINE_REPLIER = "saduak.feedback.tests.line_fakes.RecordingReplier"

    assert isinstance(line_replier(), RecordingReplier)
