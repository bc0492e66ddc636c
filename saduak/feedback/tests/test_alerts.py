"""Alerts when a district's happiness falls against its recent trend: raised
only for a large, well-founded fall, once per district and day, sent to the
district and its province, acknowledged on the staff pages."""

from datetime import date, timedelta

import pytest

from saduak.accounts.choices import Role
from saduak.areas.models import Office
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, NotFound
from saduak.feedback import tasks
from saduak.feedback.models import HappinessAlert
from saduak.feedback.rollups import rollups_move
from saduak.feedback.services import alerts
from saduak.notifications.models import Notification
from saduak.notifications.templates import render_message

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 30)
(RECENT_START, RECENT_END), (BASELINE_START, BASELINE_END) = alerts.windows(TODAY)


def test_the_windows_are_the_last_seven_full_days_and_eight_weeks_before():
    recent, baseline = alerts.windows(TODAY)
    assert recent == (date(2026, 11, 23), date(2026, 11, 29))
    assert baseline == (date(2026, 9, 28), date(2026, 11, 22))


def days(start, end):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def votes(office_code, start, end, **per_day):
    """Counts `per_day` votes (votes_5=2: two votes of 5) each day."""
    office = Office.objects.get(code=office_code)
    moved = {int(name.removeprefix("votes_")): n for name, n in per_day.items()}
    for day in days(start, end):
        rollups_move(office=office, day=day, moved=moved)


@pytest.fixture
def falling(small_map):
    """Mueang Chiang Mai (5001): 4.67 for eight weeks, then 3.5 for a week."""
    votes("reg-5001", BASELINE_START, BASELINE_END, votes_5=2, votes_4=1)
    votes("reg-5001", RECENT_START, RECENT_END, votes_3=2, votes_4=2)


@pytest.fixture
def steady(small_map):
    """Chom Thong (5002) and Phra Nakhon (1001): no real change."""
    votes("do-5002", BASELINE_START, BASELINE_END, votes_4=2, votes_3=1)
    votes("do-5002", RECENT_START, RECENT_END, votes_4=2, votes_3=1)
    votes("do-1001", BASELINE_START, BASELINE_END, votes_5=1, votes_4=1)
    votes("do-1001", RECENT_START, RECENT_END, votes_5=2, votes_4=3)


@pytest.fixture
def people(make_staff):
    def staff(role, office_code, email):
        user = make_staff(role, office_code)
        user.email = email
        user.save(update_fields=["email"])
        return user

    return {
        "district": staff(Role.DISTRICT_ADMIN, "do-5001", "district@example.org"),
        "province": staff(Role.PROVINCIAL_STAFF, "pao-50", "province@example.org"),
        "no_email": staff(Role.DISTRICT_ADMIN, "do-5001", ""),
        "other_district": staff(
            Role.DISTRICT_ADMIN, "do-5002", "chomthong@example.org"
        ),
        "counter": staff(Role.COUNTER_OFFICER, "reg-5001", "counter@example.org"),
        "hq": staff(Role.HQ_ADMIN, "hq", "hq@example.org"),
        "bangkok": staff(Role.PROVINCIAL_STAFF, "pao-10", "bkk@example.org"),
    }


def test_a_significant_fall_is_raised_for_that_district_only(falling, steady):
    drops = alerts.happiness_drops(today=TODAY)

    assert [drop.district_code for drop in drops] == ["5001"]
    drop = drops[0]
    assert drop.recent.votes == 28 and drop.baseline.votes == 168
    assert round(drop.drop, 2) == 1.17
    assert drop.drop > alerts.STANDARD_ERRORS * drop.standard_error


def test_the_fall_reads_the_rollups_once_per_window_however_many_districts(
    falling, steady, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        alerts.happiness_drops(today=TODAY)


def test_raising_saves_the_alert_tells_the_district_and_province_and_audits(
    falling, steady, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = alerts.happiness_alerts_raise(today=TODAY)

    alert = HappinessAlert.objects.get()
    assert made == [alert]
    assert (alert.district_id, alert.raised_on) == ("5001", TODAY)
    assert (str(alert.recent_mean), alert.recent_votes) == ("3.50", 28)
    assert (str(alert.baseline_mean), alert.baseline_votes) == ("4.67", 168)
    sent = Notification.objects.filter(template_key="feedback.alert.raised")
    assert {notice.address for notice in sent} == {
        "district@example.org",
        "province@example.org",
    }
    assert {notice.channel for notice in sent} == {"email"}
    message = sent.get(address="district@example.org")
    assert "เมืองเชียงใหม่" in message.subject
    assert "4.67" in message.body and "3.50" in message.body
    assert "/staff/happiness/?level=district&code=5001" in message.body
    event = AuditEvent.objects.get(action="feedback.alert.raise")
    assert event.actor_label == "system" and event.district_code == "5001"


def test_an_alert_is_raised_once_a_day_whatever_runs_twice(
    falling, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alerts.happiness_alerts_raise(today=TODAY)
        again = alerts.happiness_alerts_raise(today=TODAY)

    assert again == []
    assert HappinessAlert.objects.count() == 1
    assert Notification.objects.count() == 2


def test_an_open_alert_keeps_the_district_quiet_for_a_week(falling, people):
    alerts.happiness_alerts_raise(today=TODAY - timedelta(days=1))
    assert alerts.happiness_alerts_raise(today=TODAY) == []

    HappinessAlert.objects.update(acknowledged_at="2026-11-29T12:00:00+07:00")
    assert len(alerts.happiness_alerts_raise(today=TODAY)) == 1


@pytest.mark.parametrize(
    ("baseline", "recent"),
    [
        # A fall of 0.2 only.
        ({"votes_5": 1, "votes_4": 4}, {"votes_4": 5}),
        # A large fall, but only 14 votes in the last week.
        ({"votes_5": 2, "votes_4": 1}, {"votes_3": 2}),
        # 0.4 among votes so spread out that chance explains it.
        ({"votes_5": 1, "votes_1": 1}, {"votes_5": 2, "votes_1": 3}),
    ],
)
def test_small_thin_or_noisy_falls_raise_nothing(small_map, baseline, recent):
    votes("reg-5001", BASELINE_START, BASELINE_END, **baseline)
    votes("reg-5001", RECENT_START, RECENT_END, **recent)
    assert alerts.happiness_drops(today=TODAY) == []


def test_too_short_a_history_raises_nothing(small_map):
    votes("reg-5001", BASELINE_END - timedelta(days=5), BASELINE_END, votes_5=5)
    votes("reg-5001", RECENT_START, RECENT_END, votes_2=5)
    assert alerts.happiness_drops(today=TODAY) == []


def test_the_nightly_task_raises_the_alerts(falling, people):
    assert tasks.watch_happiness.delay(TODAY.isoformat()).get() == 1
    assert HappinessAlert.objects.filter(raised_on=TODAY).count() == 1


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_alert_message_reads_in_thai_and_english(language):
    context = {
        "district": "เมืองเชียงใหม่",
        "district_en": "Mueang Chiang Mai",
        "province": "เชียงใหม่",
        "province_en": "Chiang Mai",
        "recent_mean": "3.50",
        "recent_votes": 28,
        "baseline_mean": "4.67",
        "baseline_votes": 168,
        "drop": "1.17",
        "url": "https://saduak.example/staff/happiness/",
    }
    name = "Mueang Chiang Mai" if language == "en" else "เมืองเชียงใหม่"
    for channel in ("email", "sms", "line"):
        message = render_message(
            template_key="feedback.alert.raised",
            channel=channel,
            language=language,
            context=context,
        )
        assert name in message.subject and name in message.body
        assert "https://saduak.example/staff/happiness/" in message.body


def test_acknowledging_takes_the_alert_off_the_pages_and_is_audited(falling, people):
    (alert,) = alerts.happiness_alerts_raise(today=TODAY)

    done = alerts.happiness_alert_acknowledge(alert=alert, actor=people["province"])

    assert done.acknowledged_by == people["province"] and done.acknowledged_at
    event = AuditEvent.objects.get(action="feedback.alert.acknowledge")
    assert event.district_code == "5001" and event.province_code == "50"
    with pytest.raises(Conflict):
        alerts.happiness_alert_acknowledge(alert=alert, actor=people["district"])


@pytest.mark.parametrize("who", ["other_district", "counter", "bangkok"])
def test_only_the_district_its_province_and_hq_acknowledge(falling, people, who):
    """Each of them cannot even read the district's alerts: not found."""
    (alert,) = alerts.happiness_alerts_raise(today=TODAY)
    with pytest.raises(NotFound):
        alerts.happiness_alert_acknowledge(alert=alert, actor=people[who])
    assert HappinessAlert.objects.get().acknowledged_at is None


def test_an_abolished_district_gets_no_alert(falling, people):
    from saduak.areas.models import District

    District.objects.filter(code="5001").update(is_active=False)
    assert alerts.happiness_alerts_raise(today=TODAY) == []
