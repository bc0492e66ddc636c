"""Filling in an application: one page per section (save and continue, save
and leave, back; documents uploaded on their page). Checking the answers and
sending is in citizen_check.py."""

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user
from saduak.core.errors import (
    DomainError,
    NotFound,
)
from saduak.eservices.choices import ApplicationStatus
from saduak.eservices.documents.services import attachment_remove, attachment_store
from saduak.eservices.models import Application, Attachment
from saduak.eservices.payout_accounts import (
    changes_payout_account,
    section_asks_payout_account,
)
from saduak.eservices.public_ids import posted_public_id
from saduak.eservices.selectors import applications as selectors
from saduak.eservices.services import applications as services
from saduak.forms_engine.answers import (
    Errors,
    answers_check_complete,
    answers_clean,
    hidden_keys,
)
from saduak.forms_engine.definition import (
    FormDefinition,
    Section,
    definition_of,
)
from saduak.forms_engine.post import (
    post_from_answers,
    raw_from_post,
    values_from_post,
    values_without_row,
)
from saduak.forms_engine.render import (
    error_links,
    render_section,
)
from saduak.identity.step_up import step_up_redirect


def section_url(application: Application, section: Section) -> str:
    return reverse("eservices:section", args=[application.reference, section.key])


def fillable_or_tracking(
    request: HttpRequest, reference: str
) -> Application | HttpResponse:
    """The application while the user may fill it in (`permissions.may_fill`);
    once it is with the officers, the applicant's tracking page instead."""
    user = acting_user(request)
    try:
        return selectors.application_for_filling(user=user, reference=reference)
    except DomainError as refused:
        if refused.code != "not-fillable":
            raise  # not found, or staff who may read it but not fill it in
        application = selectors.application_for_applicant(
            user=user, reference=reference
        )
        messages.info(request, str(refused.message))
        return redirect("eservices:application", reference=application.reference)


def attachments_of(application: Application) -> list[Attachment]:
    return list(
        Attachment.objects.filter(application=application, removed_at__isnull=True)
    )


def attachment_counts(attachments: list[Attachment]) -> dict[str, int]:
    return dict(Counter(attachment.field_key for attachment in attachments))


def first_unfinished_url(application: Application) -> str:
    """Where to carry on filling in: the first page with something missing,
    else "check your answers"."""
    form = definition_of(application.version)
    errors = answers_check_complete(
        form,
        application.answers,
        attachments_by_field=attachment_counts(attachments_of(application)),
    )
    for section in form.pages:
        if any(
            key.partition("__")[0].split("-")[0] in {f.key for f in section.fields}
            for key in errors
        ):
            return section_url(application, section)
    return reverse("eservices:check", args=[application.reference])


def _store_files(
    request: HttpRequest,
    application: Application,
    section: Section,
    shown: set[str],
    user: User,
    errors: Errors,
) -> bool:
    """Stores the files chosen on the page; a refused one is an error at its
    field. Returns whether any file was sent."""
    sent = False
    for item in section.fields:
        if not item.is_file or item.key not in shown:
            continue
        for upload in request.FILES.getlist(item.key):
            sent = True
            try:
                attachment_store(
                    application=application,
                    field_key=item.key,
                    upload=upload,
                    allowed_types=list(item.file_types),
                    max_bytes=item.max_bytes,
                    actor=user,
                    max_files=item.max_files,
                )
            except DomainError as refused:  # a refused file, or no scanner now
                errors.setdefault(item.key, []).append(
                    f"{upload.name}: {refused.message}"
                )
    return sent


def _remove_file(
    request: HttpRequest, application: Application, user: User, errors: Errors
) -> None:
    chosen = posted_public_id(request.POST.get("remove_file"))
    attachment = (
        Attachment.objects.filter(
            application=application, public_id=chosen, removed_at__isnull=True
        ).first()
        if chosen is not None
        else None
    )
    if attachment is None:
        return
    try:
        attachment_remove(attachment=attachment, actor=user)
    except DomainError as refused:
        errors.setdefault(attachment.field_key, []).append(str(refused.message))


def _section_page(
    request: HttpRequest,
    application: Application,
    form: FormDefinition,
    section: Section,
    *,
    values: dict[str, Any],
    errors: Errors,
    answers: dict[str, Any],
    extra_rows: dict[str, int] | None = None,
    problem: str = "",
) -> HttpResponse:
    pages = list(form.pages)
    return render(
        request,
        "eservices/citizen/section.html",
        {
            "application": application,
            "service": application.service,
            "section": section,
            "step": pages.index(section) + 1 if section in pages else 1,
            "steps": len(pages),
            "fields_html": render_section(
                form,
                section,
                values=values,
                errors=errors,
                answers=answers,
                attachments=attachments_of(application),
                extra_rows=extra_rows,
            ),
            "error_links": error_links(form, errors),
            "problem": problem,
            "multipart": section.has_files,
            "back_to_check": request.GET.get("return") == "check"
            or request.POST.get("return") == "check",
            "returned": application.status == ApplicationStatus.RETURNED,
        },
        status=400 if errors or problem else 200,
    )


def _after_section(
    request: HttpRequest, application: Application, form: FormDefinition, key: str
) -> HttpResponse:
    returned = application.status == ApplicationStatus.RETURNED
    if "back" in request.POST:
        before = form.page_before(key)
        if before is not None:
            return redirect(section_url(application, before))
        return redirect("eservices:service", code=application.service.code)
    if "save_leave" in request.POST:
        messages.success(
            request,
            _("Your answers are saved. Carry on at any time from “Your applications”."),
        )
        return redirect("eservices:application", reference=application.reference)
    after = form.page_after(key)
    if returned:
        if after is not None and request.POST.get("return") != "check":
            return redirect(section_url(application, after))
        return redirect(
            reverse("eservices:application", args=[application.reference]) + "#answer"
        )
    if after is None or request.POST.get("return") == "check":
        return redirect("eservices:check", reference=application.reference)
    return redirect(section_url(application, after))


@login_required
@never_cache
def section_page(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    found = fillable_or_tracking(request, reference)
    if isinstance(found, HttpResponse):
        return found
    application = found
    form = definition_of(application.version)
    section = form.section(key)
    if section is None or section.only_declaration:
        raise NotFound(_("This form has no such page."))
    if section_asks_payout_account(section) and (answer := step_up_redirect(request)):
        # Asked before the page, so that what is typed is not lost to a step-up.
        return answer
    if request.method != "POST":
        return _section_page(
            request,
            application,
            form,
            section,
            values=post_from_answers(section, application.answers),
            errors={},
            answers=application.answers,
        )
    user = acting_user(request)
    values = values_from_post(section, request.POST)
    extra_rows: dict[str, int] = {}
    removing = str(request.POST.get("remove_row") or "")
    table_key, _sep, row = removing.rpartition("-")
    table = form.by_key.get(table_key)
    if table is not None and table.type == "table" and row.isdigit():
        values = values_without_row(values, table, int(row))
    adding = form.by_key.get(str(request.POST.get("add_row") or ""))
    if adding is not None and adding.type == "table":
        extra_rows[adding.key] = 1
    cleaned, errors = answers_clean(
        form, raw_from_post(section, values), fields=section.fields
    )
    merged = {**application.answers, **cleaned}
    hidden = hidden_keys(form, merged)
    for hidden_key in hidden:
        if merged.get(hidden_key) is not None:
            cleaned[hidden_key] = None
    problem = ""
    if changes_payout_account(form, application.answers, cleaned) and (
        answer := step_up_redirect(request)
    ):
        return answer
    try:
        application = services.application_save(
            application=application, values=cleaned, actor=user
        )
    except DomainError as refused:
        problem = str(refused.message)
    shown = {item.key for item in section.fields if item.key not in hidden}
    if "remove_file" in request.POST:
        _remove_file(request, application, user, errors)
    sent_files = _store_files(request, application, section, shown, user, errors)
    staying = bool(
        extra_rows
        or removing
        or "update" in request.POST
        or "upload" in request.POST
        or "remove_file" in request.POST
    )
    continuing = not staying and not {"back", "save_leave"} & set(request.POST)
    if continuing and not errors and not problem:
        errors = {
            key: messages_
            for key, messages_ in answers_check_complete(
                form,
                application.answers,
                attachments_by_field=attachment_counts(attachments_of(application)),
                fields=[item for item in section.fields if item.key in shown],
            ).items()
        }
    if staying or errors or problem:
        if sent_files and not errors:
            messages.success(request, _("The file is uploaded."))
        return _section_page(
            request,
            application,
            form,
            section,
            values=values,
            errors=errors,
            answers={**application.answers, **cleaned},
            extra_rows=extra_rows,
            problem=problem,
        )
    return _after_section(request, application, form, section.key)
