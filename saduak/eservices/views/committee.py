"""The committee's pages: an office's meetings, opening one, putting cases from
the committee-stage queue on its agenda in bulk, the meeting with one row per
case (decision, amount, reason, saved together), deciding it, and its minutes
as PDF."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from saduak.accounts.permissions import acting_user, staff_required
from saduak.areas.models import Office
from saduak.areas.selectors import office_get
from saduak.audit.services import audit_record
from saduak.core.errors import DomainError, NotFound
from saduak.core.forms import add_domain_error, posted_id
from saduak.eservices.forms_staff import DecisionForm, MeetingForm
from saduak.eservices.minutes import minutes_filename, minutes_pdf
from saduak.eservices.models import Application, CommitteeMeeting
from saduak.eservices.selectors.applications import application_for_staff
from saduak.eservices.selectors.committee import meeting_for_staff
from saduak.eservices.selectors.queue import ensure_reaches_office
from saduak.eservices.services import committee as committee_services
from saduak.eservices.services.committee import DecisionInput, may_run_committee
from saduak.eservices.views.staff import staff_url

MEETINGS_SHOWN = 50


def _meeting(request: HttpRequest, pk: int) -> CommitteeMeeting:
    return meeting_for_staff(user=acting_user(request), pk=pk)


def _meetings_page(
    request: HttpRequest, office: Office, form: MeetingForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "eservices/staff/meetings.html",
        {
            "office": office,
            "form": form,
            "may_run": may_run_committee(acting_user(request), office),
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
            return redirect(staff_url("meeting", meeting.pk))
    return _meetings_page(request, office, form, status=400)


@staff_required
@require_POST
def cases_add(request: HttpRequest, code: str) -> HttpResponse:
    """The cases ticked on the committee-stage queue, onto one open meeting."""
    office = office_get(code)
    queue_url = (
        staff_url("queue", office.code) + "?stage=" + request.POST.get("stage", "")
    )
    meeting_id = posted_id(request.POST.get("meeting"))
    meeting = (
        CommitteeMeeting.objects.filter(pk=meeting_id, office=office).first()
        if meeting_id is not None
        else None
    )
    if meeting is None:
        messages.error(request, _("Choose the meeting to add the cases to."))
        return redirect(queue_url)
    ids = [
        pk
        for pk in (posted_id(raw) for raw in request.POST.getlist("applications"))
        if pk is not None
    ]
    try:
        added = committee_services.committee_cases_add(
            meeting=meeting,
            applications=list(Application.objects.filter(pk__in=ids)),
            actor=acting_user(request),
        )
    except DomainError as error:
        if isinstance(error, NotFound):
            raise
        messages.error(request, str(error.message))
        return redirect(queue_url)
    messages.success(
        request,
        _("%(count)s cases were added to “%(title)s”.")
        % {"count": len(added), "title": meeting.title},
    )
    return redirect(staff_url("meeting", meeting.pk))


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
            "may_run": may_run_committee(acting_user(request), meeting.office),
            "undecided": sum(1 for row in rows if not row["decision"].decision),
        },
        status=status,
    )


@staff_required
@never_cache
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting's cases; POST saves every row's decision together (all or
    none; each row shows its own refusal)."""
    meeting = _meeting(request, pk)
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
            return redirect(staff_url("meeting", meeting.pk))
    return _meeting_page(request, meeting, rows, status=400)


@staff_required
@require_POST
def meeting_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Applies every decision through the workflow and closes the meeting."""
    meeting = _meeting(request, pk)
    try:
        committee_services.committee_meeting_decide(
            meeting=meeting, actor=acting_user(request)
        )
    except DomainError as error:
        if isinstance(error, NotFound):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("The meeting is decided; the applicants are being told.")
        )
    return redirect(staff_url("meeting", meeting.pk))


@staff_required
@require_POST
def case_remove(request: HttpRequest, pk: int, reference: str) -> HttpResponse:
    meeting = _meeting(request, pk)
    application = application_for_staff(user=acting_user(request), reference=reference)
    try:
        committee_services.committee_case_remove(
            meeting=meeting, application=application, actor=acting_user(request)
        )
    except DomainError as error:
        if isinstance(error, NotFound):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("%(reference)s was taken off the agenda.")
            % {"reference": application.reference},
        )
    return redirect(staff_url("meeting", meeting.pk))


@staff_required
@never_cache
@require_GET
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes as PDF (a draft while the meeting is open). They name the
    applicants, so each download is an audit event."""
    meeting = _meeting(request, pk)
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
