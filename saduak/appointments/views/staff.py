"""Office staff: what the office offers and how (services, counters, slot length,
rules, queue settings, kiosk link, releasing slots), and the day's bookings with
booking by telephone."""

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from saduak.accounts.matrix import Action, ensure_may, may
from saduak.accounts.permissions import acting_user, staff_required
from saduak.appointments.forms import (
    CallerForm,
    OfficeServiceForm,
    QueueSettingsForm,
    ReleaseForm,
)
from saduak.appointments.models import OfficeService, Service
from saduak.appointments.selectors import bookings as booking_selectors
from saduak.appointments.selectors import catalogue
from saduak.appointments.selectors.slots import free_slots, slot_find
from saduak.appointments.services import bookings
from saduak.appointments.services import catalogue as catalogue_services
from saduak.appointments.services.slots import slots_release
from saduak.areas.selectors import office_get
from saduak.core.errors import DomainError, NotFound
from saduak.core.forms import add_domain_error
from saduak.identity.step_up import recent_second_factor_required


@staff_required
@never_cache
def office_services(request: HttpRequest, code: str) -> HttpResponse:
    office = office_get(code)
    user = acting_user(request)
    ensure_may(user, Action.OFFICE_SERVICE_SAVE, office=office, public=True)
    offered = {row.service_id: row for row in catalogue.office_services(office)}
    rows = [
        {
            "service": service,
            "offered": offered.get(service.pk),
            "form": OfficeServiceForm(
                instance=offered.get(service.pk),
                office=office,
                prefix=f"s{service.pk}",
            ),
        }
        for service in catalogue.services_offered()
    ]
    today = timezone.localdate()
    return render(
        request,
        "appointments/office_services.html",
        {
            "office": office,
            "rows": rows,
            "settings_form": QueueSettingsForm(
                instance=catalogue.queue_settings_for(office)
            ),
            "release_form": ReleaseForm(
                initial={"start": today, "end": today + timedelta(days=30)}
            ),
            "kiosk_url": request.session.pop("kiosk_url", ""),
        },
    )


@staff_required
@require_POST
def office_service_save(
    request: HttpRequest, code: str, service_code: str
) -> HttpResponse:
    office = office_get(code)
    service = Service.objects.filter(code=service_code).first()
    if service is None:
        raise NotFound(_("There is no such service."))
    existing = OfficeService.objects.filter(office=office, service=service).first()
    form = OfficeServiceForm(
        request.POST, instance=existing, office=office, prefix=f"s{service.pk}"
    )
    if form.is_valid():
        data = dict(form.cleaned_data)
        counters = data.pop("counters")
        try:
            catalogue_services.office_service_save(
                actor=acting_user(request),
                office=office,
                service=service,
                counters=counters,
                **data,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("%(service)s is saved.") % {"service": service.name}
            )
            return redirect(
                reverse("appointments:office-services", args=[code]) + f"#s{service.pk}"
            )
    for field, errors in form.errors.items():
        messages.error(
            request, f"{service.name}: {field} {' '.join(str(e) for e in errors)}"
        )
    return redirect(
        reverse("appointments:office-services", args=[code]) + f"#s{service.pk}"
    )


@staff_required
@require_POST
def queue_settings_save(request: HttpRequest, code: str) -> HttpResponse:
    office = office_get(code)
    form = QueueSettingsForm(request.POST)
    if form.is_valid():
        try:
            catalogue_services.queue_settings_save(
                actor=acting_user(request), office=office, **form.cleaned_data
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The queue settings are saved."))
    else:
        messages.error(
            request,
            _("Check the queue settings: %(errors)s")
            % {"errors": form.errors.as_text()},
        )
    return redirect("appointments:office-services", code=code)


@staff_required
@require_POST
@recent_second_factor_required
def kiosk_key_issue(request: HttpRequest, code: str) -> HttpResponse:
    office = office_get(code)
    raw = catalogue_services.kiosk_key_issue(actor=acting_user(request), office=office)
    # Shown once on the next page; only its hash is kept.
    request.session["kiosk_url"] = request.build_absolute_uri(
        reverse("appointments:kiosk", args=[office.code]) + f"?key={raw}"
    )
    messages.success(
        request,
        _(
            "A new kiosk link is made. Open it once on each kiosk; the old link no longer works."
        ),
    )
    return redirect("appointments:office-services", code=code)


@staff_required
@require_POST
def slots_release_view(request: HttpRequest, code: str) -> HttpResponse:
    office = office_get(code)
    user = acting_user(request)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose both days."))
        return redirect("appointments:office-services", code=code)
    made = 0
    try:
        for offered in OfficeService.objects.filter(
            office=office, is_active=True
        ).prefetch_related("office__opening_hours"):
            made += slots_release(
                offered=offered,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                actor=user,
            )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("%(count)s new times are open for booking.") % {"count": made}
        )
    return redirect("appointments:office-services", code=code)


@staff_required
@never_cache
def office_bookings(request: HttpRequest, code: str) -> HttpResponse:
    """The office's bookings of a day, and booking for a caller on the
    telephone."""
    office = office_get(code)
    user = acting_user(request)
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    rows = booking_selectors.office_day_bookings(viewer=user, office=office, day=day)
    caller_form = CallerForm(request.POST or None)
    offered = list(catalogue.office_services(office).filter(is_active=True))
    status = 200
    if request.method == "POST" and caller_form.is_valid():
        slot = slot_find(request.POST.get("slot"), office=office)
        if slot is None:
            caller_form.add_error(None, _("Choose a time."))
        else:
            try:
                booking = bookings.booking_create(
                    actor=user,
                    slot=slot,
                    caller=bookings.Caller(**caller_form.cleaned_data),
                )
            except DomainError as error:
                add_domain_error(caller_form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Booked %(reference)s. Tell the caller the code; an SMS is on its way."
                    )
                    % {"reference": booking.reference},
                )
                return redirect(
                    reverse("appointments:office-bookings", args=[code])
                    + f"?day={day.isoformat()}"
                )
    if caller_form.errors:
        status = 400
    return render(
        request,
        "appointments/office_bookings.html",
        {
            "office": office,
            "day": day,
            "rows": rows,
            "caller_form": caller_form,
            "free": [(row, free_slots(row, day)) for row in offered],
            "may_manage": may(user, Action.OFFICE_SERVICE_SAVE, office=office),
            "may_book": may(user, Action.BOOKING_CREATE_FOR_CALLER, office=office),
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
        },
        status=status,
    )
