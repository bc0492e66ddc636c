import json

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured

from saduak.notifications.channels import (
    PermanentChannelError,
    TransientChannelError,
    channel_for,
)
from saduak.notifications.channels.sms import ConsoleSmsChannel, HttpSmsGatewayChannel
from saduak.notifications.choices import NotificationChannel, NotificationStatus
from saduak.notifications.models import Notification
from saduak.notifications.services import notification_send

URL = "https://sms.example.test/v1/messages"


def unsaved_sms():
    return Notification(
        channel=NotificationChannel.SMS, address="0812345678", body="รหัส 123456"
    )


def gateway(handler):
    return HttpSmsGatewayChannel(
        url=URL,
        token="secret-token",
        sender="SADUAK",
        transport=httpx.MockTransport(handler),
    )


def test_the_gateway_gets_a_json_post_with_the_bearer_token():
    seen = []

    def handler(request):
        seen.append(request)
        return httpx.Response(201, json={"id": "gw-1"})

    notification = unsaved_sms()
    result = gateway(handler).send(notification)

    [request] = seen
    assert request.method == "POST"
    assert str(request.url) == URL
    assert request.headers["Authorization"] == "Bearer secret-token"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Idempotency-Key"] == str(notification.idempotency_key)
    assert json.loads(request.content) == {
        "to": "0812345678",
        "message": "รหัส 123456",
        "sender": "SADUAK",
    }
    assert result.provider_message_id == "gw-1"
    assert not result.delivered


def test_a_message_id_field_is_accepted_as_well_as_id():
    result = gateway(lambda request: httpx.Response(200, json={"message_id": 77})).send(
        unsaved_sms()
    )

    assert result.provider_message_id == "77"


def test_a_2xx_without_an_id_is_still_sent_and_not_retried(caplog):
    result = gateway(lambda request: httpx.Response(202, text="OK")).send(unsaved_sms())

    assert result.provider_message_id == ""
    assert "without giving its id" in caplog.text


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_a_4xx_answer_is_a_permanent_failure(status):
    with pytest.raises(PermanentChannelError) as error:
        gateway(lambda request: httpx.Response(status, json={"error": "no"})).send(
            unsaved_sms()
        )

    assert error.value.response_summary == f'HTTP {status} {{"error":"no"}}'


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408, 429])
def test_a_5xx_or_a_please_wait_answer_is_retryable(status):
    with pytest.raises(TransientChannelError):
        gateway(lambda request: httpx.Response(status)).send(unsaved_sms())


@pytest.mark.parametrize(
    "exception", [httpx.ReadTimeout, httpx.ConnectTimeout, httpx.ConnectError]
)
def test_a_timeout_or_a_refused_connection_is_retryable(exception):
    def handler(request):
        raise exception("boom", request=request)

    with pytest.raises(TransientChannelError, match="SMS gateway unreachable"):
        gateway(handler).send(unsaved_sms())


def test_the_console_adapter_logs_the_message(caplog):
    caplog.set_level("INFO", logger="saduak.notifications")

    result = ConsoleSmsChannel().send(unsaved_sms())

    assert result.provider_message_id.startswith("console-")
    assert "SMS to 0812345678" in caplog.text


def test_the_sms_adapter_follows_sms_backend(settings):
    settings.SMS_BACKEND = "console"
    assert isinstance(channel_for(NotificationChannel.SMS), ConsoleSmsChannel)

    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = URL
    adapter = channel_for(NotificationChannel.SMS)
    assert isinstance(adapter, HttpSmsGatewayChannel)
    assert adapter.url == URL


@pytest.mark.parametrize("backend,url", [("http", ""), ("carrier-pigeon", URL)])
def test_a_misconfigured_sms_backend_is_reported(settings, backend, url):
    settings.SMS_BACKEND = backend
    settings.SMS_GATEWAY_URL = url

    with pytest.raises(ImproperlyConfigured):
        channel_for(NotificationChannel.SMS)


@pytest.mark.django_db
def test_a_notification_goes_through_a_real_http_round_trip_to_the_gateway(
    sms_gateway, django_capture_on_commit_callbacks
):
    sms_gateway.respond(200, {"id": "gw-99"})

    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(
            address="0912345678",
            channel=NotificationChannel.SMS,
            template_key="account.welcome",
            context={"first_name": "มาลี"},
        )

    [request] = sms_gateway.requests
    assert request.path == "/v1/messages"
    assert request.headers["authorization"] == "Bearer gateway-token"
    assert request.json() == {
        "to": "0912345678",
        "message": "ระบบสะดวก: สวัสดีคุณมาลี บัญชีของคุณพร้อมใช้งานแล้ว",
        "sender": "SADUAK",
    }
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.provider_message_id == "gw-99"


def test_a_gateway_without_a_token_gets_no_authorization_header():
    seen = []

    def handler(request):
        seen.append(request)
        return httpx.Response(201, json={"id": "gw-2"})

    channel = HttpSmsGatewayChannel(
        url=URL, token="", sender="SADUAK", transport=httpx.MockTransport(handler)
    )
    result = channel.send(unsaved_sms())

    [request] = seen
    assert "Authorization" not in request.headers
    assert result.provider_message_id == "gw-2"
