"""Staff pages for the map and the offices."""

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from saduak.accounts.matrix import Action, may
from saduak.accounts.permissions import acting_user, staff_required
from saduak.accounts.scoping import active_roles, read_reach
from saduak.areas import selectors
from saduak.areas.models import Office
from saduak.areas_staff import services
from saduak.areas_staff.forms import (
    CounterForm,
    HolidayForm,
    OfficeContactForm,
    OpeningHoursForm,
    SearchForm,
)
from saduak.areas_staff.selectors import offices_for_staff
from saduak.core.errors import DomainError
from saduak.core.forms import add_domain_error
from saduak.core.htmx import is_htmx
from saduak.core.pagination import paginate


def _search(request: HttpRequest) -> tuple[SearchForm, str]:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    return form, query


@staff_required
def province_list(request: HttpRequest) -> HttpResponse:
    form, query = _search(request)
    context = {"form": form, "query": query}
    if query:
        context["areas"] = selectors.area_search(query, limit=30)
        context["offices"] = selectors.office_list(search=query)[:30]
    else:
        context["provinces"] = selectors.province_list()
    template = (
        "areas/partials/search_results.html"
        if is_htmx(request)
        else "areas/province_list.html"
    )
    return render(request, template, context)


@staff_required
def province_detail(request: HttpRequest, code: str) -> HttpResponse:
    province = selectors.province_get(code)
    return render(
        request,
        "areas/province_detail.html",
        {
            "province": province,
            "districts": selectors.district_list(province_code=code),
            "provincial_offices": selectors.office_list(
                province_code=code, kind="provincial_office"
            ),
        },
    )


@staff_required
def district_detail(request: HttpRequest, code: str) -> HttpResponse:
    district = selectors.district_get(code)
    return render(
        request,
        "areas/district_detail.html",
        {
            "district": district,
            "offices": selectors.office_list(district_code=code),
            "subdistricts": selectors.subdistrict_list(district_code=code),
        },
    )


def _office_context(request: HttpRequest, office: Office) -> dict[str, object]:
    return {
        "office": office,
        "can_manage": may(request.user, Action.OFFICE_UPDATE_CONTACT, office=office),  # type: ignore[arg-type]
        "closures": selectors.holiday_list(
            office=office, start=timezone.localdate()
        ).filter(office=office),
        "counter_form": CounterForm(initial={"number": office.counters.count() + 1}),
        "hours_form": OpeningHoursForm(office=office),
        "holiday_form": HolidayForm(),
    }


def _office_page_refusing(
    request: HttpRequest, office: Office, **forms: object
) -> HttpResponse:
    """The office page again, 400, with the refused form showing its errors."""
    context = _office_context(request, office)
    context["contact_form"] = OfficeContactForm(instance=office)
    context.update(forms)
    return render(request, "areas/office_detail.html", context, status=400)


@staff_required
@require_http_methods(["GET", "POST"])
def office_detail(request: HttpRequest, code: str) -> HttpResponse:
    office = selectors.office_get(code)
    context = _office_context(request, office)
    contact_form = OfficeContactForm(request.POST or None, instance=office)
    if request.method == "POST" and contact_form.is_valid():
        try:
            services.office_update_contact(
                office=office, actor=acting_user(request), **contact_form.cleaned_data
            )  # type: ignore[arg-type]
        except DomainError as error:
            add_domain_error(contact_form, error)
        else:
            messages.success(request, _("The office's details were saved."))
            return redirect("areas:office", code=code)
    context["contact_form"] = contact_form
    status = 400 if request.method == "POST" else 200
    return render(request, "areas/office_detail.html", context, status=status)


@staff_required
@require_POST
def counter_save(request: HttpRequest, code: str) -> HttpResponse:
    office = selectors.office_get(code)
    form = CounterForm(request.POST)
    if form.is_valid():
        try:
            services.counter_save(
                office=office, actor=acting_user(request), **form.cleaned_data
            )  # type: ignore[arg-type]
        except DomainError as error:
            add_domain_error(form, error)
    if is_htmx(request):
        office = selectors.office_get(code)
        context = _office_context(request, office)
        if form.errors:
            context["counter_form"] = form
        return render(request, "areas/partials/counters.html", context, status=200)
    if form.errors:
        return _office_page_refusing(request, office, counter_form=form)
    messages.success(request, _("The counter was saved."))
    return redirect("areas:office", code=code)


@staff_required
@require_POST
def opening_hours_save(request: HttpRequest, code: str) -> HttpResponse:
    office = selectors.office_get(code)
    form = OpeningHoursForm(request.POST, office=office)
    if form.is_valid():
        try:
            services.office_set_opening_hours(
                office=office, actor=acting_user(request), periods=form.periods()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The opening hours were saved."))
            return redirect("areas:office", code=code)
    return _office_page_refusing(request, office, hours_form=form)


@staff_required
@require_POST
def office_closure_add(request: HttpRequest, code: str) -> HttpResponse:
    office = selectors.office_get(code)
    form = HolidayForm(request.POST)
    if form.is_valid():
        try:
            services.holiday_add(
                actor=acting_user(request),
                day=form.cleaned_data["date"],
                name_th=form.cleaned_data["name_th"],
                name_en=form.cleaned_data["name_en"],
                office=office,
            )
        except DomainError as error:
            add_domain_error(form, error)
    if form.errors:
        return _office_page_refusing(request, office, holiday_form=form)
    messages.success(
        request,
        _(
            "The closure was added. Bookings on that day are cancelled and the "
            "people booked are told, with a link to book another time."
        ),
    )
    return redirect("areas:office", code=code)


@staff_required
@require_http_methods(["GET", "POST"])
def holiday_list(request: HttpRequest) -> HttpResponse:
    form = HolidayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.holiday_add(
                actor=acting_user(request),
                day=form.cleaned_data["date"],
                name_th=form.cleaned_data["name_th"],
                name_en=form.cleaned_data["name_en"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "The holiday was added. Bookings on that day at every office are "
                    "cancelled and the people booked are told."
                ),
            )
            return redirect("areas:holidays")
    return render(
        request,
        "areas/holiday_list.html",
        {
            "holidays": paginate(request, selectors.holiday_list()),
            "form": form,
            "can_edit": may(request.user, Action.HOLIDAY_NATIONAL_EDIT),  # type: ignore[arg-type]
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_required
@require_POST
def holiday_remove(
    request: HttpRequest, day: date, code: str | None = None
) -> HttpResponse:
    office = selectors.office_get(code) if code else None
    try:
        services.holiday_remove(actor=acting_user(request), day=day, office=office)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The holiday was removed."))
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}
    ):
        return redirect(next_url)
    return redirect("areas:holidays")


@staff_required
def staff_home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    # Each card of work a role does is shown to the roles the matrix lets do it.
    may_do = {
        name: may(user, action)
        for name, action in {
            "enrol": Action.ENROLMENT_CODE_ISSUE,
            "look_up": Action.CITIZEN_RECORD_VIEW,
            "partners": Action.PARTNER_UPDATE,
            "pay": Action.PAYMENT_MANAGE,
            "build": Action.ESERVICE_BUILD,
            "reset_second_factor": Action.STAFF_SECOND_FACTOR_RESET,
        }.items()
    }
    return render(
        request,
        "areas/staff_home.html",
        {
            "my_offices": offices_for_staff(user=user)[:20],
            "my_roles": active_roles(user),
            "may_do": may_do,
            "reads_everything": read_reach(user).everything,
        },
    )
