"""Officers' forms around an application: the fact check (identity check with
a civil registry lookup, the home visit, photos) and recording an application
on a citizen's behalf at the counter, by referral or in the field."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from saduak.accounts import matrix
from saduak.accounts.permissions import acting_user, staff_required
from saduak.areas.models import Office
from saduak.core.errors import DomainError, InvalidInput
from saduak.core.forms import add_domain_error
from saduak.core.htmx import is_htmx
from saduak.eservices.choices import Action, IdentityCheckMethod
from saduak.eservices.forms_staff import FactCheckForm, RecordForm
from saduak.eservices.models import Application, FactCheck
from saduak.eservices.selectors.applications import services_open
from saduak.eservices.selectors.queue import record_offices
from saduak.eservices.services import applications as application_services
from saduak.eservices.services.officer import (
    applicant_for_recording,
    application_registry_check,
)
from saduak.eservices.views.staff import _application, staff_url
from saduak.forms_engine.definition import definition_of

PHOTO_FIELD = "home_visit"
PHOTO_TYPES = ["jpg", "png", "heic", "webp"]
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_FILES = 5
SECTION_URL_NAMES = ("eservices:section", "eservices:application-section")


def _initial(application: Application) -> dict[str, Any]:
    """The fact check recorded before, or what the applicant declared."""
    recorded = FactCheck.objects.filter(application=application).first()
    if recorded is not None:
        return {
            name: getattr(recorded, name)
            for name in (
                "identity_method",
                "identity_confirmed",
                "visited_on",
                "household_size",
                "monthly_income",
                "findings",
                "recommendation",
            )
        }
    answers = application.answers or {}
    initial: dict[str, Any] = {"identity_method": IdentityCheckMethod.SMART_CARD}
    if isinstance(answers.get("household_size"), int):
        initial["household_size"] = answers["household_size"]
    if answers.get("monthly_income"):
        initial["monthly_income"] = Decimal(str(answers["monthly_income"]))
    return initial


def _fact_check_page(
    request: HttpRequest,
    application: Application,
    form: FactCheckForm,
    *,
    registry: Any = None,
    registry_asked: bool = False,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "eservices/staff/fact_check.html",
        {
            "application": application,
            "form": form,
            "registry": registry,
            "registry_asked": registry_asked,
            "answered_birth_date": (application.answers or {}).get("birth_date"),
        },
        status=status,
    )


def _store_photos(
    request: HttpRequest, application: Application, photos: list[Any]
) -> list[str]:
    """Stores the visit's photos; the refusals, one per refused file."""
    from saduak.eservices.documents.services import attachment_store

    refused = []
    for photo in photos[:PHOTO_MAX_FILES]:
        try:
            attachment_store(
                application=application,
                field_key=PHOTO_FIELD,
                upload=photo,
                allowed_types=PHOTO_TYPES,
                max_bytes=PHOTO_MAX_BYTES,
                max_files=PHOTO_MAX_FILES,
                actor=acting_user(request),
            )
        except DomainError as error:
            refused.append(f"{photo.name}: {error.message}")
    return refused


@staff_required
@never_cache
def fact_check(request: HttpRequest, reference: str) -> HttpResponse:
    """The identity check and home visit; "save and forward" sends the case on
    to the next stage in the same step. Only for staff who may record it
    (`fact_check.record` over the office)."""
    application = _application(request, reference)
    matrix.ensure_may(
        acting_user(request),
        matrix.Action.FACT_CHECK_RECORD,
        office=application.office,
    )
    if request.method != "POST":
        return _fact_check_page(
            request, application, FactCheckForm(initial=_initial(application))
        )
    form = FactCheckForm(request.POST, request.FILES)
    if not form.is_valid():
        return _fact_check_page(request, application, form, status=400)
    data = form.cleaned_data
    actor = acting_user(request)
    try:
        application_services.fact_check_record(
            application=application,
            actor=actor,
            identity_method=data["identity_method"],
            identity_confirmed=data["identity_confirmed"],
            visited_on=data["visited_on"],
            household_size=data["household_size"],
            monthly_income=data["monthly_income"],
            findings=data["findings"],
            recommendation=data["recommendation"],
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _fact_check_page(request, application, form, status=400)
    refused = _store_photos(request, application, data.get("photos") or [])
    for problem in refused:
        messages.error(request, problem)
    messages.success(request, _("The fact check is recorded."))
    if "forward" in request.POST and not refused:
        try:
            application_services.application_act(
                application=application, action=Action.FORWARD, actor=actor
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The application went on to the next stage."))
    return redirect(staff_url("application", application.reference))


@staff_required
@require_POST
def registry_check(request: HttpRequest, reference: str) -> HttpResponse:
    """Looks the applicant up in the civil registry; with htmx only the result
    box is sent back, without it the whole fact-check page."""
    application = _application(request, reference)
    try:
        result = application_registry_check(
            application=application, officer=acting_user(request)
        )
    except DomainError as error:
        if not isinstance(error, InvalidInput) and error.status in (403, 404):
            raise
        result = None
        messages.error(request, str(error.message))
    if is_htmx(request):
        return render(
            request,
            "eservices/staff/partials/registry_result.html",
            {"registry": result, "application": application},
        )
    form = FactCheckForm(initial=_initial(application))
    return _fact_check_page(
        request, application, form, registry=result, registry_asked=True
    )


def first_section_url(application: Application) -> str:
    """The first page of the form, which the citizen's pages serve to the
    officer who recorded the application."""
    pages = definition_of(application.version).pages
    section = pages[0].key if pages else ""
    for name in SECTION_URL_NAMES:
        try:
            return reverse(name, args=[application.reference, section])
        except NoReverseMatch:
            continue
    prefix = "/en" if (get_language() or "th").startswith("en") else ""
    return f"{prefix}/eservices/applications/{application.reference}/{section}/"


@staff_required
@never_cache
def record(request: HttpRequest) -> HttpResponse:
    """Records an application on a citizen's behalf: the citizen's account
    (created from the civil registry when they have none), the service, the
    office and how it came in; then the same form pages the citizen uses.
    Only for staff with `application.record_for_citizen` (403 otherwise), at
    the offices where they have it."""
    user = acting_user(request)
    matrix.ensure_may(user, matrix.Action.APPLICATION_RECORD_FOR_CITIZEN)
    services = services_open()
    offices: list[Office] = list(record_offices(user)[:1000])
    form = RecordForm(
        request.POST or None,
        services=services,
        offices=offices,
        initial={"office": offices[0].code if offices else ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = next(item for item in services if item.code == data["service"])
        office = next(item for item in offices if item.code == data["office"])
        try:
            citizen, created = applicant_for_recording(
                officer=user,
                office=office,
                personal_id=data["personal_id"],
                phone=data["phone"],
            )
            application = application_services.application_start(
                service=service,
                applicant=citizen,
                office=office,
                actor=user,
                channel=data["channel"],
                referral_agency=data["referral_agency"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if created:
                messages.success(
                    request,
                    _(
                        "An account was made for %(name)s from the civil registry. "
                        "They can follow the application online after enrolling "
                        "for a digital ID at a registry office."
                    )
                    % {"name": citizen.full_name},
                )
            messages.success(
                request,
                _(
                    "Application %(reference)s is started. Fill in the form with the applicant."
                )
                % {"reference": application.reference},
            )
            return redirect(first_section_url(application))
    return render(
        request,
        "eservices/staff/record.html",
        {"form": form, "has_offices": bool(offices)},
        status=400 if form.errors else 200,
    )
