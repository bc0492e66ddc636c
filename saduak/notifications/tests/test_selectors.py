import pytest

from saduak.accounts.choices import Role
from saduak.accounts.models import StaffRole
from saduak.areas.choices import OfficeKind
from saduak.areas.models import Office
from saduak.core.errors import PermissionDeniedError
from saduak.notifications.choices import NotificationChannel
from saduak.notifications.models import DeliveryAttempt
from saduak.notifications.selectors import (
    notification_delivery_log,
    notification_list_for_user,
)
from saduak.notifications.services import notification_send

pytestmark = pytest.mark.django_db


def send_to(person, body="text"):
    return notification_send(
        recipient=person,
        channel=NotificationChannel.SMS,
        template_key="generic.message",
        context={"subject": "s", "body": body},
    )


@pytest.fixture
def hq_admin(make_person):
    office = Office.objects.create(
        code="hq", kind=OfficeKind.HEADQUARTERS, name_th="ส่วนกลาง"
    )
    admin = make_person()
    StaffRole.objects.create(user=admin, role=Role.HQ_ADMIN, office=office)
    return admin


def test_a_person_sees_only_their_own_notifications_newest_first(make_person):
    somchai = make_person(phone="0812345678")
    malee = make_person(phone="0912345678")
    first = send_to(somchai, "first")
    second = send_to(somchai, "second")
    send_to(malee)

    assert list(notification_list_for_user(user=somchai)) == [second, first]


def test_hq_staff_read_the_delivery_log_with_attempts_in_few_queries(
    make_person, hq_admin, django_assert_num_queries
):
    person = make_person(phone="0812345678")
    for _ in range(3):
        notification = send_to(person)
        DeliveryAttempt.objects.create(notification=notification, succeeded=False)
        DeliveryAttempt.objects.create(notification=notification, succeeded=True)

    log = notification_delivery_log(viewer=hq_admin, channel=NotificationChannel.SMS)
    with django_assert_num_queries(2):
        rows = [
            (
                getattr(row.recipient, "pk", None),
                [a.succeeded for a in row.delivery_attempts.all()],
            )
            for row in log
        ]

    assert rows == [(person.pk, [False, True])] * 3


def test_the_delivery_log_filters_by_status_and_recipient(make_person, hq_admin):
    person = make_person(phone="0812345678")
    send_to(person)

    assert notification_delivery_log(viewer=hq_admin, status="sent").count() == 0
    assert notification_delivery_log(viewer=hq_admin, recipient=person).count() == 1


def test_a_citizen_may_not_read_the_delivery_log(make_person):
    with pytest.raises(PermissionDeniedError):
        notification_delivery_log(viewer=make_person())
