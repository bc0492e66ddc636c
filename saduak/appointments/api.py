"""Queue Online, walk-ins and the Mobile Unit over the API, through the same
services as the pages. POSTs that create accept an Idempotency-Key."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from saduak.accounts.api_auth import STAFF_OR_MACHINE
from saduak.accounts.matrix import Action
from saduak.accounts.permissions import acting_user
from saduak.appointments.models import (
    Booking,
    MobileRequest,
    OfficeService,
    Slot,
    Ticket,
)
from saduak.appointments.schemas import (
    BoardOut,
    BookingIn,
    BookingOut,
    CheckInIn,
    DayOut,
    MobileCloseIn,
    MobileRequestIn,
    MobileRequestOut,
    MobileStatsOut,
    MobileVisitIn,
    MobileVisitOut,
    OfficeChoiceOut,
    RescheduleIn,
    ServiceOut,
    SlotOut,
    StatsOut,
    TicketIn,
    TicketOut,
    TransferIn,
)
from saduak.appointments.selectors import bookings as booking_selectors
from saduak.appointments.selectors import catalogue, slots
from saduak.appointments.selectors import mobile as mobile_selectors
from saduak.appointments.selectors import queue as queue_selectors
from saduak.appointments.selectors.stats import StatsRow, office_statistics
from saduak.appointments.services import bookings, mobile, queue
from saduak.areas.models import Counter, Office
from saduak.areas.selectors import office_get
from saduak.core.admission import admit
from saduak.core.errors import NotFound
from saduak.core.links import absolute_url
from saduak.core.thai import FiscalYear, current_fiscal_year

router = Router()


def _service_out(service: Any) -> dict[str, Any]:
    return {
        "code": service.code,
        "group": service.group,
        "name": service.name,
        "name_th": service.name_th,
        "name_en": service.name_en,
        "fee": service.fee,
        "fee_note": service.fee_note,
        "processing_minutes": service.processing_minutes,
        "steps": service.steps,
        "documents": service.documents,
        "not_needed": service.not_needed,
        "legal_basis": service.legal_basis,
        "complaints": service.complaints,
    }


@router.get("/services", response=list[ServiceOut], auth=None)
def service_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The national catalogue with each service's citizen's manual."""
    return [_service_out(service) for service in catalogue.services_offered()]


@router.get("/services/{code}", response=ServiceOut, auth=None)
def service_get(request: HttpRequest, code: str) -> dict[str, Any]:
    return _service_out(catalogue.service_get(code))


@router.get("/services/{code}/offices", response=list[OfficeChoiceOut], auth=None)
def offices_offering(
    request: HttpRequest,
    code: str,
    q: str = Query("", max_length=100),
    province: str = Query("", max_length=2),
    district: str = Query("", max_length=4),
    lat: float | None = Query(None, ge=-90, le=90),
    lon: float | None = Query(None, ge=-180, le=180),
) -> list[dict[str, Any]]:
    """Offices taking online bookings for the service: by name or area, or the
    nearest first when `lat` and `lon` are given."""
    service = catalogue.service_get(code)
    if lat is not None and lon is not None:
        choices = catalogue.offices_nearest(service, latitude=lat, longitude=lon)
    else:
        choices = catalogue.offices_offering(
            service, search=q, province=province, district=district
        )
    return [
        {
            "office": choice.offered.office.code,
            "name": choice.offered.office.name,
            "district": choice.offered.office.district_id,
            "province": choice.offered.office.province_id,
            "distance_km": round(choice.distance_km, 2)
            if choice.distance_km is not None
            else None,
        }
        for choice in choices
    ]


@router.get(
    "/offices/{office}/services/{service}/days", response=list[DayOut], auth=None
)
def days(request: HttpRequest, office: str, service: str) -> list[Any]:
    admit(request)
    offered = catalogue.office_service_get(office_code=office, service_code=service)
    return [
        {"day": row.day, "slots": row.slots, "free": row.free}
        for row in slots.days_available(offered)
    ]


@router.get(
    "/offices/{office}/services/{service}/slots", response=list[SlotOut], auth=None
)
def free_slots(request: HttpRequest, office: str, service: str, day: date) -> list[Any]:
    admit(request)
    offered = catalogue.office_service_get(office_code=office, service_code=service)
    return [
        {"id": s.pk, "starts_at": s.starts_at, "ends_at": s.ends_at, "free": s.free}
        for s in slots.free_slots(offered, day)
    ]


def _booking_out(booking: Booking) -> dict[str, Any]:
    return {
        "reference": booking.reference,
        "status": booking.status,
        "service": booking.service.code,
        "office": booking.office.code,
        "office_name": booking.office.name,
        "starts_at": booking.starts_at,
        "ends_at": booking.slot.ends_at,
        "name": booking.name,
        "channel": booking.channel,
        "cancel_reason": booking.cancel_reason,
        "cancel_note": booking.cancel_note,
    }


def _slot(slot_id: int) -> Slot:
    slot = slots.slot_find(slot_id)
    if slot is None:
        raise NotFound(_("There is no such slot."))
    return slot


@router.post(
    "/bookings",
    response={201: BookingOut},
    auth=STAFF_OR_MACHINE,
    # A citizen books for themselves (self-service); the matrix governs
    # booking for a caller, the case this write is walked for.
    openapi_extra={"x-action": Action.BOOKING_CREATE_FOR_CALLER},
)
def booking_create(request: HttpRequest, payload: BookingIn) -> Status:
    """Books a seat for the signed-in person (their own), or, with `caller`,
    for a person on the telephone (`booking.create_for_caller`). Send an
    Idempotency-Key: a retry gets the first answer. A full slot answers 409
    `full` with `alternatives`."""
    admit(request)
    caller = bookings.Caller(**payload.caller.dict()) if payload.caller else None
    booking = bookings.booking_create(
        actor=acting_user(request), slot=_slot(payload.slot), caller=caller
    )
    return Status(201, _booking_out(booking))


@router.get("/bookings", response=list[BookingOut], auth=STAFF_OR_MACHINE)
def my_bookings(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        _booking_out(b)
        for b in booking_selectors.bookings_of(acting_user(request))[:100]
    ]


@router.get("/bookings/{reference}", response=BookingOut, auth=STAFF_OR_MACHINE)
def booking_get(request: HttpRequest, reference: str) -> dict[str, Any]:
    return _booking_out(
        booking_selectors.booking_for(viewer=acting_user(request), reference=reference)
    )


@router.post(
    "/bookings/{reference}/cancel",
    response=BookingOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.BOOKING_CANCEL_FOR_CITIZEN},
)
def booking_cancel(request: HttpRequest, reference: str) -> dict[str, Any]:
    """Cancels the signed-in person's own booking, or (staff) a citizen's."""
    user = acting_user(request)
    booking = booking_selectors.booking_for(viewer=user, reference=reference)
    return _booking_out(bookings.booking_cancel(actor=user, booking=booking))


@router.post(
    "/bookings/{reference}/reschedule",
    response=BookingOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.BOOKING_CANCEL_FOR_CITIZEN},
)
def booking_reschedule(
    request: HttpRequest, reference: str, payload: RescheduleIn
) -> dict[str, Any]:
    """Moves the signed-in person's own booking, or (staff) a citizen's."""
    admit(request)
    user = acting_user(request)
    booking = booking_selectors.booking_for(viewer=user, reference=reference)
    new = bookings.booking_reschedule(
        actor=user, booking=booking, slot=_slot(payload.slot)
    )
    return _booking_out(new)


# --- Walk-ins and counters --------------------------------------------------------
def _ticket_out(ticket: Ticket) -> dict[str, Any]:
    ticket = queue_selectors.current_ticket(ticket)
    ahead = queue_selectors.people_ahead(ticket)
    return {
        "ticket": ticket.label,
        "token": ticket.token,
        "status": ticket.status,
        "kind": ticket.kind,
        "service": ticket.office_service.service.code,
        "counter": ticket.counter.number if ticket.counter else None,
        "ahead": ahead,
        "wait_minutes": queue_selectors.estimated_wait_minutes(ticket, ahead),
    }


def _office_service(office: Office, service_code: str) -> OfficeService:
    offered = (
        OfficeService.objects.select_related("office", "service")
        .filter(office=office, service__code=service_code)
        .first()
    )
    if offered is None:
        raise NotFound(_("This office does not offer this service."))
    return offered


@router.get("/offices/{office}/board", response=BoardOut, auth=None)
def board(request: HttpRequest, office: str) -> Any:
    """What the "now serving" display shows."""
    return queue_selectors.now_serving(office_get(office))


@router.post(
    "/offices/{office}/tickets",
    response={201: TicketOut},
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.TICKET_ISSUE},
)
def ticket_issue(request: HttpRequest, office: str, payload: TicketIn) -> Status:
    """A walk-in ticket issued by an officer (kiosks use their page)."""
    ticket = queue.ticket_issue(
        offered=_office_service(office_get(office), payload.service),
        actor=acting_user(request),
        priority=payload.priority,
        phone=payload.phone,
    )
    return Status(201, _ticket_out(ticket))


@router.post(
    "/offices/{office}/check-ins",
    response={201: TicketOut},
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.BOOKING_CHECK_IN},
)
def check_in(request: HttpRequest, office: str, payload: CheckInIn) -> Status:
    ticket = queue.booking_check_in(
        office=office_get(office),
        reference=payload.reference,
        actor=acting_user(request),
    )
    return Status(201, _ticket_out(ticket))


COUNTER = "/offices/{office}/counters/{number}"


def _counter(request: HttpRequest, office: str, number: int) -> Counter:
    return queue_selectors.counter_for(
        viewer=acting_user(request), office_code=office, number=number
    )


@router.post(
    f"{COUNTER}/call-next",
    response={200: TicketOut, 204: None},
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.TICKET_CALL_NEXT},
)
def call_next(request: HttpRequest, office: str, number: int) -> Any:
    """Calls the next person to counter `number` of the office; 204 when
    nobody waits."""
    counter = _counter(request, office, number)
    ticket = queue.ticket_call_next(actor=acting_user(request), counter=counter)
    return _ticket_out(ticket) if ticket else Status(204, None)


def _current(request: HttpRequest, office: str, number: int) -> Ticket:
    current = queue_selectors.counter_view(_counter(request, office, number)).current
    if current is None:
        raise NotFound(_("This counter has no ticket called."))
    return current


@router.post(
    f"{COUNTER}/recall",
    response=TicketOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.TICKET_RECALL},
)
def recall(request: HttpRequest, office: str, number: int) -> Any:
    current = _current(request, office, number)
    return _ticket_out(queue.ticket_recall(actor=acting_user(request), ticket=current))


@router.post(
    f"{COUNTER}/no-show",
    response=TicketOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.TICKET_NO_SHOW},
)
def no_show(request: HttpRequest, office: str, number: int) -> Any:
    current = _current(request, office, number)
    return _ticket_out(queue.ticket_no_show(actor=acting_user(request), ticket=current))


@router.post(
    f"{COUNTER}/complete",
    response=TicketOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.TICKET_COMPLETE},
)
def complete(request: HttpRequest, office: str, number: int) -> Any:
    current = _current(request, office, number)
    return _ticket_out(
        queue.ticket_complete(actor=acting_user(request), ticket=current)
    )


@router.post(
    f"{COUNTER}/transfer",
    response=TicketOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.TICKET_TRANSFER},
)
def transfer(
    request: HttpRequest, office: str, number: int, payload: TransferIn
) -> Any:
    current = _current(request, office, number)
    moved = queue.ticket_transfer(
        actor=acting_user(request),
        ticket=current,
        to=_office_service(current.office, payload.service),
    )
    return _ticket_out(moved)


@router.get("/tickets/{token}", response=TicketOut, auth=None)
def ticket_status(request: HttpRequest, token: str) -> Any:
    """A person's own ticket: status, people ahead, estimated wait."""
    return _ticket_out(queue_selectors.ticket_by_token(token))


# --- Statistics ------------------------------------------------------------------------
def _stats_row(row: StatsRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "name": row.name,
        "counts": row.counts,
        "wait_mean_minutes": row.wait_mean_minutes,
        "wait_p90_minutes": row.wait_p90_minutes,
        "service_mean_minutes": row.service_mean_minutes,
        "service_p90_minutes": row.service_p90_minutes,
        "within_target_share": row.within_target_share,
    }


@router.get("/statistics", response=StatsOut, auth=STAFF_OR_MACHINE)
def statistics(
    request: HttpRequest,
    level: str = Query("country", pattern="^(country|province|district|office)$"),
    code: str = Query("", max_length=32),
    start: date | None = None,
    end: date | None = None,
) -> dict[str, Any]:
    """Bookings, walk-ins, no-shows, waiting and service times (mean, p90), and
    the share served within the office's target, for a unit and each unit below."""
    today = timezone.localdate()
    report = office_statistics(
        viewer=acting_user(request),
        level=level,
        code=code,
        start=start or today.replace(day=1),
        end=end or today,
    )
    return {
        "level": report.level,
        "code": report.code,
        "name": report.name,
        "start": report.start,
        "end": report.end,
        "total": _stats_row(report.total),
        "rows": [_stats_row(row) for row in report.rows],
    }


# --- The Mobile Unit ---------------------------------------------------------------------
def _mobile_out(item: MobileRequest) -> dict[str, Any]:
    return {
        "reference": item.reference,
        "status": item.status,
        "category": item.category,
        "person_name": item.person_name,
        "subdistrict": item.subdistrict_id,
        "district": item.district_id,
        "requested_at": item.requested_at,
        "visit_day": item.visit.day if item.visit else None,
        "outcome_note": item.outcome_note,
        "status_url": absolute_url(
            reverse("appointments:mobile-status", args=[item.token])
        ),
    }


@router.post(
    "/mobile-requests",
    response={201: MobileRequestOut},
    auth=None,
    openapi_extra={"x-action": "public"},
)
def mobile_request_create(request: HttpRequest, payload: MobileRequestIn) -> Status:
    """Anyone asks for a home visit; `status_url` is where to follow it."""
    data = payload.dict()
    item = mobile.mobile_request_create(
        details=mobile.MobileRequestDetails(
            subdistrict_code=data.pop("subdistrict"), **data
        ),
        actor=request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
    )
    return Status(201, _mobile_out(item))


@router.get("/mobile-requests", response=list[MobileRequestOut], auth=STAFF_OR_MACHINE)
def mobile_requests(
    request: HttpRequest,
    status: str = Query("", max_length=12),
    district: str = Query("", max_length=4),
) -> list[dict[str, Any]]:
    rows = mobile_selectors.requests_for(
        viewer=acting_user(request), status=status, district=district
    )
    return [_mobile_out(item) for item in rows[:500]]


@router.post(
    "/mobile-visits",
    response={201: MobileVisitOut},
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.MOBILE_VISIT_SCHEDULE},
)
def mobile_visit(request: HttpRequest, payload: MobileVisitIn) -> Status:
    user = acting_user(request)
    chosen = list(
        mobile_selectors.requests_for(viewer=user).filter(
            reference__in=payload.requests
        )
    )
    visit = mobile.mobile_visit_schedule(
        actor=user,
        office=office_get(payload.office),
        day=payload.day,
        requests=chosen,
        note=payload.note,
    )
    return Status(
        201,
        {
            "id": visit.pk,
            "day": visit.day,
            "subdistrict": visit.subdistrict_id,
            "requests": [r.reference for r in chosen],
        },
    )


@router.post(
    "/mobile-requests/{reference}/close",
    response=MobileRequestOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.MOBILE_REQUEST_CLOSE},
)
def mobile_close(request: HttpRequest, reference: str, payload: MobileCloseIn) -> Any:
    user = acting_user(request)
    item = mobile_selectors.request_for(viewer=user, reference=reference)
    closed = mobile.mobile_request_close(
        actor=user, request=item, outcome=payload.outcome, note=payload.note
    )
    return _mobile_out(closed)


@router.get("/mobile-statistics", response=MobileStatsOut, auth=STAFF_OR_MACHINE)
def mobile_statistics(
    request: HttpRequest,
    level: str = Query("country", pattern="^(country|province|district)$"),
    code: str = Query("", max_length=4),
    fiscal_year: int | None = Query(
        None, ge=2500, le=2700, description="B.E., e.g. 2569"
    ),
) -> dict[str, Any]:
    stats = mobile_selectors.mobile_statistics(
        viewer=acting_user(request),
        fiscal_year=FiscalYear(fiscal_year) if fiscal_year else current_fiscal_year(),
        level=level,
        code=code,
    )

    def out(row: Any) -> dict[str, Any]:
        return {
            "key": row.key,
            "name": row.name,
            "by_category": row.by_category,
            "served": row.served,
            "total": row.total,
        }

    return {
        "fiscal_year": stats.fiscal_year.be_year,
        "level": stats.level,
        "name": stats.name,
        "rows": [out(row) for row in stats.rows],
        "total": out(stats.total),
    }
