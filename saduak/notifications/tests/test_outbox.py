"""The notification table as an outbox: a notice is written in the caller's
transaction, cannot fail that transaction, and is handed over by the requeue job
when the delivery queued at commit never ran; the job is bounded and a requeue
racing a delivery never sends twice."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.template import TemplateSyntaxError
from django.utils import timezone

from saduak.notifications import services, templates
from saduak.notifications.choices import NotificationChannel, NotificationStatus
from saduak.notifications.models import DeliveryAttempt, Notification
from saduak.notifications.services import (
    notification_notify_address,
    notification_notify_user,
    notifications_requeue_stale,
)

pytestmark = pytest.mark.django_db

GENERIC = {"subject": "นัดหมาย", "body": "พรุ่งนี้ 9 โมง"}


def notice(address="0812345678"):
    return notification_notify_address(
        address=address,
        channel=NotificationChannel.SMS,
        template_key="generic.message",
        context=GENERIC,
    )


def requeue_after(seconds, **options):
    with time_machine.travel(timezone.now() + timedelta(seconds=seconds)):
        return notifications_requeue_stale(**options)


class Rollback(Exception):
    pass


def test_a_notice_of_a_change_that_rolls_back_is_neither_saved_nor_sent(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        notice()
        raise Rollback

    assert not Notification.objects.exists()
    assert callbacks == []


def test_a_notice_is_queued_in_the_callers_transaction_and_handed_over_at_commit(
    django_capture_on_commit_callbacks, sms_gateway
):
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        transaction.atomic(),
    ):
        notification = notice()
        assert Notification.objects.filter(pk=notification.pk).exists()
        assert sms_gateway.requests == []

    assert len(callbacks) == 1
    callbacks[0]()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT


def test_a_template_that_raises_is_a_failed_notification_not_a_failed_change(
    person, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise TemplateSyntaxError("Invalid filter: 'thai_date'")

    monkeypatch.setattr(templates, "render_to_string", broken)
    with (
        caplog.at_level(logging.ERROR, logger="saduak.notifications.services"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        notifications = notification_notify_user(
            user=person, template_key="account.welcome", context={"first_name": "ก"}
        )

    assert callbacks == []  # nothing to deliver
    assert len(notifications) == 3
    for notification in Notification.objects.all():
        assert notification.status == NotificationStatus.FAILED
        assert "TemplateSyntaxError: Invalid filter" in notification.last_error
        assert notification.context == {"first_name": "ก"}
    assert "could not be rendered" in caplog.text


def test_an_unusable_address_is_a_failed_notification_not_an_error():
    notification = notice(address="not a number")

    assert notification.status == NotificationStatus.FAILED
    assert notification.address == "not a number"
    assert notification.last_error.startswith("Not rendered: InvalidInput")


def test_a_context_that_cannot_be_stored_is_kept_as_text():
    notification = notification_notify_address(
        address="0812345678",
        channel=NotificationChannel.SMS,
        template_key="no.such.template",
        context={"subject": object, "body": "x"},
    )

    assert notification.status == NotificationStatus.FAILED
    assert notification.context == {"subject": str(object), "body": "x"}


def test_a_notice_never_handed_over_is_left_alone_during_the_grace_period(settings):
    settings.NOTIFICATION_REQUEUE_GRACE_SECONDS = 60
    notice()

    assert requeue_after(30) == 0


def test_a_notice_never_handed_over_is_sent_once_after_the_grace_period(
    sms_gateway, settings
):
    settings.NOTIFICATION_REQUEUE_GRACE_SECONDS = 60
    notification = notice()  # its on_commit never runs: the test never commits

    assert requeue_after(61) == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert len(sms_gateway.requests) == 1
    assert requeue_after(3600) == 0
    assert len(sms_gateway.requests) == 1


def test_a_requeue_racing_the_delivery_queued_at_commit_sends_once(
    sms_gateway, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        transaction.atomic(),
    ):
        notification = notice()

    # The broker was slow: the requeue job hands the row over first ...
    assert requeue_after(120) == 1
    # ... and then the delivery queued at commit runs as well.
    callbacks[0]()

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert len(sms_gateway.requests) == 1
    assert DeliveryAttempt.objects.filter(notification=notification).count() == 1


def test_a_delivery_in_progress_is_not_handed_over_again(sms_gateway, monkeypatch):
    notification = notice()
    Notification.objects.filter(pk=notification.pk).update(
        claimed_until=timezone.now() + timedelta(hours=1), attempts=1
    )

    assert requeue_after(120) == 0
    assert sms_gateway.requests == []


def test_a_row_is_handed_over_at_most_once_per_grace_period(monkeypatch, settings):
    settings.NOTIFICATION_REQUEUE_GRACE_SECONDS = 60
    handed: list[int] = []
    monkeypatch.setattr(services, "_queue_delivery", handed.append)
    notification = notice()

    assert requeue_after(61) == 1
    assert requeue_after(90) == 0  # the broker lost it? not yet its turn again
    assert requeue_after(122) == 1
    assert handed == [notification.pk, notification.pk]


def test_two_requeue_runs_at_once_hand_a_row_over_once(monkeypatch):
    handed: list[int] = []

    def hand_over_while_another_run_starts(notification_id):
        handed.append(notification_id)
        handed.append(notifications_requeue_stale())  # sees nothing left to do

    monkeypatch.setattr(services, "_queue_delivery", hand_over_while_another_run_starts)
    notification = notice()

    with time_machine.travel(timezone.now() + timedelta(seconds=120)):
        assert notifications_requeue_stale() == 1
    assert handed == [notification.pk, 0]


def test_a_run_hands_over_at_most_its_limit_oldest_first(monkeypatch):
    handed: list[int] = []
    monkeypatch.setattr(services, "_queue_delivery", handed.append)
    first, second, third = notice(), notice(), notice()

    assert requeue_after(120, limit=2) == 2
    assert handed == [first.pk, second.pk]
    assert requeue_after(121, limit=2) == 1
    assert handed[-1] == third.pk


def test_a_broker_that_is_down_stops_the_run_and_leaves_the_rows_due(monkeypatch):
    def broker_down(notification_id):
        raise ConnectionError("broker down")

    first, _second = notice(), notice()
    monkeypatch.setattr(services, "_queue_delivery", broker_down)

    assert requeue_after(120) == 0
    first.refresh_from_db()
    assert first.requeue_after is None
    monkeypatch.undo()


def test_a_transient_failure_is_not_requeued_before_its_back_off(
    sms_gateway, monkeypatch
):
    sms_gateway.default = (503, {"error": "busy"}, {})
    notification = notice()
    services.notification_deliver(notification_id=notification.pk)
    handed: list[int] = []
    monkeypatch.setattr(services, "_queue_delivery", handed.append)

    assert requeue_after(59) == 0  # back-off after one attempt: 60 s
    assert requeue_after(61) == 1
    assert handed == [notification.pk]
