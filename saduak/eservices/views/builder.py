"""The e-service builder's pages: the services, one service's details and
responsible offices, and a version's manual, preview and publishing. The form
and workflow editors are in builder_form.py and builder_workflow.py."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from saduak.accounts import matrix
from saduak.accounts.permissions import acting_user, staff_required
from saduak.areas.models import Office
from saduak.core.errors import DomainError, NotFound, PermissionDeniedError
from saduak.core.forms import add_domain_error
from saduak.eservices.choices import VersionStatus
from saduak.eservices.forms_builder import (
    ManualForm,
    OfficesForm,
    PublishForm,
    ServiceCreateForm,
    ServiceDetailsForm,
)
from saduak.eservices.models import Service, ServiceVersion
from saduak.eservices.services import builder
from saduak.eservices.views.builder_preview import manual_view, preview_pages
from saduak.forms_engine.editor_views import refusal

OFFICE_MATCHES = 30
TABS = (
    ("manual", "eservices-builder:manual"),
    ("form", "eservices-builder:form"),
    ("workflow", "eservices-builder:workflow"),
    ("preview", "eservices-builder:preview"),
    ("publish", "eservices-builder:publish"),
)


def builder_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff who may build e-services (`eservice.build`); others get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not builder.can_build(acting_user(request)):
            raise PermissionDenied(
                _("This page is for e-service administrators and HQ administrators.")
            )
        return view(request, *args, **kwargs)

    return staff_required(never_cache(wrapped))


def service_get(code: str) -> Service:
    service = Service.objects.filter(code=code).first()
    if service is None:
        raise NotFound(_("There is no such e-service."))
    return service


def version_get(code: str, number: int) -> ServiceVersion:
    version = (
        ServiceVersion.objects.select_related("service", "published_by")
        .filter(service__code=code, number=number)
        .first()
    )
    if version is None:
        raise NotFound(_("There is no such version of this e-service."))
    return version


def version_context(version: ServiceVersion, tab: str) -> dict[str, Any]:
    """What every tab of a version's page shows above its own content."""
    labels = {
        "manual": _("Manual"),
        "form": _("Form"),
        "workflow": _("Workflow"),
        "preview": _("Preview"),
        "publish": _("Publish"),
    }
    args = [version.service.code, version.number]
    return {
        "service": version.service,
        "version": version,
        "read_only": version.is_published,
        "tab": tab,
        "tabs": [
            {
                "key": key,
                "label": labels[key],
                "url": reverse(name, args=args),
                "current": key == tab,
            }
            for key, name in TABS
            if not (key == "publish" and version.is_published)
        ],
        "version_title": builder.version_title(version),
    }


def version_url(version: ServiceVersion, tab: str = "manual") -> str:
    return reverse(
        f"eservices-builder:{tab}", args=[version.service.code, version.number]
    )


def editor_save(
    request: HttpRequest,
    version: ServiceVersion,
    tab: str,
    form: Any,
    done: str,
    change: Callable[[], Any],
) -> HttpResponse | None:
    """An edit from an editor's form: when the form is valid, `change` runs and
    the editor's tab is shown again with `done`; None when the form (now with
    the refusal at its top) must be shown again with what was typed."""
    if not form.is_valid():
        return None
    try:
        change()
    except DomainError as error:
        refusal(form, error)
        return None
    messages.success(request, done)
    return redirect(version_url(version, tab))


def posted_direction(request: HttpRequest) -> str:
    return builder.UP if request.POST.get("direction") == builder.UP else builder.DOWN


def one_click(
    request: HttpRequest,
    version: ServiceVersion,
    tab: str,
    done: str,
    change: Callable[..., Any],
) -> HttpResponse:
    """A move or a removal in an editor: no input to keep, so a refusal is a
    message on the editor's page."""
    try:
        change(version=version, actor=acting_user(request))
    except (NotFound, PermissionDeniedError):
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect(version_url(version, tab))


# --- services -----------------------------------------------------------------


@builder_required
def service_list(request: HttpRequest) -> HttpResponse:
    services = Service.objects.prefetch_related(
        Prefetch("versions", queryset=ServiceVersion.objects.order_by("-number"))
    ).order_by("-is_builtin", "code")
    return render(
        request, "eservices/builder/service_list.html", {"services": services}
    )


@builder_required
def service_create_view(request: HttpRequest) -> HttpResponse:
    form = ServiceCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = builder.service_create(
                **form.cleaned_data, offices=[], actor=acting_user(request)
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "The service is created with an empty draft version 1. "
                    "Choose its offices, then write its manual, form and workflow."
                ),
            )
            return redirect("eservices-builder:service", service.code)
    return render(request, "eservices/builder/service_create.html", {"form": form})


def _office_choices(service: Service, search: str) -> QuerySet[Office]:
    chosen = Q(pk__in=service.offices.values("pk"))
    if not search:
        return Office.objects.filter(chosen).order_by("code")
    matches = list(
        Office.objects.filter(is_active=True)
        .filter(
            Q(name_th__icontains=search)
            | Q(name_en__icontains=search)
            | Q(code__icontains=search)
        )
        .order_by("code")
        .values_list("pk", flat=True)[:OFFICE_MATCHES]
    )
    return Office.objects.filter(chosen | Q(pk__in=matches)).order_by("code")


def _service_page(
    request: HttpRequest,
    service: Service,
    *,
    details: ServiceDetailsForm | None = None,
    offices: OfficesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    search = request.GET.get("office_search", "").strip()[:100]
    if details is None:
        details = ServiceDetailsForm(
            initial={name: getattr(service, name) for name in builder.SERVICE_FIELDS}
        )
    if offices is None:
        offices = OfficesForm(
            initial={"offices": list(service.offices.all())},
            choices=_office_choices(service, search),
        )
    return render(
        request,
        "eservices/builder/service_detail.html",
        {
            "service": service,
            "details": details,
            "offices": offices,
            "office_search": search,
            "chosen_offices": list(service.offices.order_by("code")),
            "versions": list(service.versions.order_by("-number")),
            "has_draft": service.versions.filter(status=VersionStatus.DRAFT).exists(),
        },
        status=status,
    )


@builder_required
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _service_page(request, service_get(code))


@builder_required
@require_POST
def service_details_save(request: HttpRequest, code: str) -> HttpResponse:
    service = service_get(code)
    form = ServiceDetailsForm(request.POST)
    if form.is_valid():
        try:
            builder.service_update(
                service=service, actor=acting_user(request), **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The service's details are saved."))
            return redirect("eservices-builder:service", service.code)
    return _service_page(request, service, details=form, status=400)


@builder_required
@require_POST
def service_offices_save(request: HttpRequest, code: str) -> HttpResponse:
    service = service_get(code)
    # The boxes posted are those shown: the chosen offices and the matches.
    shown = [value for value in request.POST.getlist("shown") if value.isdigit()]
    form = OfficesForm(
        request.POST,
        choices=Office.objects.filter(
            Q(pk__in=shown) | Q(pk__in=service.offices.values("pk"))
        ),
    )
    if form.is_valid():
        try:
            builder.service_update(
                service=service,
                actor=acting_user(request),
                offices=list(form.cleaned_data["offices"]),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The responsible offices are saved."))
            return redirect("eservices-builder:service", service.code)
    return _service_page(request, service, offices=form, status=400)


# --- versions -----------------------------------------------------------------


@builder_required
@require_POST
def version_new(request: HttpRequest, code: str) -> HttpResponse:
    service = service_get(code)
    try:
        draft = builder.version_draft(service=service, actor=acting_user(request))
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("eservices-builder:service", service.code)
    messages.success(
        request,
        _("Version %(number)s is a draft: change it and publish it when ready.")
        % {"number": draft.number},
    )
    return redirect(version_url(draft))


@builder_required
def version_manual(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = version_get(code, number)
    form = ManualForm(
        request.POST or None, initial=ManualForm.initial_from(version.manual or {})
    )
    if request.method == "POST" and form.is_valid():
        try:
            builder.version_update(
                version=version, actor=acting_user(request), manual=form.manual()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The manual is saved."))
            return redirect(version_url(version, "manual"))
    return render(
        request,
        "eservices/builder/version_manual.html",
        {
            **version_context(version, "manual"),
            "form": form,
            "manual": manual_view(version.manual or {}),
        },
        status=400 if request.method == "POST" else 200,
    )


@builder_required
def version_preview(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = version_get(code, number)
    pages = preview_pages(version)
    try:
        position = int(request.GET.get("page", "0"))
    except ValueError:
        position = 0
    position = max(0, min(position, len(pages) - 1))
    here = reverse("eservices-builder:preview", args=[code, number])
    return render(
        request,
        "eservices/builder/version_preview.html",
        {
            **version_context(version, "preview"),
            "pages": pages,
            "page": pages[position],
            "position": position,
            "previous_url": f"{here}?page={position - 1}" if position > 0 else "",
            "next_url": f"{here}?page={position + 1}"
            if position < len(pages) - 1
            else "",
        },
    )


@builder_required
def version_publish_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = version_get(code, number)
    if version.is_published:
        return redirect(version_url(version))
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            builder.version_publish(version=version, actor=acting_user(request))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Version %(number)s is published. New applications use it.")
                % {"number": version.number},
            )
            return redirect("eservices-builder:service", code)
    return render(
        request,
        "eservices/builder/version_publish.html",
        {
            **version_context(version, "publish"),
            "form": form,
            "problems": builder.version_problems(version),
            "may_publish": matrix.may(
                acting_user(request), matrix.Action.ESERVICE_PUBLISH
            ),
        },
        status=400 if request.method == "POST" else 200,
    )
