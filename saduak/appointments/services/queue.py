"""Tickets at the counters: issuing them (kiosk, officer, check-in with a booking),
calling the next person in the office's order, calling again, no-show, transfer
and completion. Numbers come from a per-office, per-day, per-group sequence row
that the issuing transaction locks; a ticket is called by a conditional UPDATE
from `waiting`, so two counters never call the same person."""

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor, ensure_may
from saduak.accounts.models import User
from saduak.appointments import notices
from saduak.appointments.choices import (
    AppointmentPriority,
    BookingStatus,
    TicketKind,
    TicketStatus,
)
from saduak.appointments.models import (
    Booking,
    OfficeService,
    QueueSettings,
    Ticket,
    TicketSequence,
)
from saduak.appointments.selectors.catalogue import queue_settings_for
from saduak.areas.models import Counter, Office
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.core.references import normalise_reference
from saduak.notifications.addresses import THAI_MOBILE, normalise_thai_mobile
from saduak.notifications.services import (
    notification_notify_address,
    notification_notify_user,
)

# Arriving this long after the booked time ends, a person takes a walk-in ticket.
CHECK_IN_GRACE = timedelta(minutes=30)
# Candidates read for one call; the office's order is applied among them.
CALL_WINDOW = 50


def board_cache_key(office_id: int) -> str:
    return f"queue-board:{office_id}"


def _board_changed(office_id: int) -> None:
    transaction.on_commit(lambda: cache.delete(board_cache_key(office_id)), robust=True)


def _next_number(office: Office, group: str, day: Any) -> int:
    """Takes the next number of the group for the day. The UPDATE locks the
    sequence row until the caller's transaction ends."""
    sequence = TicketSequence.objects.filter(office=office, day=day, group=group)
    if not sequence.update(last_number=F("last_number") + 1):
        try:
            with transaction.atomic():
                TicketSequence.objects.create(
                    office=office, day=day, group=group, last_number=1
                )
                return 1
        except IntegrityError:
            sequence.update(last_number=F("last_number") + 1)
    return int(sequence.values_list("last_number", flat=True).get())


KIOSK_ACTOR = "kiosk:"


def kiosk_actor(office: Office) -> str:
    """The actor a kiosk acts as: the office's kiosk, identified by the key the
    kiosk page checked (views/queue.py `_kiosk_office`), not a person."""
    return f"{KIOSK_ACTOR}{office.code}"


def _ensure_may_at_office(
    actor: Any, action: Action, office: Office, *, public: bool = True
) -> None:
    """The matrix check of a queue action at `office`. A kiosk (the system
    actor "kiosk:<office code>") is no person: it only issues tickets and
    checks bookings in, at its own office. Staff are checked against the
    matrix; with `public=False` (a counter's or a ticket's private work) an
    office they cannot read is not found."""
    if isinstance(actor, str) and actor.startswith(KIOSK_ACTOR):
        kiosk_may = action in (Action.TICKET_ISSUE, Action.BOOKING_CHECK_IN)
        if not kiosk_may or actor != kiosk_actor(office):
            raise PermissionDeniedError(
                _("A kiosk only gives out tickets at its own office.")
            )
        return
    ensure_may(actor, action, office=office, public=public)


def ticket_issue(
    *,
    offered: OfficeService,
    actor: Any,
    priority: bool = False,
    phone: str = "",
    citizen: User | None = None,
) -> Ticket:
    """Gives out the next number of the service's group at its office, for a
    walk-in. `actor` is an officer the matrix lets issue tickets at the office
    (`ticket.issue`), or the office's own kiosk ("kiosk:<office code>", see
    `kiosk_actor`). Audited as `appointments.ticket.issue`."""
    _ensure_may_at_office(actor, Action.TICKET_ISSUE, offered.office)
    return _issue(
        offered=offered, actor=actor, priority=priority, phone=phone, citizen=citizen
    )


def _issue(
    *,
    offered: OfficeService,
    actor: Any,
    priority: bool = False,
    phone: str = "",
    citizen: User | None = None,
    booking: Booking | None = None,
) -> Ticket:
    """The ticket itself, once the caller has checked the actor."""
    if not offered.is_active or not (offered.walk_in or booking is not None):
        raise InvalidInput(
            _("This office gives no walk-in tickets for this service."), field="service"
        )
    phone = normalise_thai_mobile(phone.strip()) if phone.strip() else ""
    if phone and not THAI_MOBILE.match(phone):
        raise InvalidInput(
            _("Enter a Thai mobile number: 10 digits starting with 06, 08 or 09."),
            field="phone",
        )
    now = timezone.now()
    day = timezone.localdate(now)
    office = offered.office
    group = offered.service.group
    with transaction.atomic():
        number = _next_number(office, group, day)
        ticket = Ticket.objects.create(
            office=office,
            day=day,
            group=group,
            number=number,
            office_service=offered,
            kind=TicketKind.APPOINTMENT if booking else TicketKind.WALK_IN,
            priority=priority,
            booking=booking,
            queued_at=now,
            issued_at=now,
            token=secrets.token_urlsafe(16),
            phone=phone,
            citizen=citizen,
        )
        audit_record(
            actor=actor,
            action="appointments.ticket.issue",
            target=ticket,
            after={"ticket": ticket.label, "kind": ticket.kind, "priority": priority},
            office=office,
        )
        _board_changed(office.pk)
    return ticket


def booking_check_in(*, office: Office, reference: str, actor: Any) -> Ticket:
    """A person with a booking arrives: their booking (by reference or its QR
    code) becomes a ticket that joins the queue with the office's appointment
    priority. Only on the booked day at the booked office, until
    CHECK_IN_GRACE after the booked time. For an officer the matrix lets check
    bookings in at the office (`booking.check_in`), or the office's kiosk.
    Audited as `appointments.booking.check_in` and
    `appointments.ticket.issue`."""
    _ensure_may_at_office(actor, Action.BOOKING_CHECK_IN, office)
    now = timezone.now()
    reference = normalise_reference(reference)
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update()
            .filter(reference=reference, office=office)
            .first()
        )
        if booking is None:
            raise NotFound(
                _(
                    "No booking %(reference)s at this office. Check the code, or take "
                    "a walk-in ticket."
                )
                % {"reference": reference}
            )
        if booking.status != BookingStatus.BOOKED:
            raise Conflict(
                _("This booking is %(status)s. Take a walk-in ticket.")
                % {"status": booking.get_status_display().lower()},
                code="booking-closed",
            )
        if timezone.localdate(booking.starts_at) != timezone.localdate(now):
            raise Conflict(
                _("This booking is for another day. Take a walk-in ticket today."),
                code="booking-other-day",
            )
        if now > booking.slot.ends_at + CHECK_IN_GRACE:
            raise Conflict(
                _("The time of this booking has passed. Take a walk-in ticket."),
                code="booking-late",
            )
        booking.status = BookingStatus.CHECKED_IN
        booking.checked_in_at = now
        booking.save(update_fields=["status", "checked_in_at"])
        audit_record(
            actor=actor,
            action="appointments.booking.check_in",
            target=booking,
            office=office,
        )
        return _issue(
            offered=booking.office_service,
            actor=actor,
            phone=booking.phone,
            citizen=booking.citizen,
            booking=booking,
        )


def _ensure_at_counter(actor: Actor, action: Action, counter: Counter) -> None:
    """The matrix check of an action at a counter: a counter's tickets are
    private, so a counter of an office the actor cannot read is not found."""
    _ensure_may_at_office(actor, action, counter.office, public=False)
    if not counter.is_active:
        raise Conflict(_("This counter is not in use."), code="counter-closed")


def order_key(
    ticket: Ticket, settings: QueueSettings, *, prefer_appointment: bool
) -> tuple[Any, ...]:
    """Where a waiting ticket stands in the office's order (lower first)."""
    priority_rank = 0 if settings.priority_first and ticket.priority else 1
    is_appointment = ticket.kind == TicketKind.APPOINTMENT
    if settings.appointment_priority == AppointmentPriority.EQUAL:
        kind_rank = 0
    elif settings.appointment_priority == AppointmentPriority.FIRST:
        kind_rank = 0 if is_appointment else 1
    else:  # ALTERNATE: the kind not called last goes first
        kind_rank = 0 if is_appointment == prefer_appointment else 1
    return (priority_rank, kind_rank, ticket.queued_at, ticket.number)


def _last_called_was_appointment(office: Office, services: list[int]) -> bool:
    last = (
        Ticket.objects.filter(
            office=office,
            day=timezone.localdate(),
            office_service_id__in=services,
            called_at__isnull=False,
        )
        .order_by("-called_at")
        .values_list("kind", flat=True)
        .first()
    )
    return last == TicketKind.APPOINTMENT


def ticket_call_next(*, actor: Actor, counter: Counter) -> Ticket | None:
    """Calls the next person for the services this counter serves, in the
    office's order (queue settings), and finishes the counter's current ticket
    if it is still called. Returns None when nobody waits. Audited as
    `appointments.ticket.call`. Needs `ticket.call_next` at the counter's
    office."""
    _ensure_at_counter(actor, Action.TICKET_CALL_NEXT, counter)
    office = counter.office
    settings = queue_settings_for(office)
    services = list(
        OfficeService.objects.filter(counters=counter, is_active=True).values_list(
            "pk", flat=True
        )
    )
    if not services:
        raise Conflict(
            _("No service is assigned to this counter. Ask your administrator."),
            code="counter-without-service",
        )
    now = timezone.now()
    with transaction.atomic():
        current = Ticket.objects.filter(
            counter=counter, day=timezone.localdate(now), status=TicketStatus.CALLED
        )
        for ticket in current:
            _finish(ticket, TicketStatus.COMPLETED, actor=actor, now=now)
        prefer_appointment = not _last_called_was_appointment(office, services)
        candidates = list(
            Ticket.objects.filter(
                office=office,
                day=timezone.localdate(now),
                office_service_id__in=services,
                status=TicketStatus.WAITING,
            ).order_by("queued_at", "number")[:CALL_WINDOW]
        )
        candidates.sort(
            key=lambda ticket: order_key(
                ticket, settings, prefer_appointment=prefer_appointment
            )
        )
        for ticket in candidates:
            taken = Ticket.objects.filter(
                pk=ticket.pk, status=TicketStatus.WAITING
            ).update(
                status=TicketStatus.CALLED,
                counter=counter,
                called_by=actor if isinstance(actor, User) else None,
                called_at=now,
                announced_at=now,
            )
            if taken:
                ticket.refresh_from_db()
                audit_record(
                    actor=actor,
                    action="appointments.ticket.call",
                    target=ticket,
                    after={"ticket": ticket.label, "counter": counter.number},
                    office=office,
                )
                _board_changed(office.pk)
                # robust: the ticket is called even if telling those near fails;
                # the next call tells whoever is still untold.
                transaction.on_commit(
                    lambda: notify_near(office_service_ids=services, office=office),
                    robust=True,
                )
                return ticket
    return None


def _locked_ticket(actor: User, action: Action, ticket: Ticket) -> Ticket:
    """The ticket, locked, once the matrix allows `action` at its office (a
    ticket of an office the actor cannot read is not found)."""
    _ensure_may_at_office(actor, action, ticket.office, public=False)
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def ticket_recall(*, actor: User, ticket: Ticket) -> Ticket:
    """Calls the same person again (the display shows and sounds it again).
    Needs `ticket.recall` at its office. Audited as
    `appointments.ticket.recall`."""
    with transaction.atomic():
        locked = _locked_ticket(actor, Action.TICKET_RECALL, ticket)
        if locked.status != TicketStatus.CALLED:
            raise Conflict(
                _("Only a called ticket can be called again."), code="not-called"
            )
        locked.recalls += 1
        locked.announced_at = timezone.now()
        locked.save(update_fields=["recalls", "announced_at"])
        audit_record(
            actor=actor,
            action="appointments.ticket.recall",
            target=locked,
            after={"recalls": locked.recalls},
            office=locked.office,
        )
        _board_changed(locked.office_id)
    return locked


def _finish(ticket: Ticket, status: str, *, actor: Actor, now: datetime) -> None:
    ticket.status = status
    ticket.finished_at = now
    ticket.save(update_fields=["status", "finished_at"])
    if ticket.booking_id:
        Booking.objects.filter(pk=ticket.booking_id).update(
            status=BookingStatus.COMPLETED
            if status in (TicketStatus.COMPLETED, TicketStatus.TRANSFERRED)
            else BookingStatus.NO_SHOW
        )
    audit_record(
        actor=actor,
        action=f"appointments.ticket.{status}",
        target=ticket,
        after={"ticket": ticket.label, "status": status},
        office=ticket.office,
    )
    _board_changed(ticket.office_id)


def ticket_complete(*, actor: User, ticket: Ticket) -> Ticket:
    """The person was served. Needs `ticket.complete` at its office. Audited as
    `appointments.ticket.completed`."""
    return _close(actor, Action.TICKET_COMPLETE, ticket, TicketStatus.COMPLETED)


def ticket_no_show(*, actor: User, ticket: Ticket) -> Ticket:
    """The person called did not come. Needs `ticket.no_show` at its office.
    Audited as `appointments.ticket.no_show`."""
    return _close(actor, Action.TICKET_NO_SHOW, ticket, TicketStatus.NO_SHOW)


def _close(actor: User, action: Action, ticket: Ticket, status: str) -> Ticket:
    with transaction.atomic():
        locked = _locked_ticket(actor, action, ticket)
        if locked.status != TicketStatus.CALLED:
            raise Conflict(
                _("This ticket is %(status)s; call it first.")
                % {"status": locked.get_status_display().lower()},
                code="not-called",
            )
        _finish(locked, status, actor=actor, now=timezone.now())
    return locked


def ticket_transfer(*, actor: User, ticket: Ticket, to: OfficeService) -> Ticket:
    """Sends a called person on to another service of the same office: a new
    ticket in that service's group that keeps the first ticket's place in time.
    Needs `ticket.transfer` at its office. Audited as
    `appointments.ticket.transferred` and `appointments.ticket.issue`."""
    _ensure_may_at_office(actor, Action.TICKET_TRANSFER, ticket.office, public=False)
    if to.office_id != ticket.office_id:
        raise InvalidInput(_("Transfer within this office only."), field="service")
    with transaction.atomic():
        locked = _locked_ticket(actor, Action.TICKET_TRANSFER, ticket)
        if locked.status != TicketStatus.CALLED:
            raise Conflict(
                _("Only a called ticket can be transferred."), code="not-called"
            )
        if to.pk == locked.office_service_id:
            raise InvalidInput(_("Choose another service."), field="service")
        _finish(locked, TicketStatus.TRANSFERRED, actor=actor, now=timezone.now())
        moved = _issue(
            offered=to,
            actor=actor,
            priority=locked.priority,
            phone=locked.phone,
            citizen=locked.citizen,
        )
        moved.queued_at = locked.queued_at
        moved.token = locked.token + "-" + secrets.token_urlsafe(4)
        moved.save(update_fields=["queued_at", "token"])
        locked.transferred_to = moved
        locked.save(update_fields=["transferred_to"])
    return moved


def notify_near(*, office_service_ids: list[int], office: Office) -> int:
    """Tells people whose ticket is close (settings.notify_when_ahead or fewer
    ahead) by LINE or SMS, once per ticket."""
    settings = queue_settings_for(office)
    if not settings.notify_when_ahead:
        return 0
    waiting = list(
        Ticket.objects.filter(
            office=office,
            day=timezone.localdate(),
            office_service_id__in=office_service_ids,
            status=TicketStatus.WAITING,
        )
        .select_related("citizen")
        .order_by("queued_at", "number")[:CALL_WINDOW]
    )
    waiting.sort(key=lambda t: order_key(t, settings, prefer_appointment=True))
    told = 0
    for ahead, ticket in enumerate(waiting[: settings.notify_when_ahead + 1]):
        if ticket.near_notified_at or not (ticket.citizen or ticket.phone):
            continue
        with transaction.atomic():  # marked and its notice written together
            marked = Ticket.objects.filter(
                pk=ticket.pk, near_notified_at__isnull=True
            ).update(near_notified_at=timezone.now())
            if not marked:
                continue
            _tell_near(ticket, ahead=ahead, office=office)
        told += 1
    return told


def _tell_near(ticket: Ticket, *, ahead: int, office: Office) -> None:
    context = {"ticket": ticket.label, "ahead": ahead, "office": office.name_th}
    if ticket.citizen is not None:
        notification_notify_user(
            user=ticket.citizen,
            template_key=notices.TICKET_NEAR.key,
            context=context,
        )
    else:
        notification_notify_address(
            address=ticket.phone,
            channel="sms",
            template_key=notices.TICKET_NEAR.key,
            context=context,
        )
