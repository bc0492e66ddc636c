from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache

from saduak.accounts.choices import Role
from saduak.appointments.choices import AppointmentPriority, BookingStatus, TicketStatus
from saduak.appointments.models import Ticket
from saduak.appointments.selectors import queue as queue_selectors
from saduak.appointments.services import bookings, queue
from saduak.appointments.services.catalogue import queue_settings_save
from saduak.appointments.tests.conftest import NOW, TODAY, slot_at
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.notifications.models import Notification

pytestmark = pytest.mark.django_db


def walk_in(offered, **fields):
    return queue.ticket_issue(offered=offered, actor="kiosk:reg-5001", **fields)


@pytest.mark.parametrize("landline", ["0531234567", "021234567"])
def test_a_ticket_takes_only_a_mobile_number_for_its_sms(renewal, landline):
    with pytest.raises(InvalidInput) as refused:
        walk_in(renewal, phone=landline)
    assert refused.value.field == "phone"
    assert walk_in(renewal, phone="+66 81 234 5678").phone == "0812345678"


def test_tickets_are_numbered_per_group_and_day(renewal, move_in):
    first, second = walk_in(renewal), walk_in(renewal)
    other = walk_in(move_in)
    assert [first.label, second.label, other.label] == ["A001", "A002", "B001"]
    assert AuditEvent.objects.filter(action="appointments.ticket.issue").count() == 3
    with time_machine.travel(NOW + timedelta(days=1)):
        assert walk_in(renewal).label == "A001"


def test_a_bad_phone_number_on_a_ticket_is_refused(renewal):
    with pytest.raises(InvalidInput) as refused:
        walk_in(renewal, phone="12345")
    assert refused.value.field == "phone"
    assert not Ticket.objects.exists()


def test_call_next_calls_in_order_and_finishes_the_previous_ticket(
    renewal, counters, officer
):
    first, second = walk_in(renewal), walk_in(renewal)
    called = queue.ticket_call_next(actor=officer, counter=counters[0])
    assert called.pk == first.pk and called.status == TicketStatus.CALLED
    again = queue.ticket_call_next(actor=officer, counter=counters[0])
    assert again.pk == second.pk
    assert Ticket.objects.get(pk=first.pk).status == TicketStatus.COMPLETED
    assert queue.ticket_call_next(actor=officer, counter=counters[0]) is None
    assert AuditEvent.objects.filter(action="appointments.ticket.call").count() == 2


def test_a_counter_calls_only_the_services_it_serves(
    renewal, move_in, counters, officer
):
    walk_in(move_in)
    assert queue.ticket_call_next(actor=officer, counter=counters[0]) is None
    assert queue.ticket_call_next(actor=officer, counter=counters[1]).label == "B001"


def test_priority_people_and_appointments_go_first_by_default(
    renewal, counters, officer, citizen
):
    walk_in(renewal)
    booking = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TODAY, 12))
    with time_machine.travel(booking.starts_at - timedelta(minutes=10)):
        appointment = queue.booking_check_in(
            office=renewal.office, reference=booking.reference, actor=officer
        )
        elderly = walk_in(renewal, priority=True)
        order = [
            queue.ticket_call_next(actor=officer, counter=counters[0]).pk
            for _ in range(3)
        ]
    assert order[0] == elderly.pk
    assert order[1] == appointment.pk


def test_alternate_takes_turns_between_appointments_and_walk_ins(
    renewal, counters, officer, admin, make_user
):
    queue_settings_save(
        actor=admin,
        office=renewal.office,
        appointment_priority=AppointmentPriority.ALTERNATE,
    )
    walk_ins = [walk_in(renewal), walk_in(renewal)]
    checked = []
    for hour in (12, 13):
        booking = bookings.booking_create(
            actor=make_user(), slot=slot_at(renewal, TODAY, hour)
        )
        with time_machine.travel(booking.starts_at - timedelta(minutes=5)):
            checked.append(
                queue.booking_check_in(
                    office=renewal.office, reference=booking.reference, actor=officer
                )
            )
    with time_machine.travel(NOW + timedelta(hours=4)):
        kinds = [
            queue.ticket_call_next(actor=officer, counter=counters[0]).kind
            for _ in range(4)
        ]
    assert kinds == ["appointment", "walk_in", "appointment", "walk_in"]
    assert walk_ins and checked


def test_a_booking_checks_in_once_only_on_its_day_at_its_office(
    renewal, citizen, officer
):
    booking = bookings.booking_create(
        actor=citizen, slot=slot_at(renewal, TODAY + timedelta(days=1), 9)
    )
    with pytest.raises(Conflict) as refused:
        queue.booking_check_in(
            office=renewal.office, reference=booking.reference, actor=officer
        )
    assert refused.value.code == "booking-other-day"
    with time_machine.travel(booking.starts_at - timedelta(minutes=30)):
        ticket = queue.booking_check_in(
            office=renewal.office, reference=booking.reference.lower(), actor=officer
        )
        assert ticket.kind == "appointment" and ticket.booking == booking
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CHECKED_IN
        with pytest.raises(Conflict):
            queue.booking_check_in(
                office=renewal.office, reference=booking.reference, actor=officer
            )


def test_an_unknown_booking_code_is_refused_at_check_in(renewal, officer):
    with pytest.raises(NotFound):
        queue.booking_check_in(office=renewal.office, reference="ZZZZ", actor=officer)


def test_late_arrivals_take_a_walk_in_ticket(renewal, citizen, officer):
    booking = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TODAY, 12))
    with (
        time_machine.travel(booking.slot.ends_at + timedelta(minutes=31)),
        pytest.raises(Conflict) as refused,
    ):
        queue.booking_check_in(
            office=renewal.office, reference=booking.reference, actor=officer
        )
    assert refused.value.code == "booking-late"


def test_recall_no_show_and_complete(renewal, counters, officer):
    ticket = walk_in(renewal)
    queue.ticket_call_next(actor=officer, counter=counters[0])
    recalled = queue.ticket_recall(actor=officer, ticket=ticket)
    assert recalled.recalls == 1
    queue.ticket_no_show(actor=officer, ticket=ticket)
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.NO_SHOW
    with pytest.raises(Conflict):
        queue.ticket_complete(actor=officer, ticket=ticket)
    assert AuditEvent.objects.filter(action="appointments.ticket.no_show").exists()


def test_a_transfer_keeps_the_persons_place_in_time(
    renewal, move_in, counters, officer
):
    first = walk_in(renewal)
    waiting = walk_in(move_in)
    queue.ticket_call_next(actor=officer, counter=counters[0])
    moved = queue.ticket_transfer(actor=officer, ticket=first, to=move_in)
    assert moved.label == "B002"
    assert Ticket.objects.get(pk=first.pk).status == TicketStatus.TRANSFERRED
    # The transferred person joined B's queue at their first ticket's time.
    assert queue.ticket_call_next(actor=officer, counter=counters[1]).pk == moved.pk
    assert waiting.status == TicketStatus.WAITING
    # Their own page follows them.
    assert (
        queue_selectors.current_ticket(Ticket.objects.get(pk=first.pk)).pk == moved.pk
    )


def test_a_ticket_of_another_office_is_not_found(renewal, counters, make_staff):
    ticket = walk_in(renewal)
    elsewhere = make_staff(Role.COUNTER_OFFICER, "reg-5002")
    with pytest.raises(NotFound):
        queue.ticket_recall(actor=elsewhere, ticket=ticket)
    with pytest.raises(NotFound):
        queue.ticket_call_next(actor=elsewhere, counter=counters[0])
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING and ticket.recalls == 0


def test_the_board_shows_the_latest_call_and_is_rebuilt_after_a_change(
    renewal, counters, officer, django_capture_on_commit_callbacks
):
    walk_in(renewal)
    walk_in(renewal)
    office = renewal.office
    assert queue_selectors.now_serving(office).waiting == {"A": 2}
    with django_capture_on_commit_callbacks(execute=True):
        queue.ticket_call_next(actor=officer, counter=counters[0])
    board = queue_selectors.now_serving(office)
    assert board.serving[0].ticket == "A001"
    assert board.serving[0].counter_number == counters[0].number
    assert board.waiting == {"A": 1}
    assert cache.get(f"queue-board:{office.pk}") is not None


def test_people_ahead_counts_those_called_before(renewal):
    tickets = [walk_in(renewal) for _ in range(3)]
    assert [queue_selectors.people_ahead(t) for t in tickets] == [0, 1, 2]


def test_people_near_their_turn_get_one_message(
    renewal, counters, officer, django_capture_on_commit_callbacks
):
    tickets = [walk_in(renewal, phone=f"081000000{n}") for n in range(6)]
    with django_capture_on_commit_callbacks(execute=True):
        queue.ticket_call_next(actor=officer, counter=counters[0])
    told = set(
        Notification.objects.filter(
            template_key="appointments.ticket.near"
        ).values_list("address", flat=True)
    )
    # notify_when_ahead is 3: the next four (0 to 3 ahead) are told.
    assert told == {t.phone for t in tickets[1:5]}
    with django_capture_on_commit_callbacks(execute=True):
        queue.ticket_call_next(actor=officer, counter=counters[0])
    assert (
        Notification.objects.filter(template_key="appointments.ticket.near").count()
        == 5
    )


def test_a_finance_officer_cannot_call_the_next_ticket(renewal, counters, make_staff):
    ticket = walk_in(renewal)
    finance = make_staff(Role.FINANCE_OFFICER, "pao-50")
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDeniedError):
        queue.ticket_call_next(actor=finance, counter=counters[0])
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING and ticket.counter is None
    assert AuditEvent.objects.count() == before


def test_an_auditor_cannot_act_at_a_counter(renewal, counters, officer, make_staff):
    walk_in(renewal)
    called = queue.ticket_call_next(actor=officer, counter=counters[0])
    auditor = make_staff(Role.AUDITOR, "hq")
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDeniedError):
        queue.ticket_call_next(actor=auditor, counter=counters[0])
    for act in (queue.ticket_recall, queue.ticket_complete, queue.ticket_no_show):
        with pytest.raises(PermissionDeniedError):
            act(actor=auditor, ticket=called)
    with pytest.raises(PermissionDeniedError):
        queue.ticket_issue(offered=renewal, actor=auditor)
    called.refresh_from_db()
    assert called.status == TicketStatus.CALLED and called.recalls == 0
    assert Ticket.objects.count() == 1
    assert AuditEvent.objects.count() == before


def test_provincial_staff_cannot_issue_tickets_or_check_bookings_in(
    renewal, make_staff
):
    provincial = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    with pytest.raises(PermissionDeniedError):
        queue.ticket_issue(offered=renewal, actor=provincial)
    with pytest.raises(PermissionDeniedError):
        queue.booking_check_in(
            office=renewal.office, reference="AAAA3333", actor=provincial
        )
    assert not Ticket.objects.exists()


def test_a_kiosk_issues_tickets_only_at_its_own_office(renewal):
    with pytest.raises(PermissionDeniedError):
        queue.ticket_issue(offered=renewal, actor="kiosk:reg-5002")
    assert not Ticket.objects.exists()
    issued = queue.ticket_issue(
        offered=renewal, actor=queue.kiosk_actor(renewal.office)
    )
    assert AuditEvent.objects.get(action="appointments.ticket.issue").actor_label == (
        "kiosk:reg-5001"
    )
    assert issued.label == "A001"


def test_a_kiosk_cannot_call_tickets(renewal, counters):
    walk_in(renewal)
    with pytest.raises(PermissionDeniedError):
        queue.ticket_call_next(actor="kiosk:reg-5001", counter=counters[0])
