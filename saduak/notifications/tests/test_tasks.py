from datetime import timedelta

import pytest
import time_machine
from celery.exceptions import Retry
from django.utils import timezone

from saduak.notifications.choices import NotificationChannel, NotificationStatus
from saduak.notifications.models import DeliveryAttempt, Notification
from saduak.notifications.services import notification_send, notifications_requeue_stale
from saduak.notifications.tasks import deliver_notification

pytestmark = pytest.mark.django_db


def queue_sms():
    return notification_send(
        address="0812345678",
        channel=NotificationChannel.SMS,
        template_key="generic.message",
        context={"subject": "นัดหมาย", "body": "พรุ่งนี้ 9 โมง"},
    )


def retry_waiting(minutes=60):
    """What celery beat does every minute: queue again what waited past its back-off."""
    with time_machine.travel(timezone.now() + timedelta(minutes=minutes)):
        return notifications_requeue_stale()


def test_a_transient_error_is_retried_and_then_the_message_is_sent(
    sms_gateway, django_capture_on_commit_callbacks
):
    sms_gateway.respond(503, {"error": "try later"})
    sms_gateway.respond(200, {"id": "gw-42"})

    with django_capture_on_commit_callbacks(execute=True):
        notification = queue_sms()
    notification.refresh_from_db()
    assert (
        notification.status == NotificationStatus.QUEUED
    )  # no retry inside the request
    assert retry_waiting() == 1

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.provider_message_id == "gw-42"
    assert notification.attempts == 2
    assert notification.last_error == ""
    attempts = list(DeliveryAttempt.objects.filter(notification=notification))
    assert [attempt.succeeded for attempt in attempts] == [False, True]
    assert attempts[0].provider_response == 'HTTP 503 {"error": "try later"}'
    assert len(sms_gateway.requests) == 2


def test_when_retries_run_out_the_notification_is_failed(
    sms_gateway, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    sms_gateway.default = (502, {}, {})

    with django_capture_on_commit_callbacks(execute=True):
        notification = queue_sms()
    retry_waiting(60)
    retry_waiting(120)

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.attempts == 3
    assert notification.failed_at is not None
    assert notification.last_error == "SMS gateway answered HTTP 502"
    assert len(sms_gateway.requests) == 3


def test_a_permanent_error_fails_the_notification_without_a_retry(
    sms_gateway, django_capture_on_commit_callbacks
):
    sms_gateway.respond(400, {"error": "invalid number"})

    with django_capture_on_commit_callbacks(execute=True):
        notification = queue_sms()

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.attempts == 1
    assert notification.last_error == "SMS gateway refused the message: HTTP 400"
    attempt = DeliveryAttempt.objects.get(notification=notification)
    assert attempt.permanent_failure
    assert len(sms_gateway.requests) == 1


def test_running_the_task_again_never_sends_twice(sms_gateway):
    notification = queue_sms()

    deliver_notification.delay(notification.pk)
    deliver_notification.delay(notification.pk)

    assert len(sms_gateway.requests) == 1
    assert DeliveryAttempt.objects.count() == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT


def test_the_task_asks_celery_to_retry_with_exponential_backoff(
    sms_gateway, monkeypatch
):
    sms_gateway.default = (503, {}, {})
    notification = queue_sms()
    countdowns = []

    def retry(*, countdown):
        countdowns.append(countdown)
        return Retry(when=countdown)

    monkeypatch.setattr(deliver_notification, "retry", retry)

    for _ in range(3):
        with pytest.raises(Retry):
            deliver_notification.run(notification.pk)

    assert countdowns == [60, 120, 240]


def test_a_task_for_a_deleted_notification_does_nothing(sms_gateway):
    notification = queue_sms()
    Notification.objects.filter(pk=notification.pk).delete()

    assert deliver_notification.run(notification.pk) == ""
    assert sms_gateway.requests == []


def test_a_notification_the_broker_never_took_is_queued_again(sms_gateway, monkeypatch):
    from saduak.notifications import services

    def broker_down(notification_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(services, "_queue_delivery", broker_down)
    notification = queue_sms()  # on_commit is robust: the caller sees no error
    monkeypatch.undo()

    assert retry_waiting() == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT


def test_an_unexpected_error_from_an_adapter_is_a_transient_failure(
    sms_gateway, monkeypatch
):
    from saduak.notifications import services

    class Broken:
        def send(self, notification):
            raise ValueError("bug")

    monkeypatch.setattr(services, "channel_for", lambda channel: Broken())
    notification = queue_sms()
    deliver_notification.delay(notification.pk)
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.QUEUED
    assert "ValueError" in notification.last_error
