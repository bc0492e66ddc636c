"""Appointments' KPI sources against the records themselves, built through the
real services: Mobile Unit requests served (with a visit, without one, late
records) in three districts of two provinces; bookings checked in early and
late and called at two offices. The expected figures are counted here from the
requests and tickets, independently of the rollup and the day statistics the
sources read; the rollup's recount repairs drift and is the backfill."""

import importlib
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.appointments.choices import MobileRequestStatus
from saduak.appointments.mobile_rollups import mobile_rollups_recount
from saduak.appointments.models import (
    MobileRequest,
    MobileServedCounts,
    OfficeDayStats,
    Ticket,
)
from saduak.appointments.services import bookings, queue
from saduak.appointments.services.mobile import (
    mobile_request_close,
    mobile_request_create,
    mobile_visit_schedule,
)
from saduak.appointments.services.stats import offices_day_recount
from saduak.appointments.tests.conftest import BANGKOK, TODAY, offer, slot_at
from saduak.appointments.tests.test_mobile import details
from saduak.areas.models import Counter, Office
from saduak.audit.models import AuditEvent
from saduak.core.measures import Measured, MeasureScope, measure_source_get

pytestmark = pytest.mark.django_db

SERVED, BOOKINGS = "appointments.mobile_people_served", "appointments.bookings_on_time"


def at(day: date, hour: int = 10, minute: int = 0) -> time_machine.travel:
    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=BANGKOK)
    return time_machine.travel(moment, tick=False)


def scope(level: str, code: str, where: Q, start: date, end: date) -> MeasureScope:
    return MeasureScope(level, code, where, start, end)


def total(figures: dict[str, Measured]) -> Measured:
    numerator = sum((item.numerator for item in figures.values()), Decimal(0))
    if all(item.denominator is None for item in figures.values()):
        return Measured(numerator)
    return Measured(
        numerator,
        sum((item.denominator or Decimal(0) for item in figures.values()), Decimal(0)),
    )


# --- Mobile Unit people served -----------------------------------------------------

DEC_1, DEC_2, DEC_30 = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 30)
JAN_2, JAN_5 = date(2027, 1, 2), date(2027, 1, 5)


@pytest.fixture
def served(small_map: None, make_staff: Any) -> dict[str, MobileRequest]:
    """Requests made on 30 November; served on 2 and 30 December (the second
    recorded on 2 January), on 5 January without a visit, on 30 November in
    Bangkok; one visited and not served, one still open."""
    staff_5001 = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    staff_5002 = make_staff(Role.DISTRICT_ADMIN, "do-5002")
    staff_1001 = make_staff(Role.DISTRICT_ADMIN, "do-1001")
    made = {
        name: mobile_request_create(
            details=details(subdistrict_code=subdistrict), actor=None
        )
        for name, subdistrict in (
            ("si-phum", "500101"),
            ("si-phum-2", "500101"),
            ("phra-sing", "500102"),
            ("phra-sing-2", "500102"),
            ("chom-thong", "500201"),
            ("open", "500201"),
            ("bangkok", "100101"),
        )
    }
    do_5001 = Office.objects.get(code="do-5001")
    mobile_visit_schedule(
        actor=staff_5001,
        office=do_5001,
        day=DEC_2,
        requests=[made["si-phum"], made["si-phum-2"]],
    )
    mobile_visit_schedule(
        actor=staff_5001,
        office=do_5001,
        day=DEC_30,
        requests=[made["phra-sing"], made["phra-sing-2"]],
    )
    mobile_request_close(
        actor=staff_1001,
        request=made["bangkok"],
        outcome=MobileRequestStatus.SERVED,
    )
    with at(date(2026, 12, 3)):
        for name, outcome in (
            ("si-phum", MobileRequestStatus.SERVED),
            ("si-phum-2", MobileRequestStatus.NOT_SERVED),
        ):
            mobile_request_close(
                actor=staff_5001, request=made[name], outcome=outcome, note="ไม่อยู่บ้าน"
            )
    with at(JAN_2):
        for name in ("phra-sing", "phra-sing-2"):
            mobile_request_close(
                actor=staff_5001,
                request=made[name],
                outcome=MobileRequestStatus.SERVED,
            )
    with at(JAN_5):
        mobile_request_close(
            actor=staff_5002,
            request=made["chom-thong"],
            outcome=MobileRequestStatus.SERVED,
        )
    for request in made.values():
        request.refresh_from_db()
    return made


def served_count(start: date, end: date, **where: str) -> Measured:
    """People served in [start, end]: a served request's day is its visit's
    day, or the day its outcome was recorded when it had no visit."""
    people = 0
    for request in MobileRequest.objects.filter(
        status=MobileRequestStatus.SERVED, **where
    ).select_related("visit"):
        assert request.closed_at is not None
        day = (
            request.visit.day
            if request.visit is not None
            else request.closed_at.astimezone(BANGKOK).date()
        )
        people += start <= day <= end
    return Measured(Decimal(people))


def test_people_are_counted_by_the_day_they_were_served(served):
    assert served["si-phum"].served_on == DEC_2
    assert served["phra-sing"].served_on == DEC_30  # recorded on 2 January
    assert served["chom-thong"].served_on == JAN_5  # no visit: the day recorded
    assert served["bangkok"].served_on == TODAY
    assert served["si-phum-2"].served_on is None
    event = AuditEvent.objects.filter(action="appointments.mobile.close").latest("id")
    assert event.after["served_on"] == JAN_5.isoformat()
    source = measure_source_get(SERVED)
    assert source is not None and source.measure_unit == "count"
    assert source.denominator_label is None
    with translation.override("th"):
        assert str(source.label) == ("จำนวนประชาชนที่ได้รับบริการจากหน่วยบริการเคลื่อนที่")
    start, end = DEC_1, JAN_2
    cases = [
        (scope("country", "", Q(), start, end), {}),
        (scope("province", "50", Q(province_id="50"), start, end), {"province": "50"}),
        (
            scope("district", "5001", Q(district_id="5001"), start, end),
            {"district": "5001"},
        ),
        (
            scope("district", "5002", Q(district_id="5002"), start, end),
            {"district": "5002"},
        ),
    ]
    for measured, where in cases:
        assert source.compute(measured) == served_count(start, end, **where)
    # All three requests were made on 30 November, outside the period: by the
    # request's day the period would count none.
    assert source.compute(cases[0][0]) == Measured(Decimal(3))
    whole = scope("country", "", Q(), TODAY, JAN_5)
    assert source.compute(whole) == served_count(TODAY, JAN_5) == Measured(Decimal(5))


def test_the_children_add_up_to_their_parent(served):
    source = measure_source_get(SERVED)
    assert source is not None and source.per_child is not None
    start, end = TODAY, JAN_5
    country = scope("country", "", Q(), start, end)
    province = scope("province", "50", Q(province_id="50"), start, end)
    by_province = source.per_child(country)
    assert set(by_province) == {"10", "50"}
    assert total(by_province) == source.compute(country)
    assert by_province["10"] == served_count(start, end, province="10")
    by_district = source.per_child(province)
    assert total(by_district) == source.compute(province)
    assert by_district == {
        "5001": served_count(start, end, district="5001"),
        "5002": served_count(start, end, district="5002"),
    }
    # A district is the smallest unit a request belongs to.
    district = scope("district", "5001", Q(district_id="5001"), start, end)
    assert source.per_child(district) == {}
    assert "office" not in source.levels


def test_the_recount_repairs_drift_and_finds_nothing_after_the_services(served):
    assert mobile_rollups_recount() == 0
    row = MobileServedCounts.objects.get(district_id="5001", day=DEC_30)
    row.served = 7
    row.save(update_fields=["served"])
    MobileServedCounts.objects.filter(district_id="5002", whole_month=True).delete()
    MobileServedCounts.objects.create(
        district_id="5002", province_id="50", day=DEC_1, served=2
    )
    assert mobile_rollups_recount() == 3
    assert mobile_rollups_recount() == 0
    call_command(
        "appointments_mobile_recount", "--start", "2026-12-01", "--end", "2027-01-31"
    )
    source = measure_source_get(SERVED)
    assert source is not None
    country = scope("country", "", Q(), TODAY, JAN_5)
    assert source.compute(country) == served_count(TODAY, JAN_5)


def test_the_migration_gives_requests_served_before_it_their_day(served):
    MobileRequest.objects.update(served_on=None)
    MobileServedCounts.objects.all().delete()
    migration = importlib.import_module(
        "saduak.appointments.migrations.0003_kpi_measures"
    )
    migration.served_days(django_apps, None)
    assert {
        name: MobileRequest.objects.get(pk=request.pk).served_on
        for name, request in served.items()
    } == {name: request.served_on for name, request in served.items()}
    call_command("appointments_mobile_recount")
    source = measure_source_get(SERVED)
    assert source is not None
    country = scope("country", "", Q(), TODAY, JAN_5)
    assert source.compute(country) == Measured(Decimal(5))


# --- Bookings served on time ---------------------------------------------------------

TOMORROW = TODAY + timedelta(days=1)


@pytest.fixture
def called(renewal, counters, officer, make_user, make_staff, catalogue) -> None:
    """Tomorrow at reg-5001, two bookings of the 10:00 slot: one holder checks
    in at 09:50 and is called at 10:25 (35 minutes after checking in, 25 after
    the booked time: on time), the other checks in late at 10:40 and is called
    at 11:20 (40 minutes: late). A walk-in called too, and a booking nobody
    kept. At do-5002, one booking called 5 minutes after its time."""
    early, late = (
        bookings.booking_create(actor=make_user(), slot=slot_at(renewal, TOMORROW, 10))
        for _ in range(2)
    )
    bookings.booking_create(actor=make_user(), slot=slot_at(renewal, TOMORROW, 11))
    office = renewal.office
    with at(TOMORROW, 9, 0):
        queue.ticket_issue(offered=renewal, actor=officer)
    with at(TOMORROW, 9, 5):
        walked = queue.ticket_call_next(actor=officer, counter=counters[0])
        assert walked is not None
        queue.ticket_complete(actor=officer, ticket=walked)
    with at(TOMORROW, 9, 50):
        queue.booking_check_in(office=office, reference=early.reference, actor=officer)
    with at(TOMORROW, 10, 25):
        ticket = queue.ticket_call_next(actor=officer, counter=counters[0])
        assert ticket is not None and ticket.booking_id == early.pk
        queue.ticket_complete(actor=officer, ticket=ticket)
    with at(TOMORROW, 10, 40):
        queue.booking_check_in(office=office, reference=late.reference, actor=officer)
    with at(TOMORROW, 11, 20):
        ticket = queue.ticket_call_next(actor=officer, counter=counters[0])
        assert ticket is not None and ticket.booking_id == late.pk
        queue.ticket_complete(actor=officer, ticket=ticket)
    chom_thong = Office.objects.get(code="do-5002")
    counter = Counter.objects.filter(office=chom_thong).order_by("number").first()
    assert counter is not None
    offered = offer(
        make_staff(Role.DISTRICT_ADMIN, "do-5002"),
        chom_thong,
        catalogue["id-card-renewal"],
        [counter],
    )
    officer_5002 = make_staff(Role.COUNTER_OFFICER, "do-5002")
    booked = bookings.booking_create(
        actor=make_user(), slot=slot_at(offered, TOMORROW, 14)
    )
    with at(TOMORROW, 13, 55):
        queue.booking_check_in(
            office=chom_thong, reference=booked.reference, actor=officer_5002
        )
    with at(TOMORROW, 14, 5):
        assert queue.ticket_call_next(actor=officer_5002, counter=counter) is not None
    with at(TOMORROW + timedelta(days=1), 1, 0):
        assert offices_day_recount(TOMORROW) == 2


def on_time_count(**where: Any) -> Measured:
    """Booked tickets called, and those called within 30 minutes of the later
    of the booked time and the check-in."""
    called_tickets = Ticket.objects.filter(
        booking__isnull=False, called_at__isnull=False, **where
    ).select_related("booking")
    on_time = 0
    for ticket in called_tickets:
        assert ticket.booking is not None and ticket.called_at is not None
        waited_from = max(ticket.booking.starts_at, ticket.issued_at)
        on_time += ticket.called_at - waited_from <= timedelta(minutes=30)
    return Measured(Decimal(on_time), Decimal(len(called_tickets)))


def test_the_share_of_bookings_called_on_time_equals_a_count_of_the_tickets(called):
    source = measure_source_get(BOOKINGS)
    assert source is not None and source.measure_unit == "percent"
    stats = OfficeDayStats.objects.get(office__code="reg-5001", day=TOMORROW)
    # The office's own waiting figure counts the early holder as late (35
    # minutes after checking in); the booking measure does not.
    assert (stats.bookings_called, stats.bookings_on_time) == (2, 1)
    assert stats.served_within_target == 1
    reg = Office.objects.get(code="reg-5001")
    cases = [
        (scope("country", "", Q(), TODAY, TOMORROW), {}),
        (scope("province", "50", Q(province_id="50"), TODAY, TOMORROW), {}),
        (
            scope("district", "5001", Q(district_id="5001"), TODAY, TOMORROW),
            {"office__district_id": "5001"},
        ),
        (
            scope("office", "reg-5001", Q(office_id=reg.pk), TODAY, TOMORROW),
            {"office": reg},
        ),
    ]
    for measured, where in cases:
        assert source.compute(measured) == on_time_count(**where)
    assert source.compute(cases[0][0]) == Measured(Decimal(2), Decimal(3))
    assert source.compute(
        scope(
            "country",
            "",
            Q(),
            TOMORROW + timedelta(days=1),
            TOMORROW + timedelta(days=2),
        )
    ) == Measured(Decimal(0), Decimal(0))


def test_the_booking_children_add_up_to_their_parent(called):
    source = measure_source_get(BOOKINGS)
    assert source is not None and source.per_child is not None
    for parent in (
        scope("country", "", Q(), TODAY, TOMORROW),
        scope("province", "50", Q(province_id="50"), TODAY, TOMORROW),
        scope("district", "5001", Q(district_id="5001"), TODAY, TOMORROW),
    ):
        assert total(source.per_child(parent)) == source.compute(parent)
    by_district = source.per_child(
        scope("province", "50", Q(province_id="50"), TODAY, TOMORROW)
    )
    assert by_district == {
        "5001": on_time_count(office__district_id="5001"),
        "5002": on_time_count(office__district_id="5002"),
    }
    by_office = source.per_child(
        scope("district", "5001", Q(district_id="5001"), TODAY, TOMORROW)
    )
    assert by_office == {"reg-5001": on_time_count(office__code="reg-5001")}


def test_older_days_get_the_booking_figures_from_the_recount_command(called):
    OfficeDayStats.objects.update(bookings_called=0, bookings_on_time=0)
    day = TOMORROW.isoformat()
    call_command("appointments_day_stats_recount", "--start", day, "--end", day)
    stats = OfficeDayStats.objects.get(office__code="reg-5001", day=TOMORROW)
    assert (stats.bookings_called, stats.bookings_on_time) == (2, 1)
    with pytest.raises(CommandError, match="--start"):
        call_command(
            "appointments_day_stats_recount", "--start", day, "--end", TODAY.isoformat()
        )


# --- Booking use and visitors called within the target (GECC outcome items) ---------

USE, WITHIN = "appointments.booking_use", "appointments.called_within_target"


def use_count(**where: Any) -> Measured:
    """Visitors who came (tickets not made by a transfer) and of them those
    who came with a booking, counted from the tickets."""
    came = Ticket.objects.filter(transferred_from__isnull=True, **where)
    booked = came.filter(booking__isnull=False).count()
    return Measured(Decimal(booked), Decimal(came.count()))


def within_count(**where: Any) -> Measured:
    """Tickets called, and those called within 30 minutes of being issued."""
    called_tickets = Ticket.objects.filter(called_at__isnull=False, **where)
    within = sum(
        ticket.called_at - ticket.issued_at <= timedelta(minutes=30)
        for ticket in called_tickets
        if ticket.called_at is not None
    )
    return Measured(Decimal(within), Decimal(called_tickets.count()))


def test_booking_use_and_waiting_within_target_equal_counts_of_the_tickets(called):
    reg = Office.objects.get(code="reg-5001")
    use = measure_source_get(USE)
    within = measure_source_get(WITHIN)
    assert use is not None and use.measure_unit == "percent"
    assert within is not None and within.levels == frozenset({"district", "office"})
    cases = [
        (scope("province", "50", Q(province_id="50"), TODAY, TOMORROW), {}),
        (
            scope("district", "5001", Q(district_id="5001"), TODAY, TOMORROW),
            {"office__district_id": "5001"},
        ),
        (
            scope("office", "reg-5001", Q(office_id=reg.pk), TODAY, TOMORROW),
            {"office": reg},
        ),
    ]
    for measured, where in cases:
        assert use.compute(measured) == use_count(**where)
    for measured, where in cases[1:]:
        assert within.compute(measured) == within_count(**where)
    # At reg-5001: a walk-in and two bookings came; the walk-in (5 minutes)
    # was called within 30 minutes, the holders after 35 and 40.
    assert use.compute(cases[2][0]) == Measured(Decimal(2), Decimal(3))
    assert within.compute(cases[2][0]) == Measured(Decimal(1), Decimal(3))
    district = scope("district", "5001", Q(district_id="5001"), TODAY, TOMORROW)
    assert within.per_child is not None and use.per_child is not None
    assert within.per_child(district) == {"reg-5001": within_count(office=reg)}
    assert use.per_child(district) == {"reg-5001": use_count(office=reg)}
    later = TOMORROW + timedelta(days=2)
    empty = scope("office", "reg-5001", Q(office_id=reg.pk), later, later)
    assert use.compute(empty) == Measured(Decimal(0), Decimal(0))
    assert within.compute(empty) == Measured(Decimal(0), Decimal(0))
