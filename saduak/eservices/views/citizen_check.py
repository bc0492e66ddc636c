"""Check your answers, make the declaration and send the application; the
page that gives the reference once it is sent."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from saduak.accounts.permissions import acting_user
from saduak.core.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDeniedError,
)
from saduak.eservices.choices import ApplicationStatus
from saduak.eservices.models import Application
from saduak.eservices.selectors import applications as selectors
from saduak.eservices.services import applications as services
from saduak.eservices.versions import workflow_of
from saduak.eservices.views.citizen_form import (
    attachment_counts,
    attachments_of,
    fillable_or_tracking,
    section_url,
)
from saduak.forms_engine.answers import (
    Errors,
    answers_check_complete,
)
from saduak.forms_engine.definition import (
    FormDefinition,
    definition_of,
)
from saduak.forms_engine.render import (
    answers_summary,
    error_links,
    render_field,
)


def _check_page(
    request: HttpRequest,
    application: Application,
    form: FormDefinition,
    *,
    errors: Errors,
    alert: bool,
    declared: bool,
) -> HttpResponse:
    declaration = form.declaration
    summary = [
        {"section": section, "title": title, "rows": rows}
        for section, (title, rows) in zip(
            form.sections,
            answers_summary(form, application.answers, attachments_of(application)),
            strict=True,
        )
        if not section.only_declaration
    ]
    declaration_errors = {
        key: value
        for key, value in errors.items()
        if declaration and key == declaration.key
    }
    return render(
        request,
        "eservices/citizen/check.html",
        {
            "application": application,
            "service": application.service,
            "summary": summary,
            "declaration_html": render_field(
                form,
                declaration,
                values={declaration.key: "yes" if declared else ""},
                errors=declaration_errors,
            )
            if declaration
            else "",
            "error_links": error_links(
                form,
                errors,
                page_url=lambda section: (
                    section_url(application, section) + "?return=check"
                ),
            )
            if errors
            else [],
            "alert": alert,
        },
        status=400 if alert and errors else 200,
    )


@login_required
@never_cache
def check_answers(request: HttpRequest, reference: str) -> HttpResponse:
    found = fillable_or_tracking(request, reference)
    if isinstance(found, HttpResponse):
        return found
    application = found
    if application.status != ApplicationStatus.DRAFT:
        return redirect("eservices:application", reference=application.reference)
    form = definition_of(application.version)
    declaration = form.declaration
    user = acting_user(request)
    if request.method != "POST":
        errors = answers_check_complete(
            form,
            application.answers,
            attachments_by_field=attachment_counts(attachments_of(application)),
        )
        if declaration:
            errors.pop(declaration.key, None)
        return _check_page(
            request,
            application,
            form,
            errors=errors,
            alert=False,
            declared=application.answers.get(declaration.key) is True
            if declaration
            else False,
        )
    declared = request.POST.get(declaration.key) == "yes" if declaration else True
    if declaration and not declared:
        return _check_page(
            request,
            application,
            form,
            errors={declaration.key: [_("Tick the box to make the declaration.")]},
            alert=True,
            declared=False,
        )
    try:
        if declaration:
            application = services.application_save(
                application=application, values={declaration.key: True}, actor=user
            )
        services.application_submit(application=application, actor=user)
    except InvalidInput as refused:
        return _check_page(
            request,
            application,
            form,
            errors=refused.extra.get("errors")
            or {declaration.key if declaration else "": [str(refused.message)]},
            alert=True,
            declared=declared,
        )
    except DomainError as refused:
        if isinstance(refused, NotFound | PermissionDeniedError):
            raise
        messages.error(request, str(refused.message))
        return redirect("eservices:application", reference=application.reference)
    return redirect("eservices:submitted", reference=application.reference)


@login_required
@never_cache
def submitted(request: HttpRequest, reference: str) -> HttpResponse:
    application = selectors.application_for_applicant(
        user=acting_user(request), reference=reference
    )
    if application.status == ApplicationStatus.DRAFT:
        return redirect("eservices:check", reference=application.reference)
    workflow = workflow_of(application.version)
    return render(
        request,
        "eservices/citizen/submitted.html",
        {
            "application": application,
            "service": application.service,
            "stages": [stage for stage in workflow.stages if not stage.is_end],
            "processing_days": application.version.manual.get("processing_days"),
        },
    )
