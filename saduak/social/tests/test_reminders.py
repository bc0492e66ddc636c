from datetime import timedelta

import pytest

from saduak.accounts.choices import Role
from saduak.notifications.models import Notification
from saduak.social.models import FollowUp
from saduak.social.services import cases
from saduak.social.services.reminders import follow_up_reminders_send, reminder_kind
from saduak.social.tests.case_setup import opened, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_staff):
    user = make_staff(Role.SOCIAL_WORKER, "do-5001")
    user.email = "worker@example.org"
    user.save(update_fields=["email"])
    return user


def test_the_kind_of_reminder_owed_follows_the_days_to_the_due_day():
    day = today()
    assert reminder_kind(day + timedelta(days=4), day) is None
    assert reminder_kind(day + timedelta(days=3), day) == "before"
    assert reminder_kind(day, day) == "due"
    assert reminder_kind(day - timedelta(days=6), day) is None
    assert reminder_kind(day - timedelta(days=7), day) == "overdue-7"
    assert reminder_kind(day - timedelta(days=15), day) == "overdue-14"


def test_the_case_worker_is_reminded_before_on_and_after_the_due_day_once_each(worker):
    case = opened(worker)
    follow_up = FollowUp.objects.get(case=case)
    due = follow_up.due_on
    assert follow_up_reminders_send(today=due - timedelta(days=2)) == 1
    assert follow_up_reminders_send(today=due - timedelta(days=1)) == 0
    assert follow_up_reminders_send(today=due) == 1
    assert follow_up_reminders_send(today=due) == 0
    assert follow_up_reminders_send(today=due + timedelta(days=3)) == 0
    assert follow_up_reminders_send(today=due + timedelta(days=7)) == 1
    assert follow_up_reminders_send(today=due + timedelta(days=8)) == 0
    assert follow_up_reminders_send(today=due + timedelta(days=14)) == 1
    follow_up.refresh_from_db()
    assert follow_up.reminders_sent == ["before", "due", "overdue-7", "overdue-14"]
    sent = Notification.objects.filter(recipient=worker)
    assert sent.count() == 4
    assert {row.template_key for row in sent} == {
        "social.follow_up_due_soon",
        "social.follow_up_due",
        "social.follow_up_overdue",
    }
    assert all(case.reference in row.body for row in sent)


def test_closed_cases_and_done_follow_ups_are_not_reminded(worker):
    closed = opened(worker)
    due = FollowUp.objects.get(case=closed).due_on
    cases.case_close(case=closed, outcome="other", note="ย้าย", actor=worker)
    done = opened(worker, frequency="yearly")
    cases.follow_up_record(case=done, done_on=today(), note="เยี่ยมแล้ว", actor=worker)
    assert follow_up_reminders_send(today=due) == 0
    assert not Notification.objects.exists()
