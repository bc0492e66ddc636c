"""A booking and its confirmation as one: the notice is written in the booking's
transaction (the outbox), a notice that cannot be rendered never costs the
booking, and a process that dies between the commit and the hand-over to the
broker loses nothing."""

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from saduak.appointments.models import Booking
from saduak.appointments.tests.conftest import TODAY, slot_at
from saduak.notifications import services as notification_services
from saduak.notifications.choices import NotificationStatus
from saduak.notifications.models import DeliveryAttempt, Notification
from saduak.notifications.services import notifications_requeue_stale

TUESDAY = TODAY + timedelta(days=1)
API = "/api/v1/appointments"
CONFIRMED = "appointments.booking.confirmed"
ROOT = Path(__file__).resolve().parents[3]
CHILD = Path(__file__).with_name("crash_after_commit.py")


@pytest.fixture
def broken_confirmation(settings, tmp_path):
    """The booking confirmation's SMS template has a syntax error."""
    folder = tmp_path / "notifications" / CONFIRMED
    folder.mkdir(parents=True)
    (folder / "sms.txt").write_text("{% if %}broken{% endif %}", encoding="utf-8")
    engine = {**settings.TEMPLATES[0]}
    engine["DIRS"] = [tmp_path, *engine["DIRS"]]
    settings.TEMPLATES = [engine]


@pytest.mark.django_db
def test_a_booking_whose_notice_template_raises_is_still_made(
    renewal,
    make_user,
    client_for,
    broken_confirmation,
    django_capture_on_commit_callbacks,
):
    citizen = make_user(phone="0812345678")
    slot = slot_at(renewal, TUESDAY, 9)

    with django_capture_on_commit_callbacks(execute=True):
        answer = client_for(citizen).post(
            f"{API}/bookings", {"slot": slot.pk}, content_type="application/json"
        )

    assert answer.status_code == 201
    booking = Booking.objects.get(reference=answer.json()["reference"])
    assert booking.citizen == citizen
    notice = Notification.objects.get(template_key=CONFIRMED)
    assert notice.status == NotificationStatus.FAILED
    assert "TemplateSyntaxError" in notice.last_error


@pytest.mark.django_db
def test_a_booking_is_made_when_the_broker_is_down(
    renewal, make_user, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(notification_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(notification_services, "_queue_delivery", broker_down)
    citizen = make_user(phone="0812345678")

    with django_capture_on_commit_callbacks(execute=True):
        answer = client_for(citizen).post(
            f"{API}/bookings",
            {"slot": slot_at(renewal, TUESDAY, 9).pk},
            content_type="application/json",
        )

    assert answer.status_code == 201
    assert Notification.objects.get().status == NotificationStatus.QUEUED


@pytest.mark.django_db(transaction=True)
def test_the_outbox_loses_nothing_when_the_process_dies_after_commit(
    renewal, make_user
):
    citizen = make_user(email="somsri@example.org")
    slot = slot_at(renewal, TUESDAY, 9)

    child = subprocess.run(  # noqa: S603 (our own script, our own arguments)
        [
            sys.executable,
            str(CHILD),
            str(slot.pk),
            str(citizen.pk),
            timezone.now().isoformat(),
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "PYTHONPATH": str(ROOT),
            "OUTBOX_CRASH_DB_NAME": str(connection.settings_dict["NAME"]),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert child.returncode == -signal.SIGKILL, child.stderr
    assert "committed; dying" in child.stdout
    booking = Booking.objects.get(citizen=citizen)  # the booking committed
    assert mail.outbox == []
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert notifications_requeue_stale() == 1
        assert notifications_requeue_stale() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert notifications_requeue_stale() == 0

    notice = Notification.objects.get(template_key=CONFIRMED)
    assert notice.status == NotificationStatus.SENT
    assert DeliveryAttempt.objects.filter(notification=notice).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["somsri@example.org"]
    assert booking.reference in mail.outbox[0].body
