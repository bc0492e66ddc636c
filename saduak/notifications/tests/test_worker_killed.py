"""A worker killed in the middle of a delivery: the lease it took
(NOTIFICATION_CLAIM_SECONDS) keeps the redelivered task from sending at once,
then the message is sent again under the same idempotency key, so a gateway
that drops duplicates delivers it once."""

import datetime

import pytest
from django.utils import timezone

from saduak.notifications.channels import channel_for
from saduak.notifications.choices import NotificationChannel, NotificationStatus
from saduak.notifications.models import DeliveryAttempt, Notification
from saduak.notifications.services import (
    _claim,
    notification_deliver,
    notification_send,
    notifications_requeue_stale,
)

pytestmark = pytest.mark.django_db


def queued_sms() -> Notification:
    return notification_send(
        address="0812345678",
        channel=NotificationChannel.SMS,
        template_key="generic.message",
        context={"subject": "นัดหมาย", "body": "พรุ่งนี้ 9 โมง"},
    )


def killed_after_the_gateway_took_it(notification: Notification) -> None:
    """What a worker killed between the gateway's answer and its own record
    leaves: a claim, and a message at the gateway."""
    claimed = _claim(notification.pk)
    assert isinstance(claimed, Notification)
    channel_for(claimed.channel).send(claimed)


def lease_runs_out(notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk).update(
        claimed_until=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_the_lease_is_the_setting(settings, sms_gateway):
    settings.NOTIFICATION_CLAIM_SECONDS = 15
    notification = queued_sms()
    before = timezone.now()
    _claim(notification.pk)
    notification.refresh_from_db()
    lease = (notification.claimed_until - before).total_seconds()
    assert 14 <= lease <= 16


def test_the_redelivered_task_waits_out_the_lease_then_sends_with_the_same_key(
    settings, sms_gateway
):
    settings.NOTIFICATION_CLAIM_SECONDS = 15
    notification = queued_sms()
    killed_after_the_gateway_took_it(notification)

    redelivered = notification_deliver(notification_id=notification.pk)
    assert redelivered.busy and 0 < redelivered.retry_in <= 15
    assert len(sms_gateway.requests) == 1

    lease_runs_out(notification)
    again = notification_deliver(notification_id=notification.pk)

    assert again.status == NotificationStatus.SENT
    keys = {request.headers["idempotency-key"] for request in sms_gateway.requests}
    assert keys == {str(notification.idempotency_key)}
    assert DeliveryAttempt.objects.filter(succeeded=True).count() == 1
    # Sent: neither the task nor the requeue job sends it a third time.
    assert notification_deliver(notification_id=notification.pk).status == "sent"
    assert len(sms_gateway.requests) == 2


def test_the_requeue_job_hands_over_a_killed_workers_message_once_the_lease_ran_out(
    settings, sms_gateway, monkeypatch
):
    from saduak.notifications import services

    settings.NOTIFICATION_CLAIM_SECONDS = 15
    handed_over: list[int] = []
    monkeypatch.setattr(services, "_queue_delivery", handed_over.append)
    notification = queued_sms()
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    killed_after_the_gateway_took_it(notification)

    assert notifications_requeue_stale() == 0  # the lease still holds
    lease_runs_out(notification)
    assert notifications_requeue_stale() == 1
    assert handed_over == [notification.pk]


def test_line_pushes_carry_the_notifications_retry_key(line_api, make_person):
    from saduak.notifications.tests.conftest import LINE_ID

    notification = notification_send(
        address=LINE_ID,
        channel=NotificationChannel.LINE,
        template_key="generic.message",
        context={"subject": "นัดหมาย", "body": "พรุ่งนี้ 9 โมง"},
    )
    killed_after_the_gateway_took_it(notification)
    lease_runs_out(notification)
    notification_deliver(notification_id=notification.pk)
    keys = {request.headers["x-line-retry-key"] for request in line_api.requests}
    assert keys == {str(notification.idempotency_key)}
