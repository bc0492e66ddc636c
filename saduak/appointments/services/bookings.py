"""Booking, cancelling and changing a visit. Capacity and the one-active-booking
rule are the database's: a conditional UPDATE takes a seat (a CHECK constraint
backs it) and a partial unique index refuses a second active booking."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, ensure_may, may
from saduak.accounts.models import User
from saduak.appointments import notices
from saduak.appointments.choices import BookingChannel, BookingStatus, CancelReason
from saduak.appointments.models import Booking, Slot
from saduak.appointments.selectors.slots import (
    alternatives_for,
    earliest_bookable,
    last_bookable_day,
)
from saduak.appointments.services.slots import closed_days
from saduak.areas.models import Holiday
from saduak.audit.services import audit_record
from saduak.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
)
from saduak.core.links import absolute_url
from saduak.core.personal_id import clean_personal_id
from saduak.core.references import new_reference
from saduak.core.thai import day_bounds, format_date_be, format_datetime_be
from saduak.notifications.services import (
    notification_notify_address,
    notification_notify_user,
)


class SlotUnavailable(Conflict):
    """A slot that cannot be booked; `extra["alternatives"]` lists what can."""

    code = "slot-unavailable"


@dataclass(frozen=True)
class Caller:
    """A person booked for by an officer on the telephone."""

    personal_id: str
    name: str
    phone: str


def _refuse(slot: Slot, message: str, code: str) -> SlotUnavailable:
    return SlotUnavailable(
        message,
        code=code,
        field="slot",
        extra={"alternatives": alternatives_for(slot)},
    )


def _check_bookable(slot: Slot, *, now: datetime, channel: str) -> None:
    offered = slot.office_service
    if not offered.is_active or not offered.office.is_active:
        raise _refuse(
            slot, _("This office no longer offers this service."), "not-offered"
        )
    if channel == BookingChannel.ONLINE and not offered.online:
        raise _refuse(
            slot,
            _("This office does not take online bookings for this service."),
            "not-online",
        )
    if slot.starts_at <= now:
        raise _refuse(slot, _("This time has passed. Choose a later time."), "past")
    if slot.starts_at < earliest_bookable(offered, now):
        raise _refuse(
            slot,
            _("Book at least %(hours)s hours ahead. Choose a later time.")
            % {"hours": offered.min_notice_hours},
            "too-soon",
        )
    day = timezone.localdate(slot.starts_at)
    last_day = last_bookable_day(offered, now)
    if day > last_day:
        raise _refuse(
            slot,
            _("Bookings open %(days)s days ahead. Choose a day up to %(day)s.")
            % {"days": offered.days_ahead, "day": last_day.strftime("%d/%m/%Y")},
            "beyond-window",
        )
    if day in closed_days(offered.office, day, day):
        raise _refuse(slot, _("The office is closed that day."), "closed")


def booking_create(
    *,
    actor: User,
    slot: Slot,
    caller: Caller | None = None,
) -> Booking:
    """Books a seat in `slot`: for the signed-in citizen (`actor`, their own
    booking), or, with `caller`, for a person on the telephone by an officer
    the matrix lets book for a caller at the slot's office
    (`booking.create_for_caller`).

    Refuses (SlotUnavailable, with alternatives) a slot that is past, too soon,
    beyond the booking window, on a closed day or full, and (Conflict) a second
    active booking of the same service by the same person. Takes the seat with
    a conditional UPDATE in the same transaction as the booking, so a refusal
    leaves nothing. Audited as `appointments.booking.create`; the confirmation
    goes out by LINE, SMS or e-mail after commit.
    """
    if caller is not None:
        ensure_may(
            actor,
            Action.BOOKING_CREATE_FOR_CALLER,
            office=slot.office_service.office,
            public=True,
            refusal=_("You can book by telephone only at offices you work for."),
        )
        return _create(actor=actor, slot=slot, caller=caller)
    return _create(actor=actor, slot=slot, caller=None)


def _create(
    *,
    actor: User,
    slot: Slot,
    caller: Caller | None,
    channel: str | None = None,
) -> Booking:
    """The booking itself, once the caller of this function has checked who
    may make it; `channel` keeps a moved booking's channel."""
    now = timezone.now()
    offered = slot.office_service
    if caller is None:
        personal_id, name, phone = actor.personal_id, actor.full_name, actor.phone
        citizen: User | None = actor
    else:
        try:
            personal_id = clean_personal_id(caller.personal_id)
        except ValidationError as error:
            raise InvalidInput(error.messages[0], field="personal_id") from None
        name, phone = caller.name.strip(), caller.phone.strip()
        if not name:
            raise InvalidInput(_("Write the caller's name."), field="name")
        citizen = User.objects.filter(personal_id=personal_id).first()
    channel = channel or (
        BookingChannel.ONLINE if caller is None else BookingChannel.PHONE
    )
    _check_bookable(slot, now=now, channel=channel)
    fields = {
        "created_by": actor,
        "personal_id": personal_id,
        "citizen": citizen,
        "name": name,
        "phone": phone,
        "channel": channel,
    }
    # A reference already taken (one in billions) is drawn again, the whole
    # transaction with it: no savepoint round trips for the case that never comes.
    for _attempt in range(REFERENCE_DRAWS):
        try:
            booking = _book(slot, fields)
        except IntegrityError as error:
            if "reference" not in str(error).lower():
                raise _already_booked(personal_id, offered.service_id) from None
            continue
        if booking is None:
            # The alternatives are looked up after the transaction, not in it:
            # "full" is the answer most given in a surge.
            raise _refuse(
                slot, _("This time is fully booked. Choose another time."), "full"
            )
        return booking
    raise DomainError(_("No free reference could be drawn. Try again."))


REFERENCE_DRAWS = 5


def _book(slot: Slot, fields: dict[str, Any]) -> Booking | None:
    """Takes the seat and writes the booking and its audit event, in one
    transaction; None, with nothing written, when the slot is full."""
    offered = slot.office_service
    with transaction.atomic():
        # The seat first: a full slot answers here, before anything is written.
        taken = Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(
            booked=F("booked") + 1
        )
        if not taken:
            return None
        booking = Booking(
            reference=new_reference(),
            slot=slot,
            office_service=offered,
            service=offered.service,
            office=offered.office,
            starts_at=slot.starts_at,
            **fields,
        )
        booking.save(force_insert=True)
        audit_record(
            actor=fields["created_by"],
            action="appointments.booking.create",
            target=booking,
            after={
                "reference": booking.reference,
                "slot": slot.pk,
                "channel": fields["channel"],
            },
            office=offered.office,
        )
        _notify(booking, notices.BOOKING_CONFIRMED.key)
    return booking


def _already_booked(personal_id: str, service_id: int) -> Conflict:
    active = Booking.objects.filter(
        personal_id=personal_id, service_id=service_id, status=BookingStatus.BOOKED
    ).first()
    return Conflict(
        _(
            "There is already a booking for this service (%(reference)s). Cancel "
            "or change that booking first."
        )
        % {"reference": active.reference if active else ""},
        code="already-booked",
        field="slot",
        extra={"reference": active.reference if active else None},
    )


def booking_cancel(
    *,
    actor: User,
    booking: Booking,
    reason: CancelReason = CancelReason.ON_REQUEST,
) -> Booking:
    """Cancels a booking and frees its seat. The citizen may cancel their own
    until the office's free-cancellation deadline (self-service); staff with
    `booking.cancel_for_citizen` at its office may at any time before the
    visit. A booking outside what the actor may read is not found. Audited as
    `appointments.booking.cancel`."""
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        _check_may_change(actor, locked, verb="cancel")
        _cancel(
            locked, actor=actor, reason=reason, notice=notices.BOOKING_CANCELLED.key
        )
    return locked


def _cancel(
    booking: Booking,
    *,
    actor: Any,
    reason: CancelReason,
    notice: str | None,
    note: str = "",
    context: dict[str, str] | None = None,
) -> None:
    """Inside the caller's transaction, with `booking` locked: cancelled, its seat
    freed, audited, and the person told (the notice is written in the same
    transaction and sent after commit; none when `notice` is None)."""
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.cancel_reason, booking.cancel_note = reason, note[:300]
    booking.save(
        update_fields=["status", "cancelled_at", "cancel_reason", "cancel_note"]
    )
    Slot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    audit_record(
        actor=actor,
        action="appointments.booking.cancel",
        target=booking,
        before={"status": BookingStatus.BOOKED},
        after={"status": BookingStatus.CANCELLED, "reason": reason, "note": note},
        office=booking.office,
    )
    if notice is not None:
        _notify(booking, notice, context)


def closure_name(holiday: Holiday) -> str:
    """The closure's name as the booking keeps it: Thai, and English when given."""
    return (
        f"{holiday.name_th} ({holiday.name_en})" if holiday.name_en else holiday.name_th
    )


def bookings_cancel_for_closure(*, holiday_id: int) -> int:
    """Cancels the bookings of a day that an office (or, for a national holiday,
    every office) closed after they were made, frees their seats and tells each
    person why, with a link to book another time. Run after the closure is
    committed (celery); a booking is cancelled once however often it runs.
    Returns how many it cancelled."""
    holiday = Holiday.objects.filter(pk=holiday_id).first()
    if holiday is None:  # removed again before this ran
        return 0
    start, end = day_bounds(holiday.date)
    due = Booking.objects.filter(
        status=BookingStatus.BOOKED, starts_at__gte=start, starts_at__lt=end
    )
    if holiday.office_id is not None:
        due = due.filter(office_id=holiday.office_id)
    cancelled = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(of=("self",))
                .select_related("service", "office", "citizen")
                .filter(pk=pk, status=BookingStatus.BOOKED)
                .first()
            )
            if booking is None:  # cancelled meanwhile
                continue
            _cancel(
                booking,
                actor="system",
                reason=CancelReason.OFFICE_CLOSED,
                note=closure_name(holiday),
                notice=notices.BOOKING_OFFICE_CLOSED.key,
                context={
                    "closure": holiday.name_th,
                    "day": format_date_be(holiday.date, style="long"),
                    "url": absolute_url(
                        reverse(
                            "appointments:choose-time",
                            args=[booking.service.code, booking.office.code],
                        )
                    ),
                },
            )
        cancelled += 1
    return cancelled


def booking_reschedule(*, actor: User, booking: Booking, slot: Slot) -> Booking:
    """Moves a booking to another slot of the same service, in one transaction:
    the old seat is given back and the new one taken, so a full slot rolls back
    and leaves the booking as it was. The citizen moves their own booking until
    the free-cancellation deadline; for anyone else's, the actor needs
    `booking.cancel_for_citizen` at its office (moving is cancelling and
    booking again). Audited as cancel + create, the new booking pointing at the
    old one; the person gets the new booking's confirmation."""
    if slot.office_service.service_id != booking.service_id:
        raise InvalidInput(_("Choose a time for the same service."), field="slot")
    with transaction.atomic():
        old = Booking.objects.select_for_update().get(pk=booking.pk)
        for_citizen = _check_may_change(actor, old, verb="change")
        caller = None
        if old.channel == BookingChannel.PHONE or for_citizen:
            caller = Caller(old.personal_id, old.name, old.phone)
        _cancel(old, actor=actor, reason=CancelReason.MOVED, notice=None)
        new = _create(
            actor=actor,
            slot=slot,
            caller=caller,
            channel=BookingChannel.PHONE if for_citizen else old.channel,
        )
        new.rebooked_from = old
        new.save(update_fields=["rebooked_from"])
    return new


def _check_may_change(actor: User, booking: Booking, *, verb: str) -> bool:
    """Whether `actor` may cancel or move `booking` now: their own booking
    until the free-cancellation deadline (self-service, no matrix), or anyone's
    with `booking.cancel_for_citizen` at its office. Returns whether the actor
    acts for the citizen (as staff)."""
    own = booking.citizen_id is not None and booking.citizen_id == actor.pk
    as_staff = may(actor, Action.BOOKING_CANCEL_FOR_CITIZEN, office=booking.office)
    if not own and not as_staff:
        # Outside the actor's reading reach this answers not found.
        ensure_may(actor, Action.BOOKING_CANCEL_FOR_CITIZEN, office=booking.office)
    if booking.status != BookingStatus.BOOKED:
        raise Conflict(
            _("This booking is %(status)s and can no longer change.")
            % {"status": booking.get_status_display().lower()},
            code="booking-closed",
        )
    now = timezone.now()
    if booking.starts_at <= now:
        raise Conflict(_("The time of this booking has passed."), code="booking-past")
    if not as_staff:
        deadline = booking.starts_at - timedelta(
            hours=booking.office_service.cancel_until_hours
        )
        if now > deadline:
            raise Conflict(
                _(
                    "Free cancellation ended at %(deadline)s. Call the office to "
                    "%(verb)s this booking: %(phone)s."
                )
                % {
                    "deadline": format_datetime_be(deadline),
                    "verb": _("cancel") if verb == "cancel" else _("change"),
                    "phone": booking.office.phone or "",
                },
                code="cancellation-closed",
            )
    return as_staff and not own


def booking_url(booking: Booking) -> str:
    return reverse("appointments:booking", args=[booking.reference])


def _notify(
    booking: Booking, template_key: str, extra: dict[str, str] | None = None
) -> None:
    """The message to the person booked for, on the channels they can be reached
    on (LINE, SMS, e-mail of their account, or the caller's telephone); `extra`
    adds to or replaces the booking's own context. Called inside the booking's
    transaction: the notification rows are its outbox, and a message that cannot
    be rendered is a failed notification, never a failed booking."""
    citizen = booking.citizen
    reachable = booking.phone or (
        citizen is not None and (citizen.phone or citizen.email or citizen.line_user_id)
    )
    if not reachable:
        return
    context = {
        "reference": booking.reference,
        "service": booking.service.name_th,
        "office": booking.office.name_th,
        "when": format_datetime_be(booking.starts_at),
        "url": absolute_url(booking_url(booking)),
        **(extra or {}),
    }
    if booking.citizen is not None:
        notification_notify_user(
            user=booking.citizen, template_key=template_key, context=context
        )
    elif booking.phone:
        notification_notify_address(
            address=booking.phone,
            channel="sms",
            template_key=template_key,
            context=context,
        )


def booking_reminders_send(*, now: datetime | None = None) -> int:
    """Sends the reminder for tomorrow's bookings not yet reminded. Run by celery
    beat every hour; each booking is reminded once (a conditional UPDATE marks
    it first)."""
    now = now or timezone.now()
    start, end = day_bounds(timezone.localdate(now) + timedelta(days=1))
    due = Booking.objects.filter(
        status=BookingStatus.BOOKED,
        reminded_at__isnull=True,
        starts_at__gte=start,
        starts_at__lt=end,
    ).select_related("service", "office", "citizen")
    sent = 0
    for booking in due.iterator(chunk_size=500):
        with transaction.atomic():  # marked and its reminder written together
            marked = Booking.objects.filter(
                pk=booking.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if marked:
                _notify(booking, notices.BOOKING_REMINDER.key)
                sent += 1
    return sent
