"""Many notices at once (`notification_notify_users`): the same messages
`notification_notify_user` writes, in bulk, in the caller's transaction;
one callback queues their delivery after commit; a message that cannot be
rendered is a failed row, not an error."""

from unittest import mock

import pytest

from saduak.notifications import services
from saduak.notifications.choices import NotificationChannel, NotificationStatus
from saduak.notifications.models import Notification
from saduak.notifications.services import notification_notify_users

pytestmark = pytest.mark.django_db

GENERIC = {"subject": "นัดหมาย", "body": "พรุ่งนี้ 9 โมง"}


def test_many_people_are_told_at_once_on_each_channel_they_can_be_reached_on(
    make_user, django_capture_on_commit_callbacks
):
    both = make_user(phone="0812345678", email="a@example.org")
    mail = make_user(email="b@example.org", preferred_language="en")
    nowhere = make_user()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        mock.patch.object(services, "_queue_delivery") as queued,
    ):
        rows = notification_notify_users(
            messages=[
                (both, "generic.message", GENERIC),
                (mail, "generic.message", GENERIC),
                (nowhere, "generic.message", GENERIC),
                (mail, "generic.message", {"subject": "ไม่มีเนื้อความ"}),
            ]
        )
    assert len(callbacks) == 1
    assert {(row.recipient_id, row.channel) for row in rows} == {
        (both.pk, NotificationChannel.SMS),
        (both.pk, NotificationChannel.EMAIL),
        (mail.pk, NotificationChannel.EMAIL),
    }
    stored = Notification.objects.order_by("id")
    assert stored.count() == 4
    failed = stored.get(status=NotificationStatus.FAILED)
    assert failed.last_error.startswith("Not rendered:")
    assert stored.filter(language="en").count() == 2
    good = [row.pk for row in stored if row.status == NotificationStatus.QUEUED]
    assert sorted(call.args[0] for call in queued.call_args_list) == sorted(good)
    assert all(row.body for row in stored if row.status == NotificationStatus.QUEUED)


def test_nothing_to_send_writes_and_queues_nothing(
    make_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert (
            notification_notify_users(
                messages=[(make_user(), "generic.message", GENERIC)]
            )
            == []
        )
    assert callbacks == []
    assert not Notification.objects.exists()
