import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.appointments.choices import BookingStatus
from saduak.appointments.models import Booking, Slot
from saduak.appointments.services import bookings
from saduak.appointments.services.bookings import Caller, SlotUnavailable
from saduak.appointments.tests.conftest import TODAY, slot_at
from saduak.areas.models import Holiday
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.notifications.models import Notification

pytestmark = pytest.mark.django_db

TUESDAY = TODAY + timedelta(days=1)


@pytest.fixture
def phoned_citizen(make_user):
    return make_user(first_name="สมศรี", last_name="ใจดี", phone="0812345678")


def test_a_booking_takes_a_seat_is_audited_and_confirmed_by_sms(
    renewal, phoned_citizen, django_capture_on_commit_callbacks
):
    slot = slot_at(renewal, TUESDAY, 9)
    with django_capture_on_commit_callbacks(execute=True):
        booking = bookings.booking_create(actor=phoned_citizen, slot=slot)
    slot.refresh_from_db()
    assert slot.booked == 1
    assert len(booking.reference) == 8
    assert set(booking.reference) <= set("ACDEFHJKMNPRTUVWXY3479")
    assert (booking.personal_id, booking.channel) == (
        phoned_citizen.personal_id,
        "online",
    )
    event = AuditEvent.objects.get(action="appointments.booking.create")
    assert event.after["reference"] == booking.reference
    sms = Notification.objects.get(template_key="appointments.booking.confirmed")
    assert sms.address == "0812345678"
    assert booking.reference in sms.body


def test_a_full_slot_is_refused_with_other_times_and_nothing_is_saved(
    renewal, make_user
):
    slot = slot_at(renewal, TUESDAY, 9)
    for _ in range(2):
        bookings.booking_create(actor=make_user(), slot=slot)
    with pytest.raises(SlotUnavailable) as refused:
        bookings.booking_create(actor=make_user(), slot=slot)
    assert refused.value.code == "full"
    alternatives = refused.value.extra["alternatives"]
    assert alternatives and alternatives[0]["office"] == "reg-5001"
    assert alternatives[0]["slot"] != slot.pk
    assert Booking.objects.count() == 2
    assert Slot.objects.get(pk=slot.pk).booked == 2


def test_a_second_active_booking_of_the_same_service_is_refused_and_keeps_the_seat(
    renewal, citizen
):
    first = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TUESDAY, 9))
    other = slot_at(renewal, TUESDAY, 10)
    with pytest.raises(Conflict) as refused:
        bookings.booking_create(actor=citizen, slot=other)
    assert refused.value.code == "already-booked"
    assert refused.value.extra["reference"] == first.reference
    assert Slot.objects.get(pk=other.pk).booked == 0
    assert AuditEvent.objects.filter(action="appointments.booking.create").count() == 1


def test_a_reference_drawn_twice_is_drawn_again_and_the_seat_counted_once(
    renewal, make_user, monkeypatch
):
    first = bookings.booking_create(
        actor=make_user(), slot=slot_at(renewal, TUESDAY, 9)
    )
    draws = iter([first.reference, "ACDEFHJK"])
    monkeypatch.setattr(bookings, "new_reference", lambda: next(draws))
    slot = slot_at(renewal, TUESDAY, 10)
    second = bookings.booking_create(actor=make_user(), slot=slot)
    assert second.reference == "ACDEFHJK"
    assert Slot.objects.get(pk=slot.pk).booked == 1
    assert AuditEvent.objects.filter(action="appointments.booking.create").count() == 2


def test_another_service_can_be_booked_at_the_same_time(renewal, move_in, citizen):
    bookings.booking_create(actor=citizen, slot=slot_at(renewal, TUESDAY, 9))
    bookings.booking_create(actor=citizen, slot=slot_at(move_in, TUESDAY, 9))
    assert Booking.objects.filter(citizen=citizen).count() == 2


@pytest.mark.parametrize(
    ("when", "code"),
    [
        (lambda: (TODAY, 8, 30), "past"),
        (lambda: (TODAY, 10, 0), "too-soon"),
    ],
)
def test_a_past_or_too_soon_time_is_refused(renewal, citizen, when, code):
    day, hour, minute = when()
    with pytest.raises(SlotUnavailable) as refused:
        bookings.booking_create(actor=citizen, slot=slot_at(renewal, day, hour, minute))
    assert refused.value.code == code
    assert not Booking.objects.exists()


def test_a_day_beyond_the_booking_window_is_refused(renewal, citizen):
    renewal.days_ahead = 1
    renewal.save(update_fields=["days_ahead"])
    slot = slot_at(renewal, TODAY + timedelta(days=2), 9)
    with pytest.raises(SlotUnavailable) as refused:
        bookings.booking_create(actor=citizen, slot=slot)
    assert refused.value.code == "beyond-window"


def test_a_day_the_office_closed_after_the_release_is_refused(renewal, citizen, office):
    Holiday.objects.create(date=TUESDAY, name_th="ปิดทำการ", office=office)
    with pytest.raises(SlotUnavailable) as refused:
        bookings.booking_create(actor=citizen, slot=slot_at(renewal, TUESDAY, 9))
    assert refused.value.code == "closed"


def test_a_closure_added_after_bookings_cancels_that_day_and_tells_the_people(
    renewal,
    admin,
    office,
    phoned_citizen,
    make_user,
    django_capture_on_commit_callbacks,
):
    from saduak.areas_staff.services import holiday_add

    slot = slot_at(renewal, TUESDAY, 9)
    that_day = bookings.booking_create(actor=phoned_citizen, slot=slot)
    next_day = bookings.booking_create(
        actor=make_user(), slot=slot_at(renewal, TUESDAY + timedelta(days=1), 9)
    )
    with django_capture_on_commit_callbacks(execute=True):
        holiday_add(actor=admin, day=TUESDAY, name_th="น้ำท่วมสำนักงาน", office=office)
    that_day.refresh_from_db()
    next_day.refresh_from_db()
    assert (that_day.status, next_day.status) == (
        BookingStatus.CANCELLED,
        BookingStatus.BOOKED,
    )
    assert Slot.objects.get(pk=slot.pk).booked == 0
    assert (that_day.cancel_reason, that_day.cancel_note) == (
        "office_closed",
        "น้ำท่วมสำนักงาน",
    )
    event = AuditEvent.objects.get(
        action="appointments.booking.cancel", target_id=str(that_day.pk)
    )
    assert event.after["note"] == "น้ำท่วมสำนักงาน"
    sms = Notification.objects.get(template_key="appointments.booking.office_closed")
    assert sms.address == "0812345678"
    assert that_day.reference in sms.body
    assert f"/appointments/book/id-card-renewal/{office.code}/" in sms.body
    # Again (a retried task): nothing is cancelled twice.
    assert (
        bookings.bookings_cancel_for_closure(holiday_id=Holiday.objects.get().pk) == 0
    )


def test_a_national_holiday_added_late_cancels_the_day_at_every_office(
    renewal, make_staff, citizen, django_capture_on_commit_callbacks
):
    from saduak.areas_staff.services import holiday_add

    admin = make_staff(Role.HQ_ADMIN, "hq")
    booking = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TUESDAY, 10))
    with django_capture_on_commit_callbacks(execute=True):
        holiday_add(actor=admin, day=TUESDAY, name_th="วันหยุดพิเศษ")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_a_closure_removed_before_its_task_ran_cancels_nothing(renewal, citizen):
    booking = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TUESDAY, 9))
    assert bookings.bookings_cancel_for_closure(holiday_id=999_999) == 0
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_an_office_not_taking_online_bookings_refuses_them(renewal, citizen):
    renewal.online = False
    renewal.save(update_fields=["online"])
    with pytest.raises(SlotUnavailable) as refused:
        bookings.booking_create(actor=citizen, slot=slot_at(renewal, TUESDAY, 9))
    assert refused.value.code == "not-online"


def test_cancelling_frees_the_seat_and_is_audited(renewal, citizen):
    slot = slot_at(renewal, TUESDAY, 9)
    booking = bookings.booking_create(actor=citizen, slot=slot)
    bookings.booking_cancel(actor=citizen, booking=booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert Slot.objects.get(pk=slot.pk).booked == 0
    assert AuditEvent.objects.filter(action="appointments.booking.cancel").exists()
    # The service can be booked again.
    bookings.booking_create(actor=citizen, slot=slot)


def test_a_citizen_cannot_cancel_after_the_deadline_but_the_office_can(
    renewal, citizen, officer
):
    booking = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TUESDAY, 9))
    with time_machine.travel(booking.starts_at - timedelta(hours=1)):
        with pytest.raises(Conflict) as refused:
            bookings.booking_cancel(actor=citizen, booking=booking)
        assert refused.value.code == "cancellation-closed"
        bookings.booking_cancel(actor=officer, booking=booking)
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED


def test_someone_else_cannot_cancel_a_booking(renewal, citizen, make_user):
    booking = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TUESDAY, 9))
    with pytest.raises(NotFound):
        bookings.booking_cancel(actor=make_user(), booking=booking)


def test_a_cancelled_booking_cannot_be_cancelled_again(renewal, citizen):
    booking = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TUESDAY, 9))
    bookings.booking_cancel(actor=citizen, booking=booking)
    with pytest.raises(Conflict):
        bookings.booking_cancel(actor=citizen, booking=booking)
    assert Slot.objects.get(pk=booking.slot_id).booked == 0


def test_rebooking_moves_the_seat_and_links_the_bookings(renewal, citizen):
    old_slot, new_slot = slot_at(renewal, TUESDAY, 9), slot_at(renewal, TUESDAY, 11)
    old = bookings.booking_create(actor=citizen, slot=old_slot)
    new = bookings.booking_reschedule(actor=citizen, booking=old, slot=new_slot)
    assert new.rebooked_from == old
    assert Booking.objects.get(pk=old.pk).status == BookingStatus.CANCELLED
    assert (
        Slot.objects.get(pk=old_slot.pk).booked,
        Slot.objects.get(pk=new_slot.pk).booked,
    ) == (0, 1)


def test_rebooking_tells_the_person_the_new_time_only(
    renewal, phoned_citizen, django_capture_on_commit_callbacks
):
    old = bookings.booking_create(
        actor=phoned_citizen, slot=slot_at(renewal, TUESDAY, 9)
    )
    before = list(Notification.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        new = bookings.booking_reschedule(
            actor=phoned_citizen, booking=old, slot=slot_at(renewal, TUESDAY, 10)
        )
    told = Notification.objects.exclude(pk__in=before)
    assert list(told.values_list("template_key", flat=True)) == [
        "appointments.booking.confirmed"
    ]
    assert new.reference in told.get().body
    old.refresh_from_db()
    assert old.cancel_reason == "moved"


def test_rebooking_to_a_full_slot_leaves_the_booking_as_it_was(
    renewal, citizen, make_user
):
    old = bookings.booking_create(actor=citizen, slot=slot_at(renewal, TUESDAY, 9))
    full = slot_at(renewal, TUESDAY, 11)
    for _ in range(2):
        bookings.booking_create(actor=make_user(), slot=full)
    with pytest.raises(SlotUnavailable):
        bookings.booking_reschedule(actor=citizen, booking=old, slot=full)
    old.refresh_from_db()
    assert old.status == BookingStatus.BOOKED
    assert Slot.objects.get(pk=old.slot_id).booked == 1


def test_an_officer_books_for_a_caller_on_the_telephone(
    renewal, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = bookings.booking_create(
            actor=officer,
            slot=slot_at(renewal, TUESDAY, 9),
            caller=Caller("1-1000-00000-01-6", "สมศรี ใจดี", "0899999999"),
        )
    assert (booking.channel, booking.personal_id, booking.citizen) == (
        "phone",
        "1100000000016",
        None,
    )
    assert Notification.objects.get().address == "0899999999"


def test_a_caller_with_a_bad_personal_id_is_refused_with_the_reason(renewal, officer):
    with pytest.raises(InvalidInput) as refused:
        bookings.booking_create(
            actor=officer,
            slot=slot_at(renewal, TUESDAY, 9),
            caller=Caller("1100000000017", "x", "0899999999"),
        )
    assert refused.value.field == "personal_id"


def test_an_officer_of_another_district_cannot_book_by_telephone(renewal, make_staff):
    elsewhere = make_staff(Role.COUNTER_OFFICER, "reg-5002")
    with pytest.raises(PermissionDeniedError):
        bookings.booking_create(
            actor=elsewhere,
            slot=slot_at(renewal, TUESDAY, 9),
            caller=Caller("1100000000016", "x", "0899999999"),
        )


def test_the_day_before_each_booking_gets_one_reminder(renewal, phoned_citizen):
    bookings.booking_create(actor=phoned_citizen, slot=slot_at(renewal, TUESDAY, 9))
    assert bookings.booking_reminders_send() == 1
    assert bookings.booking_reminders_send() == 0
    assert (
        Notification.objects.filter(
            template_key="appointments.booking.reminder"
        ).count()
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_many_people_racing_for_a_slot_get_exactly_its_seats(renewal, make_user):
    slot = slot_at(renewal, TUESDAY, 9)
    Slot.objects.filter(pk=slot.pk).update(capacity=5)
    people = [make_user() for _ in range(20)]
    results: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(people))

    def book(person):
        start.wait()
        try:
            bookings.booking_create(actor=person, slot=Slot.objects.get(pk=slot.pk))
            outcome = "booked"
        except SlotUnavailable as refused:
            outcome = refused.code
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=book, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["booked"] * 5 + ["full"] * 15
    assert Slot.objects.get(pk=slot.pk).booked == 5
    assert Booking.objects.filter(slot=slot).count() == 5


def test_the_database_refuses_more_bookings_than_seats_even_without_the_service(
    renewal,
):
    from django.db import IntegrityError, transaction

    slot = slot_at(renewal, TUESDAY, 9)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(booked=slot.capacity + 1)
    assert timezone.now()  # the slot is untouched
    assert Slot.objects.get(pk=slot.pk).booked == 0


def test_a_finance_officer_cannot_cancel_another_persons_booking(
    renewal, phoned_citizen, make_staff
):
    booking = bookings.booking_create(
        actor=phoned_citizen, slot=slot_at(renewal, TUESDAY, 9)
    )
    finance = make_staff(Role.FINANCE_OFFICER, "pao-50")
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDeniedError):
        bookings.booking_cancel(actor=finance, booking=booking)
    with pytest.raises(PermissionDeniedError):
        bookings.booking_reschedule(
            actor=finance, booking=booking, slot=slot_at(renewal, TUESDAY, 10)
        )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert Slot.objects.get(pk=booking.slot_id).booked == 1
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "role, seat", [(Role.PROVINCIAL_STAFF, "pao-50"), (Role.AUDITOR, "hq")]
)
def test_staff_who_do_not_serve_citizens_cannot_book_for_a_caller(
    renewal, make_staff, role, seat
):
    with pytest.raises(PermissionDeniedError):
        bookings.booking_create(
            actor=make_staff(role, seat),
            slot=slot_at(renewal, TUESDAY, 9),
            caller=Caller("1100000000016", "x", "0899999999"),
        )
    assert not Booking.objects.exists()


def test_a_booking_of_another_district_is_not_found_when_cancelled(
    renewal, phoned_citizen, make_staff
):
    booking = bookings.booking_create(
        actor=phoned_citizen, slot=slot_at(renewal, TUESDAY, 9)
    )
    with pytest.raises(NotFound):
        bookings.booking_cancel(
            actor=make_staff(Role.COUNTER_OFFICER, "reg-5002"), booking=booking
        )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_a_citizen_moves_their_own_booking_made_by_telephone(
    renewal, officer, phoned_citizen
):
    booked = bookings.booking_create(
        actor=officer,
        slot=slot_at(renewal, TUESDAY, 9),
        caller=Caller(phoned_citizen.personal_id, "สมศรี ใจดี", "0812345678"),
    )
    assert booked.citizen == phoned_citizen
    moved = bookings.booking_reschedule(
        actor=phoned_citizen, booking=booked, slot=slot_at(renewal, TUESDAY, 10)
    )
    assert (moved.rebooked_from, moved.channel) == (booked, "phone")
    assert AuditEvent.objects.filter(
        action="appointments.booking.create", actor_id=phoned_citizen.pk
    ).exists()
