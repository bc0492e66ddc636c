import pytest
from django.urls import reverse

from saduak.accounts.models import User
from saduak.core.personal_id import with_check_digit
from saduak.notifications.choices import NotificationChannel
from saduak.notifications.models import DeliveryAttempt
from saduak.notifications.services import notification_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    superuser = User.objects.create_superuser(
        with_check_digit("390000000001"), "pw", first_name="A", last_name="B"
    )
    client.force_login(superuser)
    return client


@pytest.fixture
def notification():
    notification = notification_send(
        address="0812345678",
        channel=NotificationChannel.SMS,
        template_key="generic.message",
        context={"subject": "s", "body": "b"},
    )
    DeliveryAttempt.objects.create(
        notification=notification, succeeded=False, error="SMS gateway answered 503"
    )
    return notification


def test_the_admin_lists_notifications(admin_client, notification):
    response = admin_client.get(reverse("admin:notifications_notification_changelist"))

    assert response.status_code == 200
    assert "generic.message" in response.content.decode()


def test_the_admin_shows_a_notification_with_its_attempts_read_only(
    admin_client, notification
):
    url = reverse("admin:notifications_notification_change", args=[notification.pk])

    response = admin_client.get(url)
    posted = admin_client.post(url, {"status": "delivered"})

    assert response.status_code == 200
    assert "SMS gateway answered 503" in response.content.decode()
    assert posted.status_code == 403


def test_the_admin_cannot_add_notifications(admin_client):
    response = admin_client.get(reverse("admin:notifications_notification_add"))

    assert response.status_code == 403
