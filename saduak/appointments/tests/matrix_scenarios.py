"""Queue Online's acting services and API writes, for the role x action walk
(tests/test_role_matrix.py). The walk runs at the real clock: every record is
made relative to now (a booking two days ahead; for a check-in, one that
started a moment ago today)."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from saduak.accounts.matrix import Action
from saduak.accounts.tests.matrix_walk import Scenario, api_call
from saduak.appointments.models import (
    Booking,
    MobileRequest,
    OfficeService,
    QueueSettings,
    Service,
    Slot,
    Ticket,
)
from saduak.appointments.services import bookings, catalogue, mobile, queue, slots
from saduak.areas.models import Counter, Office
from saduak.core.references import new_reference

OFFICE = "reg-5001"
API = "/api/v1/appointments"
CALLER = {"personal_id": "1100000000016", "name": "นายโทร มา", "phone": "0812345678"}
COUNTER = 1


def _api(request: Any, actor: Any, path: str, body: Any = None) -> Any:
    return api_call(request, actor, "post", f"{API}{path}", body or {})


def _office(request: Any) -> Office:
    request.getfixturevalue("small_map")
    return Office.objects.get(code=OFFICE)


def _catalogue(request: Any) -> Office:
    office = _office(request)
    catalogue.services_load_national(actor="test")
    return office


@dataclass
class Place:
    office: Office
    renewal: OfficeService
    move_in: OfficeService
    counter: Counter
    slot: Slot
    later: Slot


def _slot(offered: OfficeService, starts_at: Any) -> Slot:
    return Slot.objects.create(
        office_service=offered,
        office=offered.office,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=15),
        capacity=2,
    )


def _place(request: Any) -> Place:
    """reg-5001 offers ID card renewal at counter 1 and moving in at counter 2,
    with two free times two days ahead."""
    office = _catalogue(request)
    counters = list(Counter.objects.filter(office=office).order_by("number")[:2])
    rules = {"min_notice_hours": 0, "days_ahead": 30, "walk_in": True}
    renewal = catalogue.office_service_save(
        actor="test",
        office=office,
        service=Service.objects.get(code="id-card-renewal"),
        counters=counters[:1],
        **rules,
    )
    move_in = catalogue.office_service_save(
        actor="test",
        office=office,
        service=Service.objects.get(code="house-move-in"),
        counters=counters[1:],
        **rules,
    )
    ahead = timezone.now().replace(microsecond=0) + timedelta(days=2)
    return Place(
        office,
        renewal,
        move_in,
        counters[0],
        _slot(renewal, ahead),
        _slot(renewal, ahead + timedelta(hours=1)),
    )


def _booked(request: Any) -> Booking:
    """A citizen's booking two days ahead."""
    place = _place(request)
    citizen = request.getfixturevalue("make_user")()
    return bookings.booking_create(actor=citizen, slot=place.slot)


def _booked_today(request: Any) -> Booking:
    """A booking whose time started a moment ago, today: it may check in."""
    place = _place(request)
    now = timezone.now()
    starts_at = max(
        now - timedelta(minutes=5),
        timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0),
    )
    slot = _slot(place.renewal, starts_at)
    slot.booked = 1
    slot.save(update_fields=["booked"])
    citizen = request.getfixturevalue("make_user")()
    return Booking.objects.create(
        reference=new_reference(),
        slot=slot,
        office_service=place.renewal,
        service=place.renewal.service,
        office=place.office,
        starts_at=slot.starts_at,
        personal_id=citizen.personal_id,
        citizen=citizen,
        name=citizen.full_name,
        created_by=citizen,
    )


def _waiting(request: Any) -> Place:
    place = _place(request)
    queue.ticket_issue(offered=place.renewal, actor=queue.kiosk_actor(place.office))
    return place


def _called(request: Any) -> Ticket:
    place = _waiting(request)
    called = queue.ticket_call_next(actor="test", counter=place.counter)
    assert called is not None
    return called


def _other_slot(booking: Booking) -> Slot:
    """The place's later time, to move the booking to."""
    return Slot.objects.exclude(pk=booking.slot_id).get(
        office_service=booking.office_service
    )


def _booking_state(booking: Booking) -> Any:
    booking.refresh_from_db()
    return (
        booking.status,
        Booking.objects.count(),
        Slot.objects.get(pk=booking.slot_id).booked,
    )


def _tickets(_ctx: Any) -> Any:
    return sorted(Ticket.objects.values_list("number", "status", "recalls"))


def _request(request: Any) -> MobileRequest:
    request.getfixturevalue("small_map")
    return mobile.mobile_request_create(details=_details(), actor=None)


def _details() -> mobile.MobileRequestDetails:
    return mobile.MobileRequestDetails(
        category="bedridden",
        person_name="นางมา ดี",
        person_personal_id="",
        requester_name="นายลูก ดี",
        requester_relation="ลูก",
        contact_phone="0812345678",
        address="12 หมู่ 3",
        subdistrict_code="500101",
        reason="ป่วยติดเตียง",
    )


def _mobile_state(_ctx: Any) -> Any:
    return sorted(MobileRequest.objects.values_list("reference", "status"))


def _tomorrow() -> Any:
    return timezone.localdate() + timedelta(days=1)


def _office_services(office: Office) -> Any:
    return sorted(
        OfficeService.objects.filter(office=office).values_list(
            "service__code", "slot_minutes"
        )
    )


def _queue_settings(office: Office) -> Any:
    return list(
        QueueSettings.objects.filter(office=office).values_list(
            "wait_target_minutes", "kiosk_key_hash"
        )
    )


def _slots(_ctx: Any) -> int:
    return Slot.objects.count()


def _services(_ctx: Any) -> int:
    return Service.objects.count()


def _offered(request: Any) -> OfficeService:
    return _place(request).renewal


SCENARIOS = [
    # --- an office's set-up -----------------------------------------------------
    Scenario(
        Action.OFFICE_SERVICE_SAVE,
        "office_service_save",
        OFFICE,
        _catalogue,
        lambda actor, office, r: catalogue.office_service_save(
            actor=actor,
            office=office,
            service=Service.objects.get(code="id-card-renewal"),
            slot_minutes=30,
        ),
        _office_services,
    ),
    Scenario(
        Action.QUEUE_SETTINGS_SAVE,
        "queue_settings_save",
        OFFICE,
        _office,
        lambda actor, office, r: catalogue.queue_settings_save(
            actor=actor, office=office, wait_target_minutes=25
        ),
        _queue_settings,
    ),
    Scenario(
        Action.KIOSK_KEY_ISSUE,
        "kiosk_key_issue",
        OFFICE,
        _office,
        lambda actor, office, r: catalogue.kiosk_key_issue(actor=actor, office=office),
        _queue_settings,
    ),
    Scenario(
        Action.SLOTS_RELEASE,
        "slots_release",
        OFFICE,
        _offered,
        lambda actor, offered, r: slots.slots_release(
            offered=offered,
            start=timezone.localdate() + timedelta(days=3),
            end=timezone.localdate() + timedelta(days=10),
            actor=actor,
        ),
        _slots,
    ),
    Scenario(
        Action.SERVICES_LOAD_NATIONAL,
        "services_load_national",
        OFFICE,
        _office,
        lambda actor, office, r: catalogue.services_load_national(actor=actor),
        _services,
    ),
    # --- bookings -----------------------------------------------------------------
    Scenario(
        Action.BOOKING_CREATE_FOR_CALLER,
        "booking_create (caller)",
        OFFICE,
        _place,
        lambda actor, place, r: bookings.booking_create(
            actor=actor, slot=place.slot, caller=bookings.Caller(**CALLER)
        ),
        lambda place: Booking.objects.count(),
    ),
    Scenario(
        Action.BOOKING_CREATE_FOR_CALLER,
        "POST /api/v1/appointments/bookings",
        OFFICE,
        _place,
        lambda actor, place, r: _api(
            r, actor, "/bookings", {"slot": place.slot.pk, "caller": CALLER}
        ),
        lambda place: Booking.objects.count(),
    ),
    Scenario(
        Action.BOOKING_CANCEL_FOR_CITIZEN,
        "booking_cancel",
        OFFICE,
        _booked,
        lambda actor, booking, r: bookings.booking_cancel(actor=actor, booking=booking),
        _booking_state,
    ),
    Scenario(
        Action.BOOKING_CANCEL_FOR_CITIZEN,
        "POST /api/v1/appointments/bookings/{reference}/cancel",
        OFFICE,
        _booked,
        lambda actor, booking, r: _api(
            r, actor, f"/bookings/{booking.reference}/cancel"
        ),
        _booking_state,
    ),
    Scenario(
        Action.BOOKING_CANCEL_FOR_CITIZEN,
        "booking_reschedule",
        OFFICE,
        _booked,
        lambda actor, booking, r: bookings.booking_reschedule(
            actor=actor,
            booking=booking,
            slot=_other_slot(booking),
        ),
        _booking_state,
    ),
    Scenario(
        Action.BOOKING_CANCEL_FOR_CITIZEN,
        "POST /api/v1/appointments/bookings/{reference}/reschedule",
        OFFICE,
        _booked,
        lambda actor, booking, r: _api(
            r,
            actor,
            f"/bookings/{booking.reference}/reschedule",
            {"slot": _other_slot(booking).pk},
        ),
        _booking_state,
    ),
    Scenario(
        Action.BOOKING_CHECK_IN,
        "booking_check_in",
        OFFICE,
        _booked_today,
        lambda actor, booking, r: queue.booking_check_in(
            office=booking.office, reference=booking.reference, actor=actor
        ),
        _booking_state,
    ),
    Scenario(
        Action.BOOKING_CHECK_IN,
        "POST /api/v1/appointments/offices/{office}/check-ins",
        OFFICE,
        _booked_today,
        lambda actor, booking, r: _api(
            r, actor, f"/offices/{OFFICE}/check-ins", {"reference": booking.reference}
        ),
        _booking_state,
    ),
    # --- tickets and counters -----------------------------------------------------
    Scenario(
        Action.TICKET_ISSUE,
        "ticket_issue",
        OFFICE,
        _place,
        lambda actor, place, r: queue.ticket_issue(offered=place.renewal, actor=actor),
        _tickets,
    ),
    Scenario(
        Action.TICKET_ISSUE,
        "POST /api/v1/appointments/offices/{office}/tickets",
        OFFICE,
        _place,
        lambda actor, place, r: _api(
            r, actor, f"/offices/{OFFICE}/tickets", {"service": "id-card-renewal"}
        ),
        _tickets,
    ),
    Scenario(
        Action.TICKET_CALL_NEXT,
        "ticket_call_next",
        OFFICE,
        _waiting,
        lambda actor, place, r: queue.ticket_call_next(
            actor=actor, counter=place.counter
        ),
        _tickets,
    ),
    Scenario(
        Action.TICKET_CALL_NEXT,
        "POST /api/v1/appointments/offices/{office}/counters/{number}/call-next",
        OFFICE,
        _waiting,
        lambda actor, place, r: _api(
            r, actor, f"/offices/{OFFICE}/counters/{COUNTER}/call-next"
        ),
        _tickets,
    ),
    Scenario(
        Action.TICKET_RECALL,
        "ticket_recall",
        OFFICE,
        _called,
        lambda actor, ticket, r: queue.ticket_recall(actor=actor, ticket=ticket),
        _tickets,
    ),
    Scenario(
        Action.TICKET_RECALL,
        "POST /api/v1/appointments/offices/{office}/counters/{number}/recall",
        OFFICE,
        _called,
        lambda actor, ticket, r: _api(
            r, actor, f"/offices/{OFFICE}/counters/{COUNTER}/recall"
        ),
        _tickets,
    ),
    Scenario(
        Action.TICKET_COMPLETE,
        "ticket_complete",
        OFFICE,
        _called,
        lambda actor, ticket, r: queue.ticket_complete(actor=actor, ticket=ticket),
        _tickets,
    ),
    Scenario(
        Action.TICKET_COMPLETE,
        "POST /api/v1/appointments/offices/{office}/counters/{number}/complete",
        OFFICE,
        _called,
        lambda actor, ticket, r: _api(
            r, actor, f"/offices/{OFFICE}/counters/{COUNTER}/complete"
        ),
        _tickets,
    ),
    Scenario(
        Action.TICKET_NO_SHOW,
        "ticket_no_show",
        OFFICE,
        _called,
        lambda actor, ticket, r: queue.ticket_no_show(actor=actor, ticket=ticket),
        _tickets,
    ),
    Scenario(
        Action.TICKET_NO_SHOW,
        "POST /api/v1/appointments/offices/{office}/counters/{number}/no-show",
        OFFICE,
        _called,
        lambda actor, ticket, r: _api(
            r, actor, f"/offices/{OFFICE}/counters/{COUNTER}/no-show"
        ),
        _tickets,
    ),
    Scenario(
        Action.TICKET_TRANSFER,
        "ticket_transfer",
        OFFICE,
        _called,
        lambda actor, ticket, r: queue.ticket_transfer(
            actor=actor,
            ticket=ticket,
            to=OfficeService.objects.get(
                office=ticket.office, service__code="house-move-in"
            ),
        ),
        _tickets,
    ),
    Scenario(
        Action.TICKET_TRANSFER,
        "POST /api/v1/appointments/offices/{office}/counters/{number}/transfer",
        OFFICE,
        _called,
        lambda actor, ticket, r: _api(
            r,
            actor,
            f"/offices/{OFFICE}/counters/{COUNTER}/transfer",
            {"service": "house-move-in"},
        ),
        _tickets,
    ),
    # --- the Mobile Unit ----------------------------------------------------------
    Scenario(
        Action.MOBILE_REQUEST_CREATE_FOR_CITIZEN,
        "mobile_request_create (for a citizen)",
        OFFICE,
        lambda r: r.getfixturevalue("small_map"),
        lambda actor, ctx, r: mobile.mobile_request_create(
            details=_details(), actor=actor, for_citizen=True
        ),
        _mobile_state,
    ),
    Scenario(
        Action.MOBILE_VISIT_SCHEDULE,
        "mobile_visit_schedule",
        OFFICE,
        _request,
        lambda actor, item, r: mobile.mobile_visit_schedule(
            actor=actor,
            office=Office.objects.get(code="do-5001"),
            day=_tomorrow(),
            requests=[item],
        ),
        _mobile_state,
    ),
    Scenario(
        Action.MOBILE_VISIT_SCHEDULE,
        "POST /api/v1/appointments/mobile-visits",
        OFFICE,
        _request,
        lambda actor, item, r: _api(
            r,
            actor,
            "/mobile-visits",
            {
                "office": "do-5001",
                "day": _tomorrow().isoformat(),
                "requests": [item.reference],
            },
        ),
        _mobile_state,
    ),
    Scenario(
        Action.MOBILE_REQUEST_CLOSE,
        "mobile_request_close",
        OFFICE,
        _request,
        lambda actor, item, r: mobile.mobile_request_close(
            actor=actor, request=item, outcome="served"
        ),
        _mobile_state,
    ),
    Scenario(
        Action.MOBILE_REQUEST_CLOSE,
        "POST /api/v1/appointments/mobile-requests/{reference}/close",
        OFFICE,
        _request,
        lambda actor, item, r: _api(
            r,
            actor,
            f"/mobile-requests/{item.reference}/close",
            {"outcome": "served"},
        ),
        _mobile_state,
    ),
]
