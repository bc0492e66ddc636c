"""LINE push messages through line-bot-sdk's Messaging API client, and a console
adapter that logs. A push LINE accepts is in the person's chat, so it counts as
delivered; LINE sends no later delivery report for pushes."""

import logging
import uuid
from typing import TYPE_CHECKING

import urllib3
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    PushMessageRequest,
    TextMessage,
)

from saduak.notifications.channels.base import (
    PermanentChannelError,
    SendResult,
    TransientChannelError,
    summarise,
)

if TYPE_CHECKING:
    from saduak.notifications.models import Notification

logger = logging.getLogger(__name__)

# LINE answers 409 when a push with the same X-Line-Retry-Key was already accepted.
ALREADY_ACCEPTED = 409
RETRYABLE_STATUSES = frozenset({0, 408, 429})
# LINE refuses text messages longer than this.
MAX_TEXT_LENGTH = 5000


class ConsoleLineChannel:
    """Writes each LINE message to the log; for development and the embedded demo."""

    def send(self, notification: "Notification") -> SendResult:
        message_id = f"console-{uuid.uuid4().hex}"
        logger.info(
            "LINE to %s (%s): %s", notification.address, message_id, notification.body
        )
        return SendResult(
            provider_message_id=message_id, delivered=True, response_summary="logged"
        )


class LineMessagingChannel:
    def __init__(self, *, host: str, access_token: str, timeout: float = 10.0) -> None:
        self.host = host.rstrip("/")
        self.access_token = access_token
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> "LineMessagingChannel":
        access_token = getattr(settings, "LINE_CHANNEL_ACCESS_TOKEN", "")
        if not access_token:
            raise ImproperlyConfigured(
                "LINE_BACKEND is 'line' but LINE_CHANNEL_ACCESS_TOKEN is empty."
            )
        return cls(
            host=getattr(settings, "LINE_API_HOST", "https://api.line.me"),
            access_token=access_token,
        )

    def send(self, notification: "Notification") -> SendResult:
        if len(notification.body) > MAX_TEXT_LENGTH:
            raise PermanentChannelError(
                f"LINE text messages hold at most {MAX_TEXT_LENGTH} characters."
            )
        configuration = Configuration(host=self.host, access_token=self.access_token)
        # Retrying is the task's job, with backoff; urllib3 should not retry inside.
        configuration.retries = 0
        request = PushMessageRequest(
            to=notification.address, messages=[TextMessage(text=notification.body)]
        )
        try:
            with ApiClient(configuration) as api_client:
                response = MessagingApi(api_client).push_message_with_http_info(
                    request,
                    x_line_retry_key=str(notification.idempotency_key),
                    _request_timeout=self.timeout,
                )
        except ApiException as error:
            return _accepted_earlier(error)
        except urllib3.exceptions.HTTPError as error:
            raise TransientChannelError(
                f"LINE unreachable: {type(error).__name__}: {error}"
            ) from error
        sent = response.data.sent_messages if response.data else []
        request_id = (response.headers or {}).get("x-line-request-id", "")
        return SendResult(
            provider_message_id=sent[0].id if sent else request_id,
            delivered=True,
            response_summary=summarise(
                f"HTTP {response.status_code} request {request_id}"
            ),
        )


def _accepted_earlier(error: ApiException) -> SendResult:
    """A retried push that LINE had already accepted is a success; any other error
    is raised as transient or permanent."""
    status = error.status or 0
    summary = summarise(f"HTTP {status} {error.body or error.reason or ''}")
    if status == ALREADY_ACCEPTED:
        headers = error.headers or {}
        return SendResult(
            provider_message_id=headers.get("x-line-accepted-request-id", ""),
            delivered=True,
            response_summary=summary,
        )
    if status >= 500 or status in RETRYABLE_STATUSES:
        raise TransientChannelError(
            f"LINE answered HTTP {status}", response_summary=summary
        ) from error
    raise PermanentChannelError(
        f"LINE refused the message: HTTP {status}", response_summary=summary
    ) from error
