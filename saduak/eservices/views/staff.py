"""Officers' pages of e-service applications: the queue of an office by stage,
an application with its answers, documents, timeline and fact check, and the
actions the workflow allows the officer now (claim, release, note, forward,
return, reject, approve)."""

from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from saduak.accounts import matrix
from saduak.accounts.permissions import acting_user, staff_required
from saduak.core.errors import DomainError, NotFound, PermissionDeniedError
from saduak.eservices.choices import (
    Action,
    ApplicationStatus,
    EventKind,
    MeetingStatus,
    StageKind,
)
from saduak.eservices.forms_staff import ActionForm, NoteForm, QueueFilterForm
from saduak.eservices.models import (
    Application,
    CommitteeDecision,
    CommitteeMeeting,
    FactCheck,
)
from saduak.eservices.permissions import (
    may_act,
    may_claim,
    may_note,
    may_record_fact_check,
)
from saduak.eservices.selectors import queue as queue_selectors
from saduak.eservices.selectors.applications import (
    application_for_staff,
    application_timeline,
    services_open,
)
from saduak.eservices.services import applications as application_services
from saduak.eservices.services.committee import committee_roles
from saduak.eservices.services.officer import application_view_record
from saduak.eservices.versions import workflow_of
from saduak.eservices.views.staff_display import answer_sections, document_rows

NAMESPACE = "eservices-staff"
# Actions taken on this page; a committee stage decides through its meetings,
# a payment stage through the bank's result.
PAGE_ACTIONS = (Action.FORWARD, Action.RETURN, Action.REJECT, Action.APPROVE)


def staff_url(name: str, *args: Any) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=args)


def application_links(references: list[str]) -> list[str]:
    """The officers' address of each application, reversed once for a list
    rather than once a row."""
    slot = "REFERENCE"
    head, _slot, tail = staff_url("application", slot).rpartition(slot)
    return [f"{head}{quote(reference, safe='')}{tail}" for reference in references]


@staff_required
@never_cache
def queue_home(request: HttpRequest) -> HttpResponse:
    """The office picked (`?office=`), else the first the user reaches."""
    offices = queue_selectors.queue_offices(acting_user(request))
    picked = request.GET.get("office")
    office = (offices.filter(code=picked).first() if picked else None) or (
        offices.first()
    )
    if office is None:
        raise PermissionDeniedError(_("You reach no office that takes applications."))
    return redirect(staff_url("queue", office.code))


@staff_required
@never_cache
def queue(request: HttpRequest, code: str) -> HttpResponse:
    """One office's open applications at one stage, earliest due first, with
    the stages as tabs and "next page" by cursor."""
    user = acting_user(request)
    office = queue_selectors.queue_office(code)
    stages = queue_selectors.queue_stages(user=user, office=office)
    codes = [stage.code for stage in stages]
    stage_code = request.GET.get("stage") or (codes[0] if codes else "")
    if stage_code not in codes:
        stage_code = codes[0] if codes else ""
    current = next((stage for stage in stages if stage.code == stage_code), None)
    services = services_open()
    form = QueueFilterForm(request.GET or None, services=services)
    filters = form.cleaned_data if form.is_valid() else {}
    service = next(
        (item for item in services if item.code == filters.get("service")), None
    )
    page = queue_selectors.office_queue(
        user=user,
        office=office,
        stage=stage_code or None,
        service=service,
        overdue_only=bool(filters.get("overdue")),
        mine=bool(filters.get("mine")),
        after=queue_selectors.QueueCursor.decode(request.GET.get("after")),
    )
    kept = {
        name: request.GET[name]
        for name in ("stage", "service", "overdue", "mine")
        if request.GET.get(name)
    }
    kept["stage"] = stage_code
    committee = bool(
        current
        and current.kind == StageKind.COMMITTEE
        and matrix.may(
            user,
            matrix.Action.COMMITTEE_MANAGE,
            office=office,
            named=committee_roles(),
        )
    )
    return render(
        request,
        "eservices/staff/queue.html",
        {
            "office": office,
            "offices": queue_selectors.queue_office_choices(user),
            "stages": stages,
            "current": current,
            "form": form,
            "page": page,
            "rows": [
                {
                    "application": row,
                    "url": url,
                    "overdue": bool(row.stage_due_on and row.stage_due_on < page.today),
                    "returned": row.status == ApplicationStatus.RETURNED,
                }
                for row, url in zip(
                    page.rows,
                    application_links([row.reference for row in page.rows]),
                    strict=True,
                )
            ],
            "next_query": urlencode({**kept, "after": page.next_cursor.encode()})
            if page.next_cursor
            else "",
            "first_query": urlencode(kept) if request.GET.get("after") else "",
            "committee": committee,
            "may_record": matrix.may(
                user, matrix.Action.APPLICATION_RECORD_FOR_CITIZEN
            ),
            "meetings": list(
                CommitteeMeeting.objects.filter(
                    office=office, status=MeetingStatus.OPEN
                ).order_by("meets_on", "pk")
            )
            if committee
            else [],
        },
    )


def _actions(
    application: Application,
    user: Any,
    forms: dict[str, ActionForm],
) -> list[dict[str, Any]]:
    """The actions of the current stage the user may take on this page, each
    with the fields it needs."""
    if application.status != ApplicationStatus.IN_PROGRESS or not may_act(
        user, application
    ):
        return []
    workflow = workflow_of(application.version)
    stage = workflow.by_code.get(application.stage)
    if stage is None or stage.kind in (StageKind.COMMITTEE, StageKind.PAYMENT):
        return []
    rows = []
    for transition in workflow.actions_from(stage.code):
        if transition.action not in PAGE_ACTIONS:
            continue
        action = transition.action
        rows.append(
            {
                "action": action,
                "label": Action(action).label,
                "target": workflow.stage(transition.target).label,
                "form": forms.get(action) or ActionForm(prefix=action),
                "needs_message": action in (Action.RETURN, Action.REJECT),
                "needs_amount": action == Action.APPROVE and workflow.pays,
                "danger": action == Action.REJECT,
            }
        )
    return rows


def _timeline(application: Application) -> list[dict[str, Any]]:
    workflow = workflow_of(application.version)

    def label(code: str) -> str:
        stage = workflow.by_code.get(code)
        return stage.label if stage else code

    return [
        {
            "event": event,
            "kind": EventKind(event.kind).label
            if event.kind in EventKind.values
            else event.kind,
            "action": Action(event.action).label
            if event.action in Action.values
            else "",
            "from_stage": label(event.from_stage) if event.from_stage else "",
            "to_stage": label(event.to_stage) if event.to_stage else "",
        }
        for event in application_timeline(application, for_applicant=False)
    ]


def detail_context(
    request: HttpRequest,
    application: Application,
    *,
    action_forms: dict[str, ActionForm] | None = None,
    note_form: NoteForm | None = None,
) -> dict[str, Any]:
    user = acting_user(request)
    workflow = workflow_of(application.version)
    stage = workflow.by_code.get(application.stage)
    decision = (
        CommitteeDecision.objects.select_related("meeting")
        .filter(application=application)
        .first()
    )
    return {
        "application": application,
        "stage": stage,
        "may_claim": may_claim(user, application),
        "may_record_fact_check": may_record_fact_check(user, application),
        "may_note": may_note(user, application),
        "claimed_by_me": application.claimed_by_id == user.pk,
        "claimed_by": application.claimed_by,
        "sections": answer_sections(application),
        "documents": document_rows(application),
        "timeline": _timeline(application),
        "fact_check": FactCheck.objects.select_related("recorded_by")
        .filter(application=application)
        .first(),
        "at_fact_check": bool(stage and stage.kind == StageKind.FACT_CHECK),
        "at_committee": bool(stage and stage.kind == StageKind.COMMITTEE),
        "committee_decision": decision,
        "actions": _actions(application, user, action_forms or {}),
        "note_form": note_form or NoteForm(),
        "queue_url": staff_url("queue", application.office.code)
        + (f"?stage={application.stage}" if application.is_open else ""),
    }


def _application(request: HttpRequest, reference: str) -> Application:
    application = application_for_staff(user=acting_user(request), reference=reference)
    return Application.objects.select_related(
        "service", "version", "office", "applicant", "claimed_by", "recorded_by"
    ).get(pk=application.pk)


@staff_required
@never_cache
def application_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """Opening an application reads the citizen's data: recorded for them."""
    application = _application(request, reference)
    application_view_record(application=application, viewer=acting_user(request))
    return render(
        request,
        "eservices/staff/application.html",
        detail_context(request, application),
    )


def _back(application: Application) -> HttpResponse:
    return redirect(staff_url("application", application.reference))


@staff_required
@require_POST
def application_claim_view(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference)
    try:
        application_services.application_claim(
            application=application, actor=acting_user(request)
        )
    except DomainError as error:
        _refuse_person(error)
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("You are working on this application."))
    return _back(application)


@staff_required
@require_POST
def application_release_view(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference)
    try:
        application_services.application_release(
            application=application, actor=acting_user(request)
        )
    except DomainError as error:
        _refuse_person(error)
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The application is back in the queue."))
    return _back(application)


def _refuse_person(error: DomainError) -> None:
    """A refusal of the person goes on to the 403/404 page."""
    if isinstance(error, NotFound | PermissionDeniedError):
        raise error


@staff_required
@require_POST
def application_note_view(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            application_services.application_note_add(
                application=application,
                actor=acting_user(request),
                text=form.cleaned_data["text"],
            )
        except DomainError as error:
            _refuse_person(error)
            form.add_error("text", str(error.message))
        else:
            messages.success(request, _("The note is saved."))
            return _back(application)
    return render(
        request,
        "eservices/staff/application.html",
        detail_context(request, application, note_form=form),
        status=400,
    )


@staff_required
@require_POST
def application_act_view(
    request: HttpRequest, reference: str, action: str
) -> HttpResponse:
    """One workflow action; a refusal (not allowed from this stage, a field
    missing) is shown on the page with the state machine's reason."""
    application = _application(request, reference)
    form = ActionForm(request.POST, prefix=action)
    if form.is_valid():
        try:
            application_services.application_act(
                application=application,
                action=action,
                actor=acting_user(request),
                message=form.cleaned_data.get("message") or "",
                amount=form.cleaned_data.get("amount"),
            )
        except DomainError as error:
            _refuse_person(error)
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error.message))
        else:
            label = Action(action).label if action in Action.values else action
            messages.success(
                request,
                _("Done: %(action)s, %(reference)s.")
                % {"action": label, "reference": application.reference},
            )
            return _back(application)
    context = detail_context(request, application, action_forms={action: form})
    if action not in [row["action"] for row in context["actions"]]:
        # Not offered on the page (another stage now, or not the user's): the
        # reason still has to be read.
        for problem in form.non_field_errors():
            messages.error(request, str(problem))
    context["failed_action"] = action
    return render(request, "eservices/staff/application.html", context, status=400)
