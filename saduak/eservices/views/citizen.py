"""The citizen's e-service pages: the catalogue, a service's manual with the
choice of office and "Apply", the list of one's applications, and the tracking
page (timeline, what is asked, the answer to a return, the decision).
Filling in the form is in citizen_form.py."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user
from saduak.areas.models import Office, Province
from saduak.core.bilingual import in_language
from saduak.core.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDeniedError,
)
from saduak.eservices.choices import Action, ApplicationStatus, EventKind, Outcome
from saduak.eservices.models import Application, Payment, Service
from saduak.eservices.selectors import applications as selectors
from saduak.eservices.services import applications as services
from saduak.eservices.versions import workflow_of
from saduak.eservices.views.citizen_form import first_unfinished_url, section_url
from saduak.eservices.workflow import Workflow
from saduak.forms_engine.definition import definition_of
from saduak.forms_engine.render import error_links, money_text

MAX_LISTED = 200


def _matches(service: Service, words: list[str]) -> bool:
    text = " ".join(
        [
            service.name_th,
            service.name_en,
            service.summary_th,
            service.summary_en,
            service.bureau_th,
            service.bureau_en,
        ]
    ).casefold()
    return all(word in text for word in words)


def catalogue(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    services = selectors.services_open()
    if query:
        words = query.casefold().split()
        services = [service for service in services if _matches(service, words)]
    return render(
        request,
        "eservices/citizen/catalogue.html",
        {"services": services, "query": query},
    )


def _manual(manual: dict[str, Any]) -> dict[str, Any]:
    """The citizen's manual in the page's language."""
    return {
        "eligibility": in_language(manual.get("eligibility")),
        "steps": [in_language(step) for step in manual.get("steps") or []],
        "processing_days": manual.get("processing_days"),
        "documents": [in_language(item) for item in manual.get("documents") or []],
        "fees": in_language(manual.get("fees")),
        "amount": in_language(manual.get("amount")),
        "legal_basis": in_language(manual.get("legal_basis")),
        "complaints": in_language(manual.get("complaints")),
    }


def _last_office(user: Any, offices: Any) -> Office | None:
    if not getattr(user, "is_authenticated", False):
        return None
    last = selectors.applications_of_applicant(user).first()
    if last is None or not offices.filter(pk=last.office_id).exists():
        return None
    return last.office


def _service_page(
    request: HttpRequest, service: Service, *, error: str = "", status: int = 200
) -> HttpResponse:
    version = selectors.published_version(service)
    offices = selectors.offices_for_service(service)
    last = _last_office(request.user, offices)
    province_code = request.GET.get("province") or request.POST.get("province") or ""
    if not province_code and last is not None:
        province_code = last.province_id or ""
    provinces = Province.objects.filter(
        code__in=offices.values("province_id"), is_active=True
    ).order_by("name_th")
    if not province_code and len(provinces) == 1:
        province_code = provinces[0].code
    chosen = request.POST.get("office") or (last.code if last else "")
    drafts = (
        [
            application
            for application in selectors.applications_of_applicant(request.user)[
                :MAX_LISTED
            ]
            if application.service_id == service.pk
            and application.status
            in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)
        ]
        if request.user.is_authenticated
        else []
    )
    return render(
        request,
        "eservices/citizen/service.html",
        {
            "service": service,
            "manual": _manual(version.manual),
            "provinces": provinces,
            "province_code": province_code,
            "offices": list(offices.filter(province_id=province_code))
            if province_code
            else [],
            "chosen_office": chosen,
            "drafts": drafts,
            "error": error,
            "login_url": reverse("accounts:login") + f"?next={request.path}",
        },
        status=status,
    )


def service_page(request: HttpRequest, code: str) -> HttpResponse:
    """The citizen's manual (Licensing Facilitation Act) and "Apply"."""
    return _service_page(request, selectors.service_by_code(code))


@login_required
@require_POST
def start(request: HttpRequest, code: str) -> HttpResponse:
    service = selectors.service_by_code(code)
    user = acting_user(request)
    office = (
        selectors.offices_for_service(service)
        .filter(code=str(request.POST.get("office") or ""))
        .first()
    )
    if office is None:
        return _service_page(
            request,
            service,
            error=_("Choose the office that will handle your application."),
            status=400,
        )
    try:
        application = services.application_start(
            service=service, applicant=user, office=office, actor=user
        )
    except DomainError as refused:
        if isinstance(refused, NotFound | PermissionDeniedError):
            raise
        return _service_page(request, service, error=str(refused.message), status=400)
    form = definition_of(application.version)
    return redirect(section_url(application, form.pages[0]))


@login_required
@never_cache
def my_applications(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.applications_of_applicant(acting_user(request))[:MAX_LISTED])
    return render(
        request,
        "eservices/citizen/applications.html",
        {
            "drafts": [a for a in rows if a.status == ApplicationStatus.DRAFT],
            "open": [a for a in rows if a.is_open],
            "closed": [a for a in rows if a.status == ApplicationStatus.CLOSED],
        },
    )


def _steps(application: Application, workflow: Workflow) -> list[dict[str, Any]]:
    """The workflow's stages as a list of steps: done, current, to come, or
    not reached (an application closed before them)."""
    visited = {application.stage}
    for event in application.events.filter(for_applicant=True).only(
        "from_stage", "to_stage"
    ):
        visited.update({event.from_stage, event.to_stage})
    closed = application.status == ApplicationStatus.CLOSED
    steps = []
    for stage in workflow.stages:
        if stage.is_end:
            continue
        if application.status == ApplicationStatus.DRAFT:
            state = "next"
        elif stage.code == application.stage and not closed:
            state = "current"
        elif stage.code in visited:
            state = "done"
        else:
            state = "skipped" if closed else "next"
        steps.append({"label": stage.label, "state": state})
    return steps


def _timeline(application: Application, workflow: Workflow) -> list[dict[str, Any]]:
    rows = []
    for event in selectors.application_timeline(application, for_applicant=True):
        if event.kind == EventKind.ACTION and event.action:
            what = (
                str(Action(event.action).label)
                if event.action in Action.values
                else event.action
            )
        else:
            what = str(EventKind(event.kind).label)
        stage = workflow.by_code.get(event.to_stage) if event.to_stage else None
        rows.append(
            {
                "when": event.occurred_at,
                "what": what,
                "stage": stage.label if stage and not stage.is_end else "",
                "message": event.message,
            }
        )
    return rows[::-1]


def _payment(application: Application) -> Payment | None:
    return application.payments.order_by("-id").first()


def _tracking_page(
    request: HttpRequest,
    application: Application,
    *,
    errors: dict[str, list[str]] | None = None,
    problem: str = "",
    message: str = "",
    status: int = 200,
) -> HttpResponse:
    workflow = workflow_of(application.version)
    form = definition_of(application.version)
    stage = workflow.by_code.get(application.stage)
    returned = application.status == ApplicationStatus.RETURNED
    return render(
        request,
        "eservices/citizen/application.html",
        {
            "application": application,
            "service": application.service,
            "stage": stage,
            "steps": _steps(application, workflow),
            "timeline": _timeline(application, workflow),
            "returned": returned,
            "is_draft": application.status == ApplicationStatus.DRAFT,
            "continue_url": first_unfinished_url(application)
            if application.status == ApplicationStatus.DRAFT
            else "",
            "pages": [
                {"title": section.title_text, "url": section_url(application, section)}
                for section in form.pages
            ]
            if returned
            else [],
            "approved": application.outcome in (Outcome.APPROVED, Outcome.PAID),
            "rejected": application.outcome == Outcome.REJECTED,
            "amount": money_text(application.approved_amount)
            if application.approved_amount is not None
            else "",
            "payment": _payment(application)
            if application.outcome in (Outcome.APPROVED, Outcome.PAID)
            else None,
            "error_links": error_links(
                form,
                errors,
                page_url=lambda section: section_url(application, section),
            )
            if errors
            else [],
            "problem": problem,
            "message": message,
        },
        status=status,
    )


@login_required
@never_cache
def tracking(request: HttpRequest, reference: str) -> HttpResponse:
    application = selectors.application_for_applicant(
        user=acting_user(request), reference=reference
    )
    return _tracking_page(request, application)


@login_required
@require_POST
def resubmit(request: HttpRequest, reference: str) -> HttpResponse:
    """The answer to a return for more information: "send back"."""
    user: User = acting_user(request)
    application = selectors.application_for_applicant(user=user, reference=reference)
    message = str(request.POST.get("message") or "")[:3000]
    try:
        services.application_resubmit(
            application=application, actor=user, message=message
        )
    except InvalidInput as refused:
        return _tracking_page(
            request,
            application,
            errors=refused.extra.get("errors") or {},
            problem=str(refused.message),
            message=message,
            status=400,
        )
    except DomainError as refused:
        if isinstance(refused, NotFound | PermissionDeniedError):
            raise
        messages.error(request, str(refused.message))
        return redirect("eservices:application", reference=application.reference)
    messages.success(
        request, _("Thank you. Your application is back with the officers.")
    )
    return redirect("eservices:application", reference=application.reference)
