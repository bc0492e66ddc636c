"""The inbox of report requests (docs/performance-collection.md).

An office (its counter officers and its district's administrator) sees the
requests addressed to it, opens one (which marks it read), acknowledges it,
fills the report (a form of the form engine, saved as a draft), attaches
evidence and submits it. The province forwards HQ's request to its
districts (an earlier deadline, districts left out with a reason, a cover
note), reviews each district's report (sends it back with a comment,
certifies it, or excuses the district) and submits the consolidated report.
The services (services/collection.py) check who may do what; these pages
only decide what to show."""

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from saduak.accounts.matrix import Action, may
from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user, staff_required
from saduak.areas.choices import OfficeKind
from saduak.areas.models import Office
from saduak.core.errors import DomainError, InvalidInput, NotFound
from saduak.core.forms import add_domain_error
from saduak.core.htmx import is_htmx
from saduak.core.templatetags.thai import be_date
from saduak.core.uploads.responses import encrypted_file_response
from saduak.core.uploads.store import encrypted_file_open
from saduak.forms_engine.answers import (
    Errors,
    answers_clean,
    hidden_keys,
)
from saduak.forms_engine.definition import FormDefinition, form_from_definition
from saduak.forms_engine.post import (
    post_from_answers,
    raw_from_post,
    values_from_post,
    values_without_row,
)
from saduak.forms_engine.render import error_links, render_section, summary_sections
from saduak.performance.choices import (
    AnswerStatus,
    LegStatus,
    RequestKind,
    RequestRoute,
    RequestStatus,
)
from saduak.performance.forms_inbox import (
    INBOX_STATES,
    CommentForm,
    EmptyForm,
    EvidenceForm,
    ExcuseForm,
    ForwardForm,
    InboxFilterForm,
)
from saduak.performance.models import (
    AnswerEvidence,
    Directive,
    ReportAnswer,
    ReportRequest,
    RequestAttachment,
    RequestLeg,
)
from saduak.performance.selectors import collection as selectors
from saduak.performance.services import collection as services

# States shown first in the inbox: work that is late, then work due soon.
URGENT_FIRST = {"overdue": 0, "due_soon": 1}
OPEN_STATES = (
    AnswerStatus.NEW,
    AnswerStatus.READ,
    AnswerStatus.ACKNOWLEDGED,
    AnswerStatus.RETURNED,
)


def url_or_none(name: str, *args: Any) -> str | None:
    """A page of another part of the collection (the letter's PDF, the
    consolidated report) when it is installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# ---------------------------------------------------------------------------
# The inbox


@staff_required
@never_cache
@require_GET
def inbox_list(request: HttpRequest) -> HttpResponse:
    """The requests addressed to the user's offices (and, for a province,
    its legs), the overdue and due-soon ones first."""
    user = acting_user(request)
    filters = InboxFilterForm(request.GET or None)
    state = ""
    if filters.is_valid():
        state = filters.cleaned_data.get("state") or ""
    number = str(request.GET.get("page") or "1")
    found = selectors.inbox_page(
        user=user,
        state=state or None,
        page=int(number) if number.isdigit() and len(number) < 6 else 1,
    )
    # Within the page, the overdue and due-soon ones first.
    rows = sorted(found.rows, key=lambda row: URGENT_FIRST.get(row.state, 2))
    labels = {**dict(LegStatus.choices), **dict(INBOX_STATES)}
    urgency = {
        directive.request_id: directive.get_urgency_display()
        for directive in Directive.objects.filter(
            request_id__in={row.request.pk for row in rows}
        ).exclude(urgency="")
    }
    return render(
        request,
        "performance/inbox/list.html",
        {
            "found": found,
            "rows": [
                (row, labels.get(row.state, row.state), urgency.get(row.request.pk))
                for row in rows
            ],
            "state": state,
            "states": INBOX_STATES,
            "previous_page": found.page - 1 if found.page > 1 else None,
            "next_page": found.page + 1 if found.page < found.pages else None,
        },
    )


# ---------------------------------------------------------------------------
# An office's answer


def report_form(report_request: ReportRequest) -> FormDefinition | None:
    """The request's report form; None when it asks for no form (a GECC
    answer filled by its own pages) or the stored form cannot be read."""
    if not report_request.form:
        return None
    try:
        return form_from_definition(report_request.form)
    except InvalidInput:
        return None


@dataclass
class Deadline:
    """What the office is told about its deadline: open, late (taken and
    marked late) or closed (no longer taken, and why)."""

    due_on: date
    late: bool
    closed_reason: str

    @property
    def days_left(self) -> int:
        return (self.due_on - timezone.localdate()).days


def deadline_of(answer: ReportAnswer) -> Deadline:
    today = timezone.localdate()
    report_request = answer.request
    reason = ""
    if report_request.status == RequestStatus.CLOSED:
        reason = _("The request was closed by its issuer: no more reports are taken.")
    elif report_request.closes_on is not None and today > report_request.closes_on:
        reason = _("Late reports were taken until %(day)s; that day has passed.") % {
            "day": be_date(report_request.closes_on)
        }
    return Deadline(answer.due_on, today > answer.due_on, reason)


def summary_of(report_request: ReportRequest, answers: dict[str, Any]) -> list[Any]:
    """The answers for people to read: (section title, [(label, lines)])."""
    form = report_form(report_request)
    if form is None:
        return []
    return [
        (
            section.title,
            [
                (row.label, row.value if isinstance(row.value, list) else [row.value])
                for row in section.rows
            ],
        )
        for section in summary_sections(form, answers)
    ]


def _may_fill(user: User, answer: ReportAnswer) -> bool:
    return may(user, Action.REPORT_FILL, office=answer.office)


def _editable(answer: ReportAnswer) -> bool:
    """Typed here while open; a GECC report is made from the office's
    self-assessment on its GECC page (services/collection.py)."""
    return answer.status in OPEN_STATES and answer.request.kind == RequestKind.DIRECTIVE


def _gecc_office_url(answer: ReportAnswer) -> str:
    if answer.request.kind == RequestKind.DIRECTIVE:
        return ""
    return reverse(
        "performance-gecc:office",
        args=[answer.request.fiscal_year, answer.office.code],
    )


def _evidence_list(answer: ReportAnswer) -> list[AnswerEvidence]:
    return list(answer.evidence.order_by("uploaded_at", "id"))


def _attachments(report_request: ReportRequest) -> list[RequestAttachment]:
    return list(report_request.attachments.order_by("uploaded_at", "id"))


def _sections_html(
    form: FormDefinition,
    *,
    values: dict[str, Any],
    errors: Errors,
    answers: dict[str, Any],
    extra_rows: dict[str, int] | None = None,
) -> list[dict[str, Any]]:
    return [
        {
            "section": section,
            "html": render_section(
                form,
                section,
                values=values,
                errors=errors,
                answers=answers,
                extra_rows=extra_rows,
                fields=[item for item in section.page_fields if not item.is_file],
            ),
        }
        for section in form.sections
        if any(not item.is_file for item in section.page_fields)
    ]


def _stored_values(form: FormDefinition, answers: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for section in form.sections:
        values.update(
            post_from_answers(
                section,
                answers,
                fields=[item for item in section.page_fields if not item.is_file],
            )
        )
    return values


def answer_page(
    request: HttpRequest,
    answer: ReportAnswer,
    *,
    values: dict[str, Any] | None = None,
    errors: Errors | None = None,
    extra_rows: dict[str, int] | None = None,
    problem: str = "",
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The office's page of one answer: the request, the report form, the
    evidence, the history and the buttons its state allows."""
    user = acting_user(request)
    report_request = answer.request
    form = report_form(report_request)
    errors = errors or {}
    stored = dict(answer.answers or {})
    fill = _may_fill(user, answer)
    editable = fill and _editable(answer)
    context: dict[str, Any] = {
        "answer": answer,
        "report_request": report_request,
        "leg": answer.leg,
        "directive": getattr(report_request, "directive", None),
        "letter_url": url_or_none(
            "performance-collection-files:letter", report_request.public_id
        ),
        "attachments": _attachments(report_request),
        "evidence": _evidence_list(answer),
        "steps": list(answer.steps.select_related("actor")),
        "deadline": deadline_of(answer),
        "may_fill": fill,
        "editable": editable,
        "may_acknowledge": fill
        and answer.status in (AnswerStatus.NEW, AnswerStatus.READ),
        "may_submit": editable
        and may(user, Action.REPORT_SUBMIT, office=answer.office),
        "may_review": may(user, Action.REPORT_CERTIFY, office=answer.office),
        "problem": problem,
        "evidence_form": (forms or {}).get("evidence") or EvidenceForm(),
        "button_form": (forms or {}).get("button") or EmptyForm(),
        "error_links": error_links(form, errors) if form else [],
        "summary": summary_of(report_request, stored),
        "gecc_office_url": _gecc_office_url(answer),
    }
    if form is not None and editable:
        context["sections"] = _sections_html(
            form,
            values=values if values is not None else _stored_values(form, stored),
            errors=errors,
            answers=stored,
            extra_rows=extra_rows,
        )
    return render(request, "performance/inbox/answer.html", context, status=status)


def _answer(request: HttpRequest, public_id: UUID) -> ReportAnswer:
    return selectors.answer_get(user=acting_user(request), public_id=public_id)


@staff_required
@never_cache
@require_GET
def answer_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Opening the answer marks it read for the office's staff."""
    user = acting_user(request)
    answer = _answer(request, public_id)
    if answer.status == AnswerStatus.NEW and _may_fill(user, answer):
        answer = services.answer_mark_read(actor=user, answer=answer)
    return answer_page(request, answer)


def _status_partial(request: HttpRequest, answer: ReportAnswer) -> HttpResponse:
    return render(
        request,
        "performance/inbox/partials/answer_status.html",
        {"answer": answer, "deadline": deadline_of(answer), "may_acknowledge": False},
    )


@staff_required
@require_POST
def answer_acknowledge(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = acting_user(request)
    answer = _answer(request, public_id)
    form = EmptyForm(request.POST)
    try:
        answer = services.answer_acknowledge(actor=user, answer=answer)
    except DomainError as error:
        add_domain_error(form, error)
        return answer_page(request, answer, forms={"button": form}, status=error.status)
    if is_htmx(request):
        return _status_partial(request, answer)
    messages.success(request, _("You acknowledged the request."))
    return redirect("performance-inbox:answer", answer.public_id)


def _posted(
    form: FormDefinition, data: Any
) -> tuple[dict[str, Any], dict[str, int], bool]:
    """The posted inputs of every section (after "add a row" or "remove a
    row"), the extra rows asked for, and whether a row button was pressed."""
    values: dict[str, Any] = {}
    for section in form.sections:
        values.update(
            values_from_post(
                section,
                data,
                fields=[item for item in section.page_fields if not item.is_file],
            )
        )
    extra_rows: dict[str, int] = {}
    removing = str(data.get("remove_row") or "")
    table_key, _sep, row = removing.rpartition("-")
    table = form.by_key.get(table_key)
    if table is not None and table.type == "table" and row.isdigit():
        values = values_without_row(values, table, int(row))
    adding = form.by_key.get(str(data.get("add_row") or ""))
    if adding is not None and adding.type == "table":
        extra_rows[adding.key] = 1
    return values, extra_rows, bool(extra_rows or (table is not None and row.isdigit()))


def _cleaned(
    form: FormDefinition, values: dict[str, Any], stored: dict[str, Any]
) -> tuple[dict[str, Any], Errors]:
    raw: dict[str, Any] = {}
    fields = []
    for section in form.sections:
        chosen = [item for item in section.page_fields if not item.is_file]
        fields.extend(chosen)
        raw.update(raw_from_post(section, values, fields=chosen))
    cleaned, errors = answers_clean(form, raw, fields=fields)
    merged = {**stored, **cleaned}
    for key in hidden_keys(form, merged):
        if merged.get(key) is not None:
            cleaned[key] = None
    return cleaned, errors


def _save_posted(
    request: HttpRequest, answer: ReportAnswer
) -> tuple[ReportAnswer, HttpResponse | None]:
    """Saves the posted report; a page to show again (400, nothing saved)
    when an input cannot be read, the service refuses it, or a row button
    was pressed (then what was typed is saved and shown again)."""
    form = report_form(answer.request)
    if form is None:
        return answer, None
    values, extra_rows, row_button = _posted(form, request.POST)
    cleaned, errors = _cleaned(form, values, dict(answer.answers or {}))
    if errors:
        return answer, answer_page(
            request,
            answer,
            values=values,
            errors=errors,
            extra_rows=extra_rows,
            status=400,
        )
    try:
        answer = services.answer_save(
            actor=acting_user(request), answer=answer, answers=cleaned
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        field_errors: Errors = {}
        if error.field and error.field in form.by_key:
            field_errors[error.field] = [str(error.message)]
        return answer, answer_page(
            request,
            answer,
            values=values,
            errors=field_errors,
            extra_rows=extra_rows,
            problem="" if field_errors else str(error.message),
            status=error.status,
        )
    if row_button:
        return answer, answer_page(
            request, answer, values=values, extra_rows=extra_rows
        )
    return answer, None


@staff_required
@require_POST
def answer_save(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Saves the report as a draft (partial answers are kept)."""
    answer = _answer(request, public_id)
    answer, page = _save_posted(request, answer)
    if page is not None:
        return page
    messages.success(request, _("The report is saved as a draft."))
    return redirect("performance-inbox:answer", answer.public_id)


@staff_required
@require_POST
def answer_submit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Saves what was typed, then submits the report to the province
    (complete answers required; after the deadline it is marked late)."""
    user = acting_user(request)
    answer = _answer(request, public_id)
    if "add_row" in request.POST or "remove_row" in request.POST:
        answer, page = _save_posted(request, answer)
        return page or redirect("performance-inbox:answer", answer.public_id)
    if _may_fill(user, answer) and _editable(answer):
        answer, page = _save_posted(request, answer)
        if page is not None:
            return page
    try:
        answer = services.answer_submit(actor=user, answer=answer)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        missing = error.extra.get("errors") or {}
        return answer_page(
            request,
            answer,
            errors=missing,
            problem=str(error.message),
            status=error.status,
        )
    if answer.late:
        messages.warning(
            request,
            _(
                "The report is submitted to the province, after the deadline: it is marked late."
            ),
        )
    else:
        messages.success(request, _("The report is submitted to the province."))
    return redirect("performance-inbox:answer", answer.public_id)


def _evidence_partial(
    request: HttpRequest,
    answer: ReportAnswer,
    form: EvidenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = acting_user(request)
    return render(
        request,
        "performance/inbox/partials/evidence.html",
        {
            "answer": answer,
            "evidence": _evidence_list(answer),
            "evidence_form": form or EvidenceForm(),
            "editable": _may_fill(user, answer) and _editable(answer),
        },
        status=status,
    )


@staff_required
@require_POST
def evidence_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    answer = _answer(request, public_id)
    form = EvidenceForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            services.answer_evidence_add(
                actor=acting_user(request),
                answer=answer,
                upload=form.cleaned_data["upload"],
                description=form.cleaned_data.get("description") or "",
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status
        else:
            if is_htmx(request):
                return _evidence_partial(request, answer)
            messages.success(request, _("The evidence file is added."))
            return redirect(
                reverse("performance-inbox:answer", args=[answer.public_id])
                + "#evidence"
            )
    if is_htmx(request):
        return _evidence_partial(request, answer, form, status=status)
    return answer_page(request, answer, forms={"evidence": form}, status=status)


def _evidence(request: HttpRequest, public_id: UUID) -> AnswerEvidence:
    """An evidence file of an answer the user reads; NotFound otherwise."""
    evidence = (
        AnswerEvidence.objects.select_related("answer")
        .filter(public_id=public_id)
        .first()
    )
    if evidence is None:
        raise NotFound(_("There is no such evidence file."))
    _answer(request, evidence.answer.public_id)
    return evidence


@staff_required
@require_POST
def evidence_remove(request: HttpRequest, public_id: UUID) -> HttpResponse:
    evidence = _evidence(request, public_id)
    answer = _answer(request, evidence.answer.public_id)
    try:
        services.answer_evidence_remove(actor=acting_user(request), evidence=evidence)
    except DomainError as error:
        form = EvidenceForm()
        add_domain_error(form, error)
        if is_htmx(request):
            return _evidence_partial(request, answer, form, status=error.status)
        return answer_page(
            request, answer, forms={"evidence": form}, status=error.status
        )
    if is_htmx(request):
        return _evidence_partial(request, answer)
    messages.success(request, _("The evidence file is removed."))
    return redirect(
        reverse("performance-inbox:answer", args=[answer.public_id]) + "#evidence"
    )


@login_required
@never_cache
@require_GET
def evidence_download(request: HttpRequest, public_id: UUID) -> StreamingHttpResponse:
    """For whoever reads the answer (its office, its province, HQ); 404 for
    anyone else, a citizen included (a 403 would tell that the file exists)."""
    evidence = _evidence(request, public_id)
    return encrypted_file_response(evidence, encrypted_file_open(evidence))


@login_required
@never_cache
@require_GET
def attachment_download(
    request: HttpRequest, request_id: UUID, public_id: UUID
) -> StreamingHttpResponse:
    """A file sent with a request, for whoever reads the request."""
    report_request = selectors.request_get(
        user=acting_user(request), public_id=request_id
    )
    attachment = report_request.attachments.filter(public_id=public_id).first()
    if attachment is None:
        raise NotFound(_("There is no such attachment."))
    return encrypted_file_response(attachment, encrypted_file_open(attachment))


# ---------------------------------------------------------------------------
# The province: forwarding, review, certification, consolidation


def _leg(request: HttpRequest, request_id: UUID, code: str) -> RequestLeg:
    user = acting_user(request)
    report_request = selectors.request_get(user=user, public_id=request_id)
    return selectors.leg_get(user=user, request=report_request, province_code=code)


def _districts(leg: RequestLeg) -> list[Office]:
    return list(
        Office.objects.filter(
            province_id=leg.province_id,
            kind=OfficeKind.DISTRICT_OFFICE,
            is_active=True,
        ).order_by("district_id", "code")
    )


def _forward_form(leg: RequestLeg, data: Any = None) -> ForwardForm:
    return ForwardForm(data, districts=_districts(leg), hq_due_on=leg.request.due_on)


@dataclass
class LegAnswers:
    answers: list[ReportAnswer]
    missing: list[ReportAnswer]


def leg_answers(leg: RequestLeg) -> LegAnswers:
    answers = list(
        leg.answers.select_related("office").order_by("district_id", "office_id")
    )
    missing = [
        answer
        for answer in answers
        if answer.status not in (AnswerStatus.CERTIFIED, AnswerStatus.EXCUSED)
    ]
    return LegAnswers(answers, missing)


def leg_page(
    request: HttpRequest,
    leg: RequestLeg,
    *,
    forward_form: ForwardForm | None = None,
    submit_form: EmptyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = acting_user(request)
    report_request = leg.request
    may_forward = (
        leg.status == LegStatus.RECEIVED
        and report_request.route == RequestRoute.THROUGH_PROVINCES
        and may(user, Action.REQUEST_FORWARD, office=leg.office)
    )
    answers = leg_answers(leg)
    may_certify = may(user, Action.REPORT_CERTIFY, office=leg.office)
    today = timezone.localdate()
    return render(
        request,
        "performance/inbox/leg.html",
        {
            "leg": leg,
            "report_request": report_request,
            "directive": getattr(report_request, "directive", None),
            "letter_url": url_or_none(
                "performance-collection-files:letter", report_request.public_id
            ),
            "consolidated_url": url_or_none(
                "performance-collection-files:consolidated", report_request.public_id
            ),
            "attachments": _attachments(report_request),
            "forward_form": (forward_form or _forward_form(leg))
            if may_forward
            else None,
            "answers": answers.answers,
            "missing": answers.missing,
            "today": today,
            "may_certify": may_certify,
            "may_submit": may_certify
            and leg.status in (LegStatus.FORWARDED, LegStatus.RETURNED),
            "submit_form": submit_form or EmptyForm(),
        },
        status=status,
    )


@staff_required
@never_cache
@require_GET
def leg_detail(request: HttpRequest, request_id: UUID, code: str) -> HttpResponse:
    return leg_page(request, _leg(request, request_id, code))


@staff_required
@require_POST
def leg_forward(request: HttpRequest, request_id: UUID, code: str) -> HttpResponse:
    leg = _leg(request, request_id, code)
    form = _forward_form(leg, request.POST)
    if form.is_valid():
        try:
            leg = services.leg_forward(
                actor=acting_user(request),
                leg=leg,
                due_on=form.cleaned_data.get("due_on"),
                cover_note=form.cleaned_data.get("cover_note") or "",
                excluded=form.excluded(),
            )
        except DomainError as error:
            add_domain_error(form, error)
            return leg_page(request, leg, forward_form=form, status=error.status)
        messages.success(request, _("The request is forwarded to the districts."))
        return redirect("performance-inbox:leg", request_id, code)
    return leg_page(request, leg, forward_form=form, status=400)


@staff_required
@require_POST
def leg_submit(request: HttpRequest, request_id: UUID, code: str) -> HttpResponse:
    leg = _leg(request, request_id, code)
    form = EmptyForm(request.POST)
    try:
        leg = services.leg_submit(actor=acting_user(request), leg=leg)
    except DomainError as error:
        add_domain_error(form, error)
        return leg_page(request, leg, submit_form=form, status=error.status)
    if leg.submitted_late:
        messages.warning(
            request,
            _(
                "The consolidated report is submitted, after HQ's deadline: it is marked late."
            ),
        )
    else:
        messages.success(request, _("The consolidated report is submitted."))
    return redirect("performance-inbox:leg", request_id, code)


def review_page(
    request: HttpRequest,
    answer: ReportAnswer,
    *,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = acting_user(request)
    forms = forms or {}
    may_certify = may(user, Action.REPORT_CERTIFY, office=answer.office)
    return render(
        request,
        "performance/inbox/review.html",
        {
            "answer": answer,
            "report_request": answer.request,
            "leg": answer.leg,
            "summary": summary_of(answer.request, answer.answers or {}),
            "evidence": _evidence_list(answer),
            "steps": list(answer.steps.select_related("actor")),
            "may_certify": may_certify,
            "certifiable": may_certify and answer.status == AnswerStatus.SUBMITTED,
            "returnable": may_certify
            and answer.status in (AnswerStatus.SUBMITTED, AnswerStatus.CERTIFIED)
            and answer.leg.status not in (LegStatus.SUBMITTED, LegStatus.ACCEPTED),
            "excusable": may_certify
            and answer.status not in (AnswerStatus.CERTIFIED, AnswerStatus.EXCUSED)
            and answer.leg.status not in (LegStatus.SUBMITTED, LegStatus.ACCEPTED),
            "certifier": user,
            "return_form": forms.get("return") or CommentForm(),
            "excuse_form": forms.get("excuse") or ExcuseForm(),
            "certify_form": forms.get("certify") or EmptyForm(),
            "position_url": reverse("identity:account")
            + "?"
            + urlencode(
                {"next": reverse("performance-inbox:review", args=[answer.public_id])}
            )
            + "#position",
        },
        status=status,
    )


@staff_required
@never_cache
@require_GET
def answer_review(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return review_page(request, _answer(request, public_id))


def _reviewed(request: HttpRequest, answer: ReportAnswer, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("performance-inbox:review", answer.public_id)


@staff_required
@require_POST
def answer_return(request: HttpRequest, public_id: UUID) -> HttpResponse:
    answer = _answer(request, public_id)
    form = CommentForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            answer = services.answer_return(
                actor=acting_user(request),
                answer=answer,
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status
        else:
            return _reviewed(
                request, answer, _("The report is sent back to the district.")
            )
    return review_page(request, answer, forms={"return": form}, status=status)


@staff_required
@require_POST
def answer_certify(request: HttpRequest, public_id: UUID) -> HttpResponse:
    answer = _answer(request, public_id)
    form = EmptyForm(request.POST)
    try:
        answer = services.answer_certify(actor=acting_user(request), answer=answer)
    except DomainError as error:
        add_domain_error(form, error)
        return review_page(
            request, answer, forms={"certify": form}, status=error.status
        )
    return _reviewed(request, answer, _("The report is certified."))


@staff_required
@require_POST
def answer_excuse(request: HttpRequest, public_id: UUID) -> HttpResponse:
    answer = _answer(request, public_id)
    form = ExcuseForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            answer = services.answer_excuse(
                actor=acting_user(request),
                answer=answer,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status
        else:
            return _reviewed(
                request, answer, _("The district is excused from this report.")
            )
    return review_page(request, answer, forms={"excuse": form}, status=status)
