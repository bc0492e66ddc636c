"""The LINE adapter against a local server standing in for LINE's documented push
endpoint: POST /v2/bot/message/push, bearer channel token, JSON
{"to", "messages": [{"type": "text", "text"}]}, answer {"sentMessages": [...]}."""

import socket
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from saduak.notifications.channels import TransientChannelError, channel_for
from saduak.notifications.channels.line import (
    ConsoleLineChannel,
    LineMessagingChannel,
)
from saduak.notifications.choices import NotificationChannel, NotificationStatus
from saduak.notifications.models import DeliveryAttempt, Notification
from saduak.notifications.services import notification_send, notifications_requeue_stale
from saduak.notifications.tests.conftest import LINE_ID

pytestmark = pytest.mark.django_db


def push(django_capture_on_commit_callbacks, body="คิวของคุณคือ A012"):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(
            address=LINE_ID,
            channel=NotificationChannel.LINE,
            template_key="generic.message",
            context={"subject": "คิว", "body": body},
        )
    notification.refresh_from_db()
    return notification


def test_a_push_follows_lines_documented_request_and_counts_as_delivered(
    line_api, django_capture_on_commit_callbacks
):
    notification = push(django_capture_on_commit_callbacks)

    [request] = line_api.requests
    assert request.method == "POST"
    assert request.path == "/v2/bot/message/push"
    assert request.headers["authorization"] == "Bearer line-channel-token"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-line-retry-key"] == str(notification.idempotency_key)
    body = request.json()
    assert body["to"] == LINE_ID
    assert body["messages"] == [{"type": "text", "text": "คิวของคุณคือ A012"}]
    assert body.get("notificationDisabled", False) is False
    assert notification.status == NotificationStatus.DELIVERED
    assert notification.provider_message_id == "461230966842064897"
    assert notification.delivered_at is not None


def test_a_push_line_refuses_fails_without_a_retry(
    line_api, django_capture_on_commit_callbacks
):
    line_api.respond(
        400, {"message": "The property, 'to', in the request body is invalid"}
    )

    notification = push(django_capture_on_commit_callbacks)

    assert notification.status == NotificationStatus.FAILED
    assert notification.last_error == "LINE refused the message: HTTP 400"
    [attempt] = DeliveryAttempt.objects.filter(notification=notification)
    assert "'to', in the request body is invalid" in attempt.provider_response
    assert len(line_api.requests) == 1


def test_a_bad_channel_token_fails_without_a_retry(
    line_api, django_capture_on_commit_callbacks
):
    line_api.respond(401, {"message": "Authentication failed."})

    notification = push(django_capture_on_commit_callbacks)

    assert notification.status == NotificationStatus.FAILED
    assert len(line_api.requests) == 1


@pytest.mark.parametrize("status", [500, 429])
def test_a_server_error_or_rate_limit_is_retried_with_the_same_retry_key(
    line_api, django_capture_on_commit_callbacks, status
):
    line_api.respond(status, {"message": "later"})

    notification = push(django_capture_on_commit_callbacks)
    assert notification.status == NotificationStatus.QUEUED
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        notifications_requeue_stale()
    notification.refresh_from_db()

    assert notification.status == NotificationStatus.DELIVERED
    assert notification.attempts == 2
    first, second = line_api.requests
    assert first.headers["x-line-retry-key"] == second.headers["x-line-retry-key"]


def test_a_retry_line_had_already_accepted_counts_as_delivered(
    line_api, django_capture_on_commit_callbacks
):
    line_api.respond(
        409,
        {"message": "The retry key is already accepted"},
        {"X-Line-Accepted-Request-Id": "accepted-123"},
    )

    notification = push(django_capture_on_commit_callbacks)

    assert notification.status == NotificationStatus.DELIVERED
    assert notification.provider_message_id == "accepted-123"
    assert len(line_api.requests) == 1


def test_a_text_longer_than_line_allows_is_failed_without_calling_line(
    line_api, django_capture_on_commit_callbacks
):
    notification = push(django_capture_on_commit_callbacks, body="ก" * 5001)

    assert notification.status == NotificationStatus.FAILED
    assert line_api.requests == []


def test_an_unreachable_line_api_is_a_transient_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    adapter = LineMessagingChannel(
        host=f"http://127.0.0.1:{closed_port}", access_token="token", timeout=2
    )

    with pytest.raises(TransientChannelError, match="LINE unreachable"):
        adapter.send(Notification(address=LINE_ID, body="hello"))


def test_the_line_adapter_follows_line_backend(settings):
    settings.LINE_BACKEND = "console"
    assert isinstance(channel_for(NotificationChannel.LINE), ConsoleLineChannel)

    settings.LINE_BACKEND = "line"
    settings.LINE_CHANNEL_ACCESS_TOKEN = "token"
    settings.LINE_API_HOST = "https://api.line.me/"
    adapter = channel_for(NotificationChannel.LINE)
    assert isinstance(adapter, LineMessagingChannel)
    assert adapter.host == "https://api.line.me"


def test_the_line_backend_without_a_token_is_reported(settings):
    settings.LINE_BACKEND = "line"
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""

    with pytest.raises(ImproperlyConfigured):
        channel_for(NotificationChannel.LINE)


def test_the_console_line_adapter_logs_and_counts_as_delivered(caplog):
    caplog.set_level("INFO", logger="saduak.notifications")

    result = ConsoleLineChannel().send(Notification(address=LINE_ID, body="hello"))

    assert result.delivered
    assert f"LINE to {LINE_ID}" in caplog.text
