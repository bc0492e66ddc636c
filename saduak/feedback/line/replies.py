"""Replies to the people who write to the official account, through
line-bot-sdk's Messaging API client (LINE_BACKEND "line") or a console adapter
that logs them (LINE_BACKEND "console": development, the demo and tests).
LINE_REPLIER, a dotted path to a class, overrides both (tests inject a fake)."""

import collections
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import urllib3
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    TextMessage,
)

logger = logging.getLogger(__name__)

# LINE's limits: five messages a reply, 13 quick-reply buttons, 5,000 characters
# a text, 20 a button label.
MAX_MESSAGES = 5
MAX_QUICK_REPLIES = 13
MAX_TEXT_LENGTH = 5000
MAX_LABEL_LENGTH = 20


@dataclass(frozen=True)
class QuickReplyButton:
    """A button under the reply; tapping it writes `display_text` into the chat
    and sends `data` back to the webhook as a postback."""

    label: str
    data: str
    display_text: str


@dataclass(frozen=True)
class ReplyText:
    text: str
    quick_replies: tuple[QuickReplyButton, ...] = field(default=())


class LineReplyError(Exception):
    """LINE did not take the reply (refused, unreachable, token expired)."""


class LineReplier(Protocol):
    def reply(self, reply_token: str, messages: Sequence[ReplyText]) -> None: ...


# The console adapter's last replies, newest last, for the demo and for tests.
CONSOLE_REPLIES: collections.deque[tuple[str, tuple[ReplyText, ...]]] = (
    collections.deque(maxlen=50)
)


class ConsoleLineReplier:
    """Logs each reply and keeps it in CONSOLE_REPLIES."""

    def reply(self, reply_token: str, messages: Sequence[ReplyText]) -> None:
        CONSOLE_REPLIES.append((reply_token, tuple(messages)))
        for message in messages:
            buttons = " | ".join(button.label for button in message.quick_replies)
            logger.info(
                "LINE reply %s: %s%s",
                reply_token,
                message.text,
                f" [{buttons}]" if buttons else "",
            )


class MessagingApiReplier:
    def __init__(self, *, host: str, access_token: str, timeout: float = 5.0) -> None:
        self.host = host.rstrip("/")
        self.access_token = access_token
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> "MessagingApiReplier":
        access_token = getattr(settings, "LINE_CHANNEL_ACCESS_TOKEN", "")
        if not access_token:
            raise ImproperlyConfigured(
                "LINE_BACKEND is 'line' but LINE_CHANNEL_ACCESS_TOKEN is empty."
            )
        return cls(
            host=getattr(settings, "LINE_API_HOST", "https://api.line.me"),
            access_token=access_token,
        )

    def reply(self, reply_token: str, messages: Sequence[ReplyText]) -> None:
        configuration = Configuration(host=self.host, access_token=self.access_token)
        # A reply token is good for one reply within about a minute: a retry
        # after a lost answer would be refused, so none is tried.
        configuration.retries = 0
        request = ReplyMessageRequest(
            reply_token=reply_token,
            messages=[_text_message(message) for message in messages[:MAX_MESSAGES]],
            notification_disabled=False,
        )
        try:
            with ApiClient(configuration) as api_client:
                MessagingApi(api_client).reply_message_with_http_info(
                    request, _request_timeout=self.timeout
                )
        except ApiException as error:
            raise LineReplyError(
                f"LINE refused the reply: HTTP {error.status} {error.body or ''}"[:500]
            ) from error
        except urllib3.exceptions.HTTPError as error:
            raise LineReplyError(
                f"LINE unreachable: {type(error).__name__}: {error}"[:500]
            ) from error


def _text_message(message: ReplyText) -> TextMessage:
    quick_reply = None
    if message.quick_replies:
        quick_reply = QuickReply(
            items=[
                QuickReplyItem(
                    type="action",
                    action=PostbackAction(
                        type="postback",
                        label=button.label[:MAX_LABEL_LENGTH],
                        data=button.data,
                        display_text=button.display_text,
                    ),
                )
                for button in message.quick_replies[:MAX_QUICK_REPLIES]
            ]
        )
    return TextMessage(
        type="text", text=message.text[:MAX_TEXT_LENGTH], quick_reply=quick_reply
    )


def line_replier() -> LineReplier:
    """The adapter the settings choose."""
    override = getattr(settings, "LINE_REPLIER", "")
    if override:
        replier: LineReplier = import_string(override)()
        return replier
    backend = getattr(settings, "LINE_BACKEND", "console")
    if backend == "console":
        return ConsoleLineReplier()
    if backend == "line":
        return MessagingApiReplier.from_settings()
    raise ImproperlyConfigured(
        f"LINE_BACKEND must be 'console' or 'line', not {backend!r}."
    )


def replies_to_json(messages: Sequence[ReplyText]) -> list[dict[str, Any]]:
    """Replies as a task's JSON argument."""
    return [asdict(message) for message in messages]


def replies_from_json(data: Sequence[dict[str, Any]]) -> list[ReplyText]:
    return [
        ReplyText(
            text=str(item["text"]),
            quick_replies=tuple(
                QuickReplyButton(**button) for button in item.get("quick_replies", ())
            ),
        )
        for item in data
    ]
