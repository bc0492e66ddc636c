"""The committee's pages: an office's meetings, opening one, putting cases from
the committee-stage queue on its agenda in bulk, the meeting with one row per
case (decision, amount, reason, saved together), deciding it, and its minutes
as PDF."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from saduak.accounts import matrix
from saduak.accounts.permissions import acting_user, staff_required
from saduak.areas.models import Office
from saduak.areas.selectors import office_get
from saduak.audit.services import audit_record
from saduak.core.errors import DomainError, NotFound, PermissionDeniedError
from saduak.core.forms import add_domain_error
from saduak.eservices.forms_staff import DecisionForm, MeetingForm
from saduak.eservices.minutes import minutes_filename, minutes_pdf
from saduak.eservices.models import Application, CommitteeMeeting
from saduak.eservices.public_ids import posted_public_id
from saduak.eservices.selectors.applications import application_for_staff
from saduak.eservices.selectors.committee import meeting_for_staff
from saduak.eservices.selectors.queue import ensure_reaches_office
from saduak.eservices.services import committee as committee_services
from saduak.eservices.services.committee import DecisionInput, committee_roles
from saduak.eservices.views.staff import staff_url

MEETINGS_SHOWN = 50
MAX_CASES_POSTED = 500


def _meeting(request: HttpRequest, public_id: UUID) -> CommitteeMeeting:
    return meeting_for_staff(user=acting_user(request), public_id=public_id)


def _may_run(request: HttpRequest, office: Office) -> bool:
    return matrix.may(
        acting_user(request),
        matrix.Action.COMMITTEE_MANAGE,
        office=office,
        named=committee_roles(),
    )


def _meetings_page(
    request: HttpRequest, office: Office, form: MeetingForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "eservices/staff/meetings.html",
        {
            "office": office,
            "form": form,
            "may_run": _may_run(request, office),
            "meetings": list(
                CommitteeMeeting.objects.filter(office=office).order_by(
                    "-meets_on", "-pk"
                )[:MEETINGS_SHOWN]
            ),
        },
        status=status,
    )


@staff_required
@never_cache
def meetings(request: HttpRequest, code: str) -> HttpResponse:
    """The office's meetings, newest first, and a form to open one."""
    office = office_get(code)
    ensure_reaches_office(acting_user(request), office)
    if request.method != "POST":
        return _meetings_page(request, office, MeetingForm())
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = committee_services.committee_meeting_create(
                office=office, actor=acting_user(request), **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The meeting is open. Add its cases."))
            return redirect(staff_url("meeting", meeting.public_id))
    return _meetings_page(request, office, form, status=400)


@staff_required
@require_POST
def cases_add(request: HttpRequest, code: str) -> HttpResponse:
    """The cases ticked on the committee-stage queue, onto one open meeting."""
    office = office_get(code)
    queue_url = (
        staff_url("queue", office.code) + "?stage=" + request.POST.get("stage", "")
    )
    ensure_reaches_office(acting_user(request), office)
    meeting_id = posted_public_id(request.POST.get("meeting"))
    meeting = (
        CommitteeMeeting.objects.filter(public_id=meeting_id, office=office).first()
        if meeting_id is not None
        else None
    )
    if meeting is None:
        messages.error(request, _("Choose the meeting to add the cases to."))
        return redirect(queue_url)
    references = [
        str(raw).strip().upper()
        for raw in request.POST.getlist("applications")[:MAX_CASES_POSTED]
    ]
    try:
        added = committee_services.committee_cases_add(
            meeting=meeting,
            applications=list(Application.objects.filter(reference__in=references)),
            actor=acting_user(request),
        )
    except DomainError as error:
        if isinstance(error, NotFound | PermissionDeniedError):
            raise
        messages.error(request, str(error.message))
        return redirect(queue_url)
    messages.success(
        request,
        _("%(count)s cases were added to “%(title)s”.")
        % {"count": len(added), "title": meeting.title},
    )
    return redirect(staff_url("meeting", meeting.public_id))


def _rows(meeting: CommitteeMeeting, posted: Any = None) -> list[dict[str, Any]]:
    decisions = meeting.decisions.select_related(
        "application__applicant", "application__service"
    ).order_by("application__reference")
    rows = []
    for decision in decisions:
        application = decision.application
        form = DecisionForm(
            posted,
            prefix=f"c{application.pk}",
            initial={
                "decision": decision.decision,
                "amount": decision.amount,
                "reason": decision.reason,
            },
        )
        rows.append(
            {
                "decision": decision,
                "application": application,
                "requested": (application.answers or {}).get("requested_amount"),
                "form": form,
            }
        )
    return rows


def _meeting_page(
    request: HttpRequest,
    meeting: CommitteeMeeting,
    rows: list[dict[str, Any]],
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "eservices/staff/meeting.html",
        {
            "meeting": meeting,
            "office": meeting.office,
            "rows": rows,
            "is_open": meeting.status == "open",
            "may_run": _may_run(request, meeting.office),
            "undecided": sum(1 for row in rows if not row["decision"].decision),
        },
        status=status,
    )


@staff_required
@never_cache
def meeting_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The meeting's cases; POST saves every row's decision together (all or
    none; each row shows its own refusal)."""
    meeting = _meeting(request, public_id)
    if request.method != "POST":
        return _meeting_page(request, meeting, _rows(meeting))
    rows = _rows(meeting, request.POST)
    if all(row["form"].is_valid() for row in rows):
        given = [
            DecisionInput(
                row["application"].pk,
                row["form"].cleaned_data["decision"],
                row["form"].cleaned_data["amount"],
                row["form"].cleaned_data["reason"],
            )
            for row in rows
        ]
        try:
            committee_services.committee_decisions_set(
                meeting=meeting, decisions=given, actor=acting_user(request)
            )
        except DomainError as error:
            if isinstance(error, NotFound):
                raise
            per_case = error.extra.get("errors") or {}
            for row in rows:
                for field, message in per_case.get(row["application"].pk, {}).items():
                    row["form"].add_error(
                        field if field in row["form"].fields else None, message
                    )
            if not per_case:
                messages.error(request, str(error.message))
        else:
            messages.success(request, _("The decisions are saved."))
            return redirect(staff_url("meeting", meeting.public_id))
    return _meeting_page(request, meeting, rows, status=400)


@staff_required
@require_POST
def meeting_decide(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Applies every decision through the workflow and closes the meeting."""
    meeting = _meeting(request, public_id)
    try:
        committee_services.committee_meeting_decide(
            meeting=meeting, actor=acting_user(request)
        )
    except DomainError as error:
        if isinstance(error, NotFound | PermissionDeniedError):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("The meeting is decided; the applicants are being told.")
        )
    return redirect(staff_url("meeting", meeting.public_id))


@staff_required
@require_POST
def case_remove(request: HttpRequest, public_id: UUID, reference: str) -> HttpResponse:
    meeting = _meeting(request, public_id)
    application = application_for_staff(user=acting_user(request), reference=reference)
    try:
        committee_services.committee_case_remove(
            meeting=meeting, application=application, actor=acting_user(request)
        )
    except DomainError as error:
        if isinstance(error, NotFound | PermissionDeniedError):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("%(reference)s was taken off the agenda.")
            % {"reference": application.reference},
        )
    return redirect(staff_url("meeting", meeting.public_id))


@staff_required
@never_cache
@require_GET
def minutes(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The minutes as PDF (a draft while the meeting is open). They name the
    applicants, so each download is an audit event."""
    meeting = _meeting(request, public_id)
    content = minutes_pdf(meeting)
    audit_record(
        actor=acting_user(request),
        action="eservices.committee.minutes",
        target=meeting,
        office=meeting.office,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{minutes_filename(meeting)}.pdf"'
    )
    return response
