import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation

from saduak.audit.models import AuditEvent
from saduak.core.errors import InvalidInput, NotFound
from saduak.notifications.choices import NotificationChannel, NotificationStatus
from saduak.notifications.models import DeliveryAttempt, Notification
from saduak.notifications.services import (
    notification_deliver,
    notification_mark_delivered,
    notification_mark_failed,
    notification_notify_user,
    notification_send,
)
from saduak.notifications.tests.conftest import LINE_ID

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("console_channels")]

GENERIC = {"subject": "นัดหมาย", "body": "พรุ่งนี้ 9 โมง"}


def send_sms(**overrides):
    fields = {
        "address": "0812345678",
        "channel": NotificationChannel.SMS,
        "template_key": "generic.message",
        "context": GENERIC,
    }
    return notification_send(**{**fields, **overrides})


def test_a_notification_is_saved_as_queued_and_delivered_only_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = send_sms()

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.QUEUED
    assert notification.attempts == 0
    assert notification.body == "พรุ่งนี้ 9 โมง"
    assert notification.language == "th"
    assert len(callbacks) == 1


def test_a_console_sms_goes_from_queued_to_sent(
    django_capture_on_commit_callbacks, caplog
):
    caplog.set_level("INFO", logger="saduak.notifications")

    with django_capture_on_commit_callbacks(execute=True):
        notification = send_sms(address="081-234-5678")

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.address == "0812345678"
    assert notification.attempts == 1
    assert notification.sent_at is not None
    assert notification.provider_message_id.startswith("console-")
    assert notification.claimed_until is None
    attempt = DeliveryAttempt.objects.get(notification=notification)
    assert attempt.succeeded
    assert "SMS to 0812345678" in caplog.text
    assert "พรุ่งนี้ 9 โมง" in caplog.text


def test_a_console_line_message_goes_from_queued_to_delivered(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = send_sms(address=LINE_ID, channel=NotificationChannel.LINE)

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.DELIVERED
    assert notification.delivered_at == notification.sent_at


def test_an_e_mail_is_handed_to_django_and_marked_sent(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = send_sms(
            address="somchai@example.org",
            channel=NotificationChannel.EMAIL,
            template_key="account.welcome",
            context={"first_name": "Somchai"},
            language="en",
        )

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    [message] = mail.outbox
    assert message.to == ["somchai@example.org"]
    assert message.subject == "Welcome to Saduak"
    assert message.extra_headers["Message-ID"] == notification.provider_message_id


def test_a_bad_address_is_refused_with_a_clear_message_and_nothing_saved(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        translation.override("en"),
        pytest.raises(InvalidInput) as error,
    ):
        send_sms(address="021234567")

    assert str(error.value.message) == (
        "“021234567” is not a Thai mobile number. Enter 10 digits starting with "
        "06, 08 or 09, such as 0812345678."
    )
    assert not Notification.objects.exists()
    assert callbacks == []


def test_an_unknown_template_saves_nothing():
    with pytest.raises(InvalidInput):
        send_sms(template_key="no.such.template")

    assert not Notification.objects.exists()


def test_a_missing_context_value_saves_nothing():
    with pytest.raises(InvalidInput):
        send_sms(context={"subject": "only a subject"})

    assert not Notification.objects.exists()


def test_the_recipients_address_and_language_are_used_when_not_given(make_person):
    person = make_person(phone="0912345678", preferred_language="en")

    notification = notification_send(
        recipient=person,
        channel=NotificationChannel.SMS,
        template_key="account.welcome",
        context={"first_name": "Malee"},
    )

    assert notification.recipient == person
    assert notification.address == "0912345678"
    assert notification.language == "en"
    assert notification.body == "Saduak: Hello Malee, your account is ready."


def test_a_recipient_without_an_address_for_the_channel_is_refused(make_person):
    person = make_person(email="")

    with pytest.raises(InvalidInput) as error:
        notification_send(
            recipient=person,
            channel=NotificationChannel.EMAIL,
            template_key="generic.message",
            context=GENERIC,
        )

    assert error.value.code == "no-address"
    assert not Notification.objects.exists()


def test_neither_recipient_nor_address_is_refused():
    with pytest.raises(InvalidInput) as error:
        send_sms(address=None)

    assert error.value.code == "no-address"


def test_a_message_a_person_sends_is_audited_without_its_text(make_person):
    officer = make_person()

    notification = send_sms(actor=officer)

    event = AuditEvent.objects.get(action="notification.send")
    assert event.actor == officer
    assert event.target_id == str(notification.pk)
    assert event.after == {"channel": "sms", "template_key": "generic.message"}
    assert "0812345678" not in event.target_label


def test_a_system_notification_writes_no_audit_event():
    send_sms()

    assert not AuditEvent.objects.filter(action="notification.send").exists()


def test_a_person_is_notified_on_every_channel_they_can_be_reached_on(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notifications = notification_notify_user(
            user=person, template_key="account.welcome", context={"first_name": "สมชาย"}
        )

    assert [n.channel for n in notifications] == ["line", "sms", "email"]
    assert [n.address for n in notifications] == [
        LINE_ID,
        "0812345678",
        "somchai@example.org",
    ]
    assert {n.language for n in notifications} == {"th"}
    assert notifications[0].body.startswith("สวัสดีคุณสมชาย")
    statuses = dict(Notification.objects.values_list("channel", "status"))
    assert statuses == {"line": "delivered", "sms": "sent", "email": "sent"}


def test_a_person_is_notified_only_on_the_channels_asked_for(person):
    notifications = notification_notify_user(
        user=person,
        template_key="account.welcome",
        context={"first_name": "สมชาย"},
        channels=[NotificationChannel.EMAIL],
    )

    assert [n.channel for n in notifications] == ["email"]


def test_a_channel_with_an_invalid_stored_address_is_skipped(make_person):
    person = make_person(phone="021234567", email="somchai@example.org")

    notifications = notification_notify_user(
        user=person, template_key="account.welcome", context={"first_name": "สมชาย"}
    )

    assert [n.channel for n in notifications] == ["email"]


def test_a_person_with_no_address_gets_nothing(make_person):
    person = make_person()

    assert (
        notification_notify_user(
            user=person, template_key="account.welcome", context={"first_name": "A"}
        )
        == []
    )


def test_notifying_a_person_with_a_bad_context_saves_failed_rows_not_an_error(person):
    notifications = notification_notify_user(
        user=person, template_key="account.welcome", context={}
    )

    assert {n.status for n in notifications} == {NotificationStatus.FAILED}
    assert len(notifications) == 3
    assert all("first_name" in n.last_error for n in notifications)
    assert all(n.failed_at is not None for n in notifications)


def test_a_transient_failure_leaves_it_queued_with_exponential_backoff(sms_gateway):
    sms_gateway.default = (503, {"error": "busy"}, {})
    notification = send_sms()

    first = notification_deliver(notification_id=notification.pk)
    second = notification_deliver(notification_id=notification.pk)

    assert (first.status, first.retry_in) == ("queued", 60)
    assert (second.status, second.retry_in) == ("queued", 120)
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert notification.last_error == "SMS gateway answered HTTP 503"
    assert notification.claimed_until is None


def test_the_last_allowed_attempt_fails_the_notification(sms_gateway, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    sms_gateway.default = (500, {}, {})
    notification = send_sms()

    notification_deliver(notification_id=notification.pk)
    outcome = notification_deliver(notification_id=notification.pk)

    assert (outcome.status, outcome.retry_in) == ("failed", None)
    notification.refresh_from_db()
    assert notification.failed_at is not None


def test_a_notification_another_worker_is_sending_is_left_to_it(sms_gateway, settings):
    settings.NOTIFICATION_CLAIM_SECONDS = 20
    notification = send_sms()
    Notification.objects.filter(pk=notification.pk).update(
        claimed_until=timezone.now() + datetime.timedelta(seconds=20)
    )

    outcome = notification_deliver(notification_id=notification.pk)

    assert outcome.busy
    assert outcome.retry_in is not None
    assert 0 < outcome.retry_in <= 20
    assert sms_gateway.requests == []


def test_a_claim_left_by_a_crashed_worker_runs_out(sms_gateway):
    notification = send_sms()
    Notification.objects.filter(pk=notification.pk).update(
        claimed_until=timezone.now() - datetime.timedelta(seconds=1), attempts=1
    )

    outcome = notification_deliver(notification_id=notification.pk)

    assert outcome.status == "sent"
    assert len(sms_gateway.requests) == 1


@pytest.mark.parametrize("status", ["sent", "delivered", "failed"])
def test_a_notification_that_left_the_queue_is_never_sent_again(sms_gateway, status):
    notification = send_sms()
    Notification.objects.filter(pk=notification.pk).update(status=status)

    outcome = notification_deliver(notification_id=notification.pk)

    assert outcome.status == status
    assert sms_gateway.requests == []
    assert not DeliveryAttempt.objects.exists()


def test_delivering_an_unknown_notification_is_not_found():
    with pytest.raises(NotFound):
        notification_deliver(notification_id=999_999)


def sent_sms(provider_message_id="gw-1"):
    notification = send_sms()
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENT, provider_message_id=provider_message_id
    )
    return notification


def test_a_delivery_report_marks_the_notification_delivered_once():
    notification = sent_sms()
    at = timezone.now() - datetime.timedelta(minutes=1)

    notification_mark_delivered(
        channel=NotificationChannel.SMS, provider_message_id="gw-1", delivered_at=at
    )
    again = notification_mark_delivered(
        channel=NotificationChannel.SMS, provider_message_id="gw-1"
    )

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.DELIVERED
    assert notification.delivered_at == at
    assert again.delivered_at == at


def test_a_failure_report_does_not_undo_a_delivery():
    notification = sent_sms()
    notification_mark_delivered(
        channel=NotificationChannel.SMS, provider_message_id="gw-1"
    )

    notification_mark_failed(
        channel=NotificationChannel.SMS, provider_message_id="gw-1", error="expired"
    )

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.DELIVERED


def test_a_failure_report_fails_a_sent_notification_with_its_reason():
    notification = sent_sms()

    notification_mark_failed(
        channel=NotificationChannel.SMS, provider_message_id="gw-1", error="expired"
    )

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.last_error == "expired"
    assert notification.failed_at is not None


def test_a_report_for_an_unknown_or_empty_message_id_is_not_found():
    sent_sms(provider_message_id="gw-1")

    for message_id in ["gw-2", ""]:
        with pytest.raises(NotFound):
            notification_mark_delivered(
                channel=NotificationChannel.SMS, provider_message_id=message_id
            )


def test_a_report_only_matches_its_own_channel():
    sent_sms(provider_message_id="gw-1")

    with pytest.raises(NotFound):
        notification_mark_delivered(
            channel=NotificationChannel.LINE, provider_message_id="gw-1"
        )
