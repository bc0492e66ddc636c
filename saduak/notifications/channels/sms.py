"""SMS adapters: a console one that logs, and one for an HTTP gateway that takes
POST {"to", "message", "sender"} with a bearer token and answers {"id"} or
{"message_id"}. Delivery reports come back through `views.sms_delivery_report`."""

import logging
import uuid
from typing import TYPE_CHECKING

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from saduak.core.http_headers import bearer_authorization
from saduak.notifications.channels.base import (
    PermanentChannelError,
    SendResult,
    TransientChannelError,
    summarise,
)

if TYPE_CHECKING:
    from saduak.notifications.models import Notification

logger = logging.getLogger(__name__)

# 408 and 429 are the gateway asking us to come back later, not a refusal.
RETRYABLE_CLIENT_STATUSES = frozenset({408, 425, 429})


class ConsoleSmsChannel:
    """Writes each SMS to the log; for development and the embedded demo."""

    def send(self, notification: "Notification") -> SendResult:
        message_id = f"console-{uuid.uuid4().hex}"
        logger.info(
            "SMS to %s (%s): %s", notification.address, message_id, notification.body
        )
        return SendResult(provider_message_id=message_id, response_summary="logged")


class HttpSmsGatewayChannel:
    def __init__(
        self,
        *,
        url: str,
        token: str,
        sender: str,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url
        self.token = token
        self.sender = sender
        self.timeout = timeout
        self.transport = transport

    @classmethod
    def from_settings(cls) -> "HttpSmsGatewayChannel":
        url = getattr(settings, "SMS_GATEWAY_URL", "")
        if not url:
            raise ImproperlyConfigured(
                "SMS_BACKEND is 'http' but SMS_GATEWAY_URL is empty."
            )
        return cls(
            url=url,
            token=getattr(settings, "SMS_GATEWAY_TOKEN", ""),
            sender=getattr(settings, "SMS_SENDER_NAME", "SADUAK"),
        )

    def send(self, notification: "Notification") -> SendResult:
        payload = {
            "to": notification.address,
            "message": notification.body,
            "sender": self.sender,
        }
        headers = {
            **bearer_authorization(self.token),
            # Gateways that support it drop a retried duplicate.
            "Idempotency-Key": str(notification.idempotency_key),
        }
        try:
            with httpx.Client(transport=self.transport, timeout=self.timeout) as client:
                response = client.post(self.url, json=payload, headers=headers)
        except httpx.TransportError as error:
            raise TransientChannelError(
                f"SMS gateway unreachable: {type(error).__name__}: {error}"
            ) from error
        summary = summarise(f"HTTP {response.status_code} {response.text}")
        if response.is_success:
            return SendResult(
                provider_message_id=_message_id(response),
                response_summary=summary,
            )
        if (
            response.is_server_error
            or response.status_code in RETRYABLE_CLIENT_STATUSES
        ):
            raise TransientChannelError(
                f"SMS gateway answered HTTP {response.status_code}",
                response_summary=summary,
            )
        raise PermanentChannelError(
            f"SMS gateway refused the message: HTTP {response.status_code}",
            response_summary=summary,
        )


def _message_id(response: httpx.Response) -> str:
    """The gateway's id for the message. A 2xx without one is still a message the
    gateway took, so it is not sent again; its delivery report cannot be matched."""
    try:
        data = response.json()
    except ValueError:
        data = None
    message_id = ""
    if isinstance(data, dict):
        message_id = str(data.get("id") or data.get("message_id") or "")
    if not message_id:
        logger.warning("SMS gateway accepted a message without giving its id.")
    return message_id
