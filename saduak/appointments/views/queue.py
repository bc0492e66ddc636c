"""Walk-ins and the counters: the kiosk, the "now serving" display, a person's
own ticket page, and the counter console."""

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from saduak.accounts.matrix import Action, may
from saduak.accounts.permissions import acting_user, staff_required
from saduak.appointments.forms import CheckInForm, KioskTicketForm
from saduak.appointments.models import OfficeService, QueueSettings
from saduak.appointments.selectors import queue as queue_selectors
from saduak.appointments.services import queue
from saduak.appointments.services.catalogue import kiosk_key_hash
from saduak.areas.models import Counter, Office
from saduak.areas.selectors import office_code_get, office_get
from saduak.core.errors import DomainError, NotFound, PermissionDeniedError
from saduak.core.forms import add_domain_error

KIOSK_COOKIE = "saduak_kiosk"


def _kiosk_office(request: HttpRequest, code: str) -> Office:
    """The office whose kiosk this device is: it holds the office's kiosk key in
    a cookie (set once by opening the kiosk link with ?key=...)."""
    office = office_get(code)
    stored = (
        QueueSettings.objects.filter(office=office)
        .values_list("kiosk_key_hash", flat=True)
        .first()
    )
    presented = request.COOKIES.get(f"{KIOSK_COOKIE}_{office.pk}", "")
    if not stored or not presented or kiosk_key_hash(presented) != stored:
        raise PermissionDeniedError(
            _(
                "This device is not a kiosk of this office. Ask the office for its kiosk link."
            )
        )
    return office


def _walk_in_services(office: Office) -> list[OfficeService]:
    return list(
        OfficeService.objects.filter(office=office, is_active=True, walk_in=True)
        .select_related("service")
        .order_by("service__group", "service__sort_order")
    )


@never_cache
def kiosk(request: HttpRequest, code: str) -> HttpResponse:
    if "key" in request.GET:
        response = redirect("appointments:kiosk", code=code)
        office = office_get(code)
        response.set_cookie(
            f"{KIOSK_COOKIE}_{office.pk}",
            request.GET["key"],
            max_age=365 * 24 * 3600,
            httponly=True,
            secure=request.is_secure(),
            samesite="Strict",
        )
        return response
    office = _kiosk_office(request, code)
    return _kiosk_page(request, office)


def _kiosk_page(
    request: HttpRequest,
    office: Office,
    *,
    ticket_form: KioskTicketForm | None = None,
    check_in_form: CheckInForm | None = None,
) -> HttpResponse:
    """The kiosk's page; with a refused form, 400 and the form's errors."""
    refused = ticket_form is not None or check_in_form is not None
    return render(
        request,
        "appointments/kiosk.html",
        {
            "office": office,
            "services": _walk_in_services(office),
            "ticket_form": ticket_form or KioskTicketForm(),
            "check_in_form": check_in_form or CheckInForm(),
        },
        status=400 if refused else 200,
    )


def _ticket_issued(request: HttpRequest, ticket, status: int = 201) -> HttpResponse:  # type: ignore[no-untyped-def]
    url = request.build_absolute_uri(
        reverse("appointments:ticket", args=[ticket.token])
    )
    return render(
        request,
        "appointments/kiosk_ticket.html",
        {
            "ticket": ticket,
            "ahead": queue_selectors.people_ahead(ticket),
            "url": url,
            "qr": segno.make(url, error="m").svg_data_uri(scale=5, border=2),
            "office": ticket.office,
        },
        status=status,
    )


@require_POST
def kiosk_ticket(request: HttpRequest, code: str) -> HttpResponse:
    office = _kiosk_office(request, code)
    form = KioskTicketForm(request.POST)
    if form.is_valid():
        offered = (
            OfficeService.objects.filter(pk=form.cleaned_data["service"], office=office)
            .select_related("service", "office")
            .first()
        )
        if offered is None:
            raise NotFound(_("This office does not offer that service."))
        try:
            ticket = queue.ticket_issue(
                offered=offered,
                actor=queue.kiosk_actor(office),
                priority=form.cleaned_data["priority"],
                phone=form.cleaned_data["phone"] or "",
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _ticket_issued(request, ticket)
    return _kiosk_page(request, office, ticket_form=form)


@require_POST
def kiosk_check_in(request: HttpRequest, code: str) -> HttpResponse:
    office = _kiosk_office(request, code)
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            ticket = queue.booking_check_in(
                office=office,
                reference=form.cleaned_data["reference"],
                actor=queue.kiosk_actor(office),
            )
        except NotFound as error:
            form.add_error("reference", str(error.message))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _ticket_issued(request, ticket)
    return _kiosk_page(request, office, check_in_form=form)


def now_serving(request: HttpRequest, code: str) -> HttpResponse:
    """The display for a TV: large text, refreshed every second by htmx, a sound
    and a spoken call when a ticket is called."""
    office = office_get(code)
    return render(
        request,
        "appointments/now_serving.html",
        {"office": office, "board": queue_selectors.now_serving(office)},
    )


def now_serving_board(request: HttpRequest, code: str) -> HttpResponse:
    """The board alone, which every TV asks for every second: one light query and
    the cached board."""
    office = office_code_get(code)
    response = render(
        request,
        "appointments/partials/board.html",
        {"office": office, "board": queue_selectors.now_serving(office)},
    )
    response["Cache-Control"] = "no-store"
    return response


def _ticket_context(token: str) -> dict[str, object]:
    ticket = queue_selectors.current_ticket(queue_selectors.ticket_by_token(token))
    ahead = queue_selectors.people_ahead(ticket)
    return {
        "ticket": ticket,
        "token": token,
        "ahead": ahead,
        "wait_minutes": queue_selectors.estimated_wait_minutes(ticket, ahead),
    }


@never_cache
def ticket_page(request: HttpRequest, token: str) -> HttpResponse:
    return render(request, "appointments/ticket.html", _ticket_context(token))


@never_cache
def ticket_status(request: HttpRequest, token: str) -> HttpResponse:
    return render(
        request, "appointments/partials/ticket_status.html", _ticket_context(token)
    )


# --- The counter console -----------------------------------------------------------
@staff_required
def counter_list(request: HttpRequest, code: str) -> HttpResponse:
    office = office_get(code)
    return render(
        request,
        "appointments/counter_list.html",
        {"office": office, "counters": office.counters.filter(is_active=True)},
    )


def _console(
    request: HttpRequest, counter: Counter, *, status: int = 200
) -> HttpResponse:
    user = acting_user(request)
    template = (
        "appointments/partials/console.html"
        if request.htmx  # type: ignore[attr-defined]
        else "appointments/counter_console.html"
    )
    office = counter.office
    return render(
        request,
        template,
        {
            "view": queue_selectors.counter_view(counter),
            "counter": counter,
            "may_call": may(user, Action.TICKET_CALL_NEXT, office=office),
            "may_recall": may(user, Action.TICKET_RECALL, office=office),
            "may_complete": may(user, Action.TICKET_COMPLETE, office=office),
            "may_no_show": may(user, Action.TICKET_NO_SHOW, office=office),
            "may_transfer": may(user, Action.TICKET_TRANSFER, office=office),
        },
        status=status,
    )


@staff_required
@never_cache
def counter_console(request: HttpRequest, code: str, number: int) -> HttpResponse:
    counter = queue_selectors.counter_for(
        viewer=acting_user(request), office_code=code, number=number
    )
    return _console(request, counter)


@staff_required
@require_POST
def counter_action(
    request: HttpRequest, code: str, number: int, action: str
) -> HttpResponse:
    """call-next, recall, no-show, complete and transfer, each through its
    service (which checks the matrix); the console answers with its new state
    (htmx) or the page."""
    user = acting_user(request)
    counter = queue_selectors.counter_for(viewer=user, office_code=code, number=number)
    current = queue_selectors.counter_view(counter).current
    try:
        if action == "call-next":
            called = queue.ticket_call_next(actor=user, counter=counter)
            if called is None:
                messages.info(
                    request, _("Nobody is waiting for this counter's services.")
                )
        elif current is None:
            raise NotFound(_("This counter has no ticket called."))
        elif action == "recall":
            queue.ticket_recall(actor=user, ticket=current)
        elif action == "no-show":
            queue.ticket_no_show(actor=user, ticket=current)
        elif action == "complete":
            queue.ticket_complete(actor=user, ticket=current)
        elif action == "transfer":
            target = (
                OfficeService.objects.filter(
                    service__code=request.POST.get("service", ""),
                    office=counter.office,
                )
                .select_related("service", "office")
                .first()
            )
            if target is None:
                raise NotFound(_("Choose a service of this office."))
            moved = queue.ticket_transfer(actor=user, ticket=current, to=target)
            messages.success(
                request,
                _("%(ticket)s is now %(new)s for %(service)s.")
                % {
                    "ticket": current.label,
                    "new": moved.label,
                    "service": target.service.name,
                },
            )
        else:
            raise NotFound(_("There is no such action."))
    except (NotFound, PermissionDeniedError):
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
        return _console(request, counter, status=error.status)
    if request.htmx:  # type: ignore[attr-defined]
        return _console(request, counter)
    return redirect("appointments:counter", code=code, number=number)
