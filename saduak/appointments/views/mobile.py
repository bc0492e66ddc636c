"""The Mobile Unit: anyone asks for a home visit and follows it; the district
schedules visits, records what was done, and counts it by fiscal year."""

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from saduak.accounts.matrix import Action, may
from saduak.accounts.permissions import acting_user, staff_required
from saduak.appointments.choices import MobileCategory, MobileRequestStatus
from saduak.appointments.forms import (
    MobileCloseForm,
    MobileRequestForm,
    MobileVisitForm,
)
from saduak.appointments.selectors import mobile as mobile_selectors
from saduak.appointments.selectors.stats import default_unit
from saduak.appointments.services import mobile
from saduak.areas.choices import OfficeKind
from saduak.areas.models import District, Office, Province, Subdistrict
from saduak.core.errors import DomainError
from saduak.core.exports import table_response
from saduak.core.forms import add_domain_error
from saduak.core.thai import FiscalYear, current_fiscal_year


def _area_choices(form: MobileRequestForm) -> dict[str, object]:
    province = (form.data.get("province") or "") if form.is_bound else ""
    district = (form.data.get("district") or "") if form.is_bound else ""
    return {
        "provinces": Province.objects.filter(is_active=True).order_by("name_th"),
        "districts": District.objects.filter(
            province_id=province, is_active=True
        ).order_by("name_th")
        if province
        else [],
        "subdistricts": Subdistrict.objects.filter(
            district_id=district, is_active=True
        ).order_by("name_th")
        if district
        else [],
    }


@never_cache
def request_new(request: HttpRequest) -> HttpResponse:
    form = MobileRequestForm(request.POST or None)
    refreshing = "refresh" in request.POST
    if request.method == "POST" and not refreshing and form.is_valid():
        data = form.cleaned_data
        user = request.user if request.user.is_authenticated else None
        # Staff of the request's district record it for the citizen; anyone
        # else (a relative, a village head) asks as themselves.
        district = (
            Subdistrict.objects.filter(code=data["subdistrict"])
            .values_list("district_id", flat=True)
            .first()
        )
        for_citizen = bool(
            user is not None
            and district
            and mobile.may_in_district(
                user,  # type: ignore[arg-type]
                Action.MOBILE_REQUEST_CREATE_FOR_CITIZEN,
                district,
            )
        )
        try:
            created = mobile.mobile_request_create(
                details=mobile.MobileRequestDetails(
                    category=data["category"],
                    person_name=data["person_name"],
                    person_personal_id=data["person_personal_id"],
                    requester_name=data["requester_name"],
                    requester_relation=data["requester_relation"],
                    contact_phone=data["contact_phone"],
                    address=data["address"],
                    subdistrict_code=data["subdistrict"],
                    reason=data["reason"],
                ),
                actor=user,  # type: ignore[arg-type]
                for_citizen=for_citizen,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("appointments:mobile-status", token=created.token)
    if refreshing:
        form.errors.clear()
    return render(
        request,
        "appointments/mobile_request.html",
        {"form": form, **_area_choices(form)},
        status=400 if form.errors else 200,
    )


def area_options(request: HttpRequest) -> HttpResponse:
    """<option>s of the districts of a province or the subdistricts of a
    district, for the request form's cascading lists (htmx)."""
    rows: QuerySet[Any]
    if request.GET.get("district"):
        rows = Subdistrict.objects.filter(
            district_id=request.GET["district"], is_active=True
        )
    else:
        rows = District.objects.filter(
            province_id=request.GET.get("province", ""), is_active=True
        )
    return render(
        request,
        "appointments/partials/area_options.html",
        {"rows": rows.order_by("name_th")},
    )


@never_cache
def request_status(request: HttpRequest, token: str) -> HttpResponse:
    return render(
        request,
        "appointments/mobile_status.html",
        {"item": mobile_selectors.request_by_token(token)},
    )


@staff_required
@never_cache
def staff_requests(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    status = request.GET.get("status", "open")
    requests = mobile_selectors.requests_for(
        viewer=user, district=request.GET.get("district", "")
    )
    if status == "open":
        requests = requests.filter(status__in=mobile.OPEN_STATUSES)
    elif status in MobileRequestStatus.values:
        requests = requests.filter(status=status)
    district_ids = sorted(set(requests.values_list("district_id", flat=True)))
    offices = Office.objects.filter(
        district_id__in=district_ids, kind=OfficeKind.DISTRICT_OFFICE, is_active=True
    )
    return render(
        request,
        "appointments/mobile_staff.html",
        {
            "requests": requests[:300],
            "status": status,
            "statuses": MobileRequestStatus.choices,
            "visit_form": MobileVisitForm(),
            "close_form": MobileCloseForm(),
            "offices": offices,
            "may_schedule": may(user, Action.MOBILE_VISIT_SCHEDULE),
            "may_close": may(user, Action.MOBILE_REQUEST_CLOSE),
        },
    )


@staff_required
@require_POST
def staff_schedule(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = MobileVisitForm(request.POST)
    chosen = list(
        mobile_selectors.requests_for(viewer=user).filter(
            reference__in=request.POST.getlist("requests")
        )
    )
    office = Office.objects.filter(code=request.POST.get("office", "")).first()
    if not form.is_valid() or office is None:
        messages.error(
            request, _("Choose the requests, the district office and the day.")
        )
        return redirect("appointments:mobile-staff")
    try:
        visit = mobile.mobile_visit_schedule(
            actor=user,
            office=office,
            day=form.cleaned_data["day"],
            requests=chosen,
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The visit is planned for %(count)s requests; the requesters get an SMS.")
            % {"count": visit.requests.count()},
        )
    return redirect("appointments:mobile-staff")


@staff_required
@require_POST
def staff_close(request: HttpRequest, reference: str) -> HttpResponse:
    user = acting_user(request)
    item = mobile_selectors.request_for(viewer=user, reference=reference)
    form = MobileCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what happened."))
        return redirect("appointments:mobile-staff")
    try:
        mobile.mobile_request_close(
            actor=user,
            request=item,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        messages.error(request, f"{item.reference}: {error.message}")
    else:
        messages.success(
            request, _("%(reference)s is closed.") % {"reference": item.reference}
        )
    return redirect("appointments:mobile-staff")


def _fiscal_year(request: HttpRequest) -> FiscalYear:
    raw = request.GET.get("fy", "")
    if raw.isdigit() and 2500 <= int(raw) <= 2700:
        return FiscalYear(int(raw))
    return current_fiscal_year()


@staff_required
def staff_statistics(request: HttpRequest, file_format: str = "") -> HttpResponse:
    user = acting_user(request)
    level = request.GET.get("level", "")
    code = request.GET.get("code", "")
    if not level:
        level, code = default_unit(user, offices=False)
    stats = mobile_selectors.mobile_statistics(
        viewer=user, fiscal_year=_fiscal_year(request), level=level, code=code
    )
    if file_format:
        header, rows = mobile_selectors.mobile_table(stats)
        return table_response(
            file_format=file_format,
            filename=f"mobile-unit-{stats.fiscal_year}-{level}-{code or 'th'}",
            header=header,
            rows=rows,
        )
    return render(
        request,
        "appointments/mobile_statistics.html",
        {
            "stats": stats,
            "categories": MobileCategory.choices,
            "level": level,
            "code": code,
            "query": request.GET.urlencode(),
            "years": [current_fiscal_year().be_year - n for n in range(5)],
        },
    )
