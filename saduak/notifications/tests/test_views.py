import datetime
import hashlib
import hmac
import json

import pytest
from django.test import Client
from django.urls import reverse

from saduak.notifications.choices import NotificationChannel, NotificationStatus
from saduak.notifications.models import Notification
from saduak.notifications.services import notification_send

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("saduak.notifications.tests.urls"),
]

SECRET = "report-secret"


@pytest.fixture(autouse=True)
def report_secret(settings):
    settings.SMS_DELIVERY_REPORT_SECRET = SECRET


@pytest.fixture
def sent_sms():
    notification = notification_send(
        address="0812345678",
        channel=NotificationChannel.SMS,
        template_key="generic.message",
        context={"subject": "s", "body": "b"},
    )
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENT, provider_message_id="gw-7"
    )
    return notification


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(body, *, signature=None, client=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {} if signature == "" else {"X-Signature": signature or sign(raw)}
    # The gateway sends no CSRF token: the view must not need one.
    client = client or Client(enforce_csrf_checks=True)
    return client.post(
        reverse("notifications:sms-delivery-report"),
        data=raw,
        content_type="application/json",
        headers=headers,
    )


def test_a_signed_delivered_report_marks_the_sms_delivered(sent_sms):
    response = post(
        {
            "message_id": "gw-7",
            "status": "delivered",
            "timestamp": "2026-01-02T09:30:00+07:00",
        }
    )

    assert response.status_code == 200
    assert response.json() == {"status": "delivered"}
    sent_sms.refresh_from_db()
    assert sent_sms.status == NotificationStatus.DELIVERED
    assert sent_sms.delivered_at == datetime.datetime(
        2026, 1, 2, 2, 30, tzinfo=datetime.UTC
    )


def test_a_signed_failed_report_fails_the_sms_with_the_reason(sent_sms):
    response = post({"id": "gw-7", "status": "failed", "error": "Absent subscriber"})

    assert response.status_code == 200
    sent_sms.refresh_from_db()
    assert sent_sms.status == NotificationStatus.FAILED
    assert sent_sms.last_error == "Absent subscriber"


def test_a_repeated_report_changes_nothing(sent_sms):
    body = {"message_id": "gw-7", "status": "delivered"}
    post(body)
    sent_sms.refresh_from_db()
    first_delivered_at = sent_sms.delivered_at

    response = post(body)

    assert response.status_code == 200
    sent_sms.refresh_from_db()
    assert sent_sms.delivered_at == first_delivered_at


def test_a_signature_with_the_sha256_prefix_is_accepted(sent_sms):
    raw = json.dumps({"message_id": "gw-7", "status": "delivered"}).encode()

    response = post(raw, signature="sha256=" + sign(raw))

    assert response.status_code == 200


@pytest.mark.parametrize("signature", ["", "0" * 64, "not-hex"])
def test_a_missing_or_wrong_signature_is_forbidden_and_changes_nothing(
    sent_sms, signature
):
    response = post({"message_id": "gw-7", "status": "delivered"}, signature=signature)

    assert response.status_code == 403
    sent_sms.refresh_from_db()
    assert sent_sms.status == NotificationStatus.SENT


def test_a_body_signed_with_another_secret_is_forbidden(sent_sms):
    raw = json.dumps({"message_id": "gw-7", "status": "delivered"}).encode()

    assert post(raw, signature=sign(raw, "other-secret")).status_code == 403


def test_every_report_is_forbidden_while_no_secret_is_configured(sent_sms, settings):
    settings.SMS_DELIVERY_REPORT_SECRET = ""
    raw = json.dumps({"message_id": "gw-7", "status": "delivered"}).encode()

    assert post(raw, signature=sign(raw, "")).status_code == 403


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"\xff\xfe",
        b"[1, 2]",
        b'{"status": "delivered"}',
        b'{"message_id": "gw-7", "status": "read"}',
        b'{"message_id": true, "status": "delivered"}',
        b'{"message_id": "gw-7", "status": "failed", "error": 5}',
        b'{"message_id": "gw-7", "status": "delivered", "timestamp": "yesterday"}',
        b'{"message_id": "gw-7", "status": "delivered", '
        b'"timestamp": "2026-01-02T09:30"}',
    ],
)
def test_a_signed_but_malformed_report_is_a_bad_request(sent_sms, raw):
    response = post(raw)

    assert response.status_code == 400
    sent_sms.refresh_from_db()
    assert sent_sms.status == NotificationStatus.SENT


def test_a_report_for_an_unknown_message_is_not_found(sent_sms):
    assert post({"message_id": "gw-8", "status": "delivered"}).status_code == 404


def test_the_webhook_only_takes_post():
    response = Client().get(reverse("notifications:sms-delivery-report"))

    assert response.status_code == 405
