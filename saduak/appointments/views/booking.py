"""The citizen's booking pages: choose a service, an office, a day and a time,
confirm; see, cancel or change the booking."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from saduak.accounts.matrix import NOT_YOUR_ROLE, Action, may
from saduak.accounts.permissions import acting_user
from saduak.appointments.choices import BookingStatus
from saduak.appointments.forms import OfficeSearchForm
from saduak.appointments.middleware import waiting_room
from saduak.appointments.models import Booking, OfficeService, Slot
from saduak.appointments.selectors import bookings as booking_selectors
from saduak.appointments.selectors import catalogue, slots
from saduak.appointments.services import bookings
from saduak.areas.models import District, Province
from saduak.core.admission import admit
from saduak.core.errors import (
    DomainError,
    NotFound,
    PermissionDeniedError,
    TooManyRequests,
)

View = Callable[..., HttpResponse]


def admitted(view: View) -> View:
    """A person's or address's limit on the booking pages (the waiting room for
    everyone runs before, in AdmissionMiddleware): the page says when it will try
    again, and does so by itself (a meta refresh, no JavaScript), with 429 and
    Retry-After."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            admit(request)
        except TooManyRequests as refused:
            return waiting_room(request, refused)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def service_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "appointments/service_list.html",
        {"services": catalogue.services_offered()},
    )


def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The citizen's manual of a service (Licensing Facilitation Act)."""
    return render(
        request,
        "appointments/service_detail.html",
        {"service": catalogue.service_get(code)},
    )


@login_required
@admitted
def choose_office(request: HttpRequest, code: str) -> HttpResponse:
    service = catalogue.service_get(code)
    form = OfficeSearchForm(request.GET or None)
    choices: list[catalogue.OfficeChoice] = []
    nearest = False
    if form.is_valid():
        data = form.cleaned_data
        if data["lat"] is not None and data["lon"] is not None:
            choices = catalogue.offices_nearest(
                service, latitude=data["lat"], longitude=data["lon"]
            )
            nearest = True
        if not choices:
            choices = catalogue.offices_offering(
                service,
                search=data["q"],
                province=data["province"],
                district=data["district"],
            )
            nearest = False
    province_code = form.cleaned_data.get("province", "") if form.is_bound else ""
    return render(
        request,
        "appointments/choose_office.html",
        {
            "service": service,
            "form": form,
            "choices": choices,
            "searched": form.is_bound,
            "nearest": nearest,
            "provinces": Province.objects.filter(is_active=True).order_by("code"),
            "province_code": province_code,
            "districts": District.objects.filter(
                province_id=province_code, is_active=True
            ).order_by("code")
            if province_code
            else [],
        },
    )


def _chosen_day(request: HttpRequest) -> date | None:
    try:
        return date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return None


def _slot_page(
    request: HttpRequest,
    offered: OfficeService,
    *,
    rebooking: Booking | None = None,
) -> HttpResponse:
    days = slots.days_available(offered)
    day = _chosen_day(request) or (days[0].day if days else None)
    return render(
        request,
        "appointments/choose_time.html",
        {
            "offered": offered,
            "service": offered.service,
            "office": offered.office,
            "days": days,
            "day": day,
            "times": slots.free_slots(offered, day) if day else [],
            "rebooking": rebooking,
        },
    )


@login_required
@admitted
def choose_time(request: HttpRequest, code: str, office_code: str) -> HttpResponse:
    offered = catalogue.office_service_get(office_code=office_code, service_code=code)
    return _slot_page(request, offered)


def _slot_of(offered: OfficeService, raw: str | None) -> Slot:
    slot = slots.slot_find(raw, office_service=offered)
    if slot is None:
        raise NotFound(_("That time is not offered here. Choose a time from the list."))
    return slot


@login_required
@never_cache
@admitted
def confirm(request: HttpRequest, code: str, office_code: str) -> HttpResponse:
    """Check your answers, then book."""
    offered = catalogue.office_service_get(office_code=office_code, service_code=code)
    raw = (
        request.POST.get("slot")
        if request.method == "POST"
        else request.GET.get("slot")
    )
    slot = _slot_of(offered, raw)
    error: DomainError | None = None
    if request.method == "POST":
        try:
            booking = bookings.booking_create(actor=acting_user(request), slot=slot)
        except DomainError as refused:
            error = refused
        else:
            messages.success(request, _("Your booking is confirmed."))
            return redirect("appointments:booking", reference=booking.reference)
    return render(
        request,
        "appointments/confirm.html",
        {
            "offered": offered,
            "service": offered.service,
            "office": offered.office,
            "slot": slot,
            "error": error,
            "alternatives": (error.extra.get("alternatives", []) if error else []),
        },
        status=error.status if error else 200,
    )


@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    rows = list(booking_selectors.bookings_of(user)[:100])
    now = timezone.now()
    return render(
        request,
        "appointments/my_bookings.html",
        {
            "upcoming": [
                b
                for b in rows
                if b.status == BookingStatus.BOOKED and b.starts_at >= now
            ][::-1],
            "past": [
                b
                for b in rows
                if not (b.status == BookingStatus.BOOKED and b.starts_at >= now)
            ],
        },
    )


def booking_qr_svg(booking: Booking) -> str:
    """The QR code the kiosk reads to check the person in: the reference only."""
    return str(segno.make(booking.reference, error="m").svg_data_uri(scale=8, border=2))


@login_required
@never_cache
def booking_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user = acting_user(request)
    booking = booking_selectors.booking_for(viewer=user, reference=reference)
    deadline = booking.starts_at - timedelta(
        hours=booking.office_service.cancel_until_hours
    )
    return render(
        request,
        "appointments/booking_detail.html",
        {
            "booking": booking,
            "service": booking.service,
            "qr": booking_qr_svg(booking),
            "cancel_deadline": deadline,
            "may_change": booking.status == BookingStatus.BOOKED
            and timezone.now() < booking.starts_at
            and (
                booking.citizen_id == user.pk
                or may(user, Action.BOOKING_CANCEL_FOR_CITIZEN, office=booking.office)
            ),
        },
    )


@login_required
@require_POST
def booking_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    user = acting_user(request)
    booking = booking_selectors.booking_for(viewer=user, reference=reference)
    try:
        bookings.booking_cancel(actor=user, booking=booking)
    except (NotFound, PermissionDeniedError):
        raise
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The booking is cancelled."))
    return redirect("appointments:booking", reference=booking.reference)


@login_required
@never_cache
@admitted
def booking_change(request: HttpRequest, reference: str) -> HttpResponse:
    user = acting_user(request)
    booking = booking_selectors.booking_for(viewer=user, reference=reference)
    if booking.citizen_id != user.pk and not may(
        user, Action.BOOKING_CANCEL_FOR_CITIZEN, office=booking.office
    ):
        raise PermissionDeniedError(NOT_YOUR_ROLE)
    if request.method == "POST":
        slot = _slot_of(booking.office_service, request.POST.get("slot"))
        try:
            new = bookings.booking_reschedule(actor=user, booking=booking, slot=slot)
        except (NotFound, PermissionDeniedError):
            raise
        except DomainError as refused:
            messages.error(request, str(refused.message))
            return redirect(
                reverse("appointments:booking-change", args=[booking.reference])
            )
        messages.success(request, _("Your booking has a new time."))
        return redirect("appointments:booking", reference=new.reference)
    return _slot_page(request, booking.office_service, rebooking=booking)
