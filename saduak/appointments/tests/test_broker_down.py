"""The Celery broker down during a booking sent with an Idempotency-Key: the
booking is made and answered, its notice waits in the outbox, and the requeue
job hands it over once the broker is back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from saduak.appointments.tests.conftest import TODAY, slot_at
from saduak.notifications import services as notification_services
from saduak.notifications.choices import NotificationStatus
from saduak.notifications.models import Notification

pytestmark = pytest.mark.django_db
TUESDAY = TODAY + timedelta(days=1)


def test_a_booking_made_with_the_broker_down_is_notified_once_it_is_back(
    renewal, make_user, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(notification_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(notification_services, "_queue_delivery", broker_down)
    api = client_for(make_user(phone="0812345678"))
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(
            "/api/v1/appointments/bookings",
            {"slot": slot_at(renewal, TUESDAY, 9).pk},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="booking-broker-down",
        )
    assert answer.status_code == 201
    notice = Notification.objects.get()
    assert notice.status == NotificationStatus.QUEUED

    monkeypatch.undo()  # the broker is back (eager here: delivered at once)
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert notification_services.notifications_requeue_stale() == 1
    notice.refresh_from_db()
    assert notice.status == NotificationStatus.SENT
