from datetime import timedelta

import pytest
import time_machine

from saduak.accounts.choices import Role
from saduak.appointments.models import OfficeDayStats
from saduak.appointments.selectors.stats import (
    office_statistics,
    percentile,
    report_table,
)
from saduak.appointments.services import bookings, queue
from saduak.appointments.services.stats import bookings_close_past, office_day_rollup
from saduak.appointments.tests.conftest import NOW, TODAY, slot_at
from saduak.core.errors import PermissionDeniedError

pytestmark = pytest.mark.django_db


def a_day_at_the_counters(renewal, counters, officer, citizen):
    bookings.booking_create(actor=citizen, slot=slot_at(renewal, TODAY, 14))
    with time_machine.travel(NOW, tick=False):
        tickets = [queue.ticket_issue(offered=renewal, actor="kiosk") for _ in range(3)]
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        queue.ticket_call_next(actor=officer, counter=counters[0])
    with time_machine.travel(NOW + timedelta(minutes=15), tick=False):
        queue.ticket_complete(actor=officer, ticket=tickets[0])
        queue.ticket_call_next(actor=officer, counter=counters[0])
    with time_machine.travel(NOW + timedelta(minutes=50), tick=False):
        queue.ticket_no_show(actor=officer, ticket=tickets[1])
    return tickets


def test_a_day_is_counted_with_waits_services_and_the_target(
    renewal, counters, officer, citizen
):
    a_day_at_the_counters(renewal, counters, officer, citizen)
    stats = office_day_rollup(office=renewal.office, day=TODAY)
    assert (stats.bookings, stats.walk_ins, stats.served, stats.ticket_no_shows) == (
        1,
        3,
        1,
        1,
    )
    # Waits of 10 and 15 minutes; both within the 30-minute target.
    assert stats.wait_seconds_total == 25 * 60
    assert stats.served_within_target == 2
    assert stats.wait_histogram[10] == stats.wait_histogram[15] == 1
    assert stats.service_seconds_total == 5 * 60
    again = office_day_rollup(office=renewal.office, day=TODAY)
    assert again.pk == stats.pk and OfficeDayStats.objects.count() == 1


def test_percentiles_come_from_the_minute_histogram():
    assert percentile([0] * 10, 0.9) is None
    assert percentile([5, 0, 0, 4, 1], 0.9) == 3
    assert percentile([0, 0, 1], 0.5) == 2


def test_reports_sum_offices_for_districts_provinces_and_the_country(
    renewal, counters, officer, citizen, admin, make_staff
):
    a_day_at_the_counters(renewal, counters, officer, citizen)
    office_day_rollup(office=renewal.office, day=TODAY)
    hq = make_staff(Role.HQ_ADMIN, "hq")
    country = office_statistics(
        viewer=hq, level="country", code="", start=TODAY, end=TODAY
    )
    assert [row.key for row in country.rows] == ["50"]
    assert country.total.counts["walk_ins"] == 3
    assert country.total.wait_p90_minutes == 15
    district = office_statistics(
        viewer=admin, level="district", code="5001", start=TODAY, end=TODAY
    )
    assert [row.key for row in district.rows] == ["reg-5001"]
    header, rows = report_table(district)
    assert len(header) == len(rows[0]) and rows[-1][4] == 3
    with pytest.raises(PermissionDeniedError):
        office_statistics(
            viewer=admin, level="country", code="", start=TODAY, end=TODAY
        )
    with pytest.raises(PermissionDeniedError):
        office_statistics(
            viewer=admin, level="district", code="5002", start=TODAY, end=TODAY
        )


def test_bookings_nobody_came_for_are_closed_after_their_day(renewal, citizen):
    booking = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TODAY, 14))
    assert bookings_close_past() == 0
    with time_machine.travel(NOW + timedelta(days=1)):
        assert bookings_close_past() == 1
    booking.refresh_from_db()
    assert booking.status == "no_show"
    stats = office_day_rollup(office=renewal.office, day=TODAY)
    assert stats.booking_no_shows == 1


def test_each_role_starts_at_the_widest_unit_it_reaches(make_staff):
    from saduak.appointments.selectors.stats import default_unit

    assert default_unit(make_staff(Role.HQ_ADMIN, "hq")) == ("country", "")
    assert default_unit(make_staff(Role.PROVINCIAL_STAFF, "pao-50")) == (
        "province",
        "50",
    )
    assert default_unit(make_staff(Role.DISTRICT_ADMIN, "do-5001")) == (
        "district",
        "5001",
    )
    counter = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    assert default_unit(counter) == ("office", "reg-5001")
    assert default_unit(counter, offices=False) == ("district", "5001")
