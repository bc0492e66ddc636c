"""Officers' complaint pages (docs/complaints-staff.md): the list of the
complaints the officer reads, one complaint with its timeline and the actions
the matrix and its state allow, and recording a complaint that came by the
1567 hotline, a letter, a walk-in or a referral.

Every action is a plain POST form; with htmx the answer is the work area of
the page (`partials/work.html`), refusals included. A refusal of the input or
of the role is shown on the form with the service's reason; a complaint the
officer cannot read is 404."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from saduak.accounts.matrix import Action, action_reach, ensure_may, may
from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user, staff_required
from saduak.areas.choices import OfficeKind
from saduak.areas.models import Office
from saduak.areas.working_days import working_days_between
from saduak.complaints.choices import (
    OPEN_STATUSES,
    Channel,
    ComplaintStatus,
    Escalation,
)
from saduak.complaints.forms_staff import (
    OPEN,
    AgencyAnswerForm,
    AnswerForm,
    CloseForm,
    ComplaintFilterForm,
    EmptyForm,
    ForwardForm,
    MergeForm,
    NoteForm,
    ReasonForm,
    RecordForm,
    ResolveForm,
    TransferForm,
    subdistrict_choices,
)
from saduak.complaints.models import Complaint, ComplaintCategory
from saduak.complaints.selectors.complaints import (
    complaint_duplicates,
    complaint_get_for_staff,
    complaint_timeline,
    complaints_for_staff,
)
from saduak.complaints.services import handling
from saduak.complaints.services.intake import (
    Contact,
    Where,
    complaint_record_for_citizen,
)
from saduak.complaints.views.documents import complaint_document_url
from saduak.core.counts import bounded_count
from saduak.core.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDeniedError,
)
from saduak.core.forms import add_domain_error
from saduak.core.htmx import is_htmx
from saduak.core.pagination import paginate

NAMESPACE = "complaints-staff"
# The list pages through at most this many rows of one filter; a filter
# narrows it further.
LIST_BOUND = 10_000
RECORD_OFFICES_LIMIT = 1000


def staff_url(name: str, *args: Any) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=args)


def _categories() -> list[ComplaintCategory]:
    return list(
        ComplaintCategory.objects.filter(is_active=True).order_by("sort_order", "code")
    )


# --- The list -----------------------------------------------------------------


@staff_required
@never_cache
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    """The complaints whose holder office the officer reads, newest first (or
    overdue first), filtered; a bounded count per status as tabs."""
    user = acting_user(request)
    categories = _categories()
    form = ComplaintFilterForm(request.GET or None, categories=categories)
    data = form.cleaned_data if form.is_valid() else {}
    category = next(
        (item for item in categories if item.code == data.get("category")), None
    )
    filters: dict[str, Any] = {
        "user": user,
        "overdue": True if data.get("overdue") else None,
        "escalated": True if data.get("escalated") else None,
        "category": category.pk if category else None,
        "channel": data.get("channel") or None,
        "q": (data.get("q") or "").strip(),
    }
    status = data.get("status") or None
    queryset = complaints_for_staff(status=status, **filters)
    if data.get("overdue_first"):
        queryset = queryset.order_by("-is_overdue", "-received_at", "-pk")
    page = paginate(request, queryset[:LIST_BOUND])
    kept = {
        name: request.GET[name]
        for name in form.fields
        if request.GET.get(name) and name in data
    }
    tabs = [
        {
            "value": value,
            "label": label,
            "count": bounded_count(complaints_for_staff(status=value, **filters)),
            "query": urlencode({**kept, "status": value}),
            "current": value == status,
        }
        for value, label in [(OPEN, _("Open")), *ComplaintStatus.choices]
    ]
    without_status = {key: value for key, value in kept.items() if key != "status"}
    return render(
        request,
        "complaints/staff/list.html",
        {
            "form": form,
            "tabs": tabs,
            "all_query": urlencode(without_status),
            "filtering": bool(set(without_status) - {"page"}),
            "status": status,
            "page": page,
            "bounded": page.paginator.count >= LIST_BOUND,
            "rows": [_row(item) for item in page.object_list],
            "may_record": may(user, Action.COMPLAINT_RECORD_FOR_CITIZEN),
            "may_manage_categories": may(user, Action.COMPLAINT_CATEGORY_MANAGE),
            "may_issue_keys": may(user, Action.OPEN311_KEY_ISSUE),
        },
    )


def _row(complaint: Complaint) -> dict[str, Any]:
    return {"complaint": complaint, "url": staff_url("complaint", complaint.reference)}


def _complainant_name(complaint: Complaint) -> str:
    if complaint.complainant_id is not None and complaint.complainant is not None:
        return complaint.complainant.full_name
    return complaint.contact_name


# --- One complaint --------------------------------------------------------------


@dataclass(frozen=True)
class ActionSpec:
    """One action of the complaint page: its form, when it is offered, and the
    service call it makes."""

    slug: str
    label: Any
    form: type[forms.Form]
    matrix_action: Action
    offered: Callable[[Complaint], bool]
    run: Callable[[Complaint, User, dict[str, Any], list[Any]], Any]
    done: Any
    danger: bool = False
    files: bool = False


def _open(complaint: Complaint) -> bool:
    return complaint.status in OPEN_STATUSES


def _closable(complaint: Complaint) -> bool:
    return _open(complaint) or complaint.status == ComplaintStatus.RESOLVED


ACTIONS: dict[str, ActionSpec] = {
    spec.slug: spec
    for spec in (
        ActionSpec(
            "accept",
            gettext_lazy("Accept"),
            EmptyForm,
            Action.COMPLAINT_HANDLE,
            lambda c: c.status in (ComplaintStatus.RECEIVED, ComplaintStatus.REOPENED),
            lambda c, u, d, f: handling.complaint_accept(complaint=c, officer=u),
            gettext_lazy("The complaint is accepted."),
        ),
        ActionSpec(
            "start",
            gettext_lazy("Start work"),
            EmptyForm,
            Action.COMPLAINT_HANDLE,
            lambda c: c.status == ComplaintStatus.ACCEPTED,
            lambda c, u, d, f: handling.complaint_start(complaint=c, officer=u),
            gettext_lazy("Work on the complaint has started."),
        ),
        ActionSpec(
            "answer",
            gettext_lazy("Answer the complainant"),
            AnswerForm,
            Action.COMPLAINT_HANDLE,
            _open,
            lambda c, u, d, f: handling.complaint_answer(
                complaint=c, officer=u, text=d["text"], uploads=f
            ),
            gettext_lazy("The answer is sent to the complainant."),
            files=True,
        ),
        ActionSpec(
            "forward",
            gettext_lazy("Forward to an outside agency"),
            ForwardForm,
            Action.COMPLAINT_HANDLE,
            lambda c: _open(c) and c.status != ComplaintStatus.FORWARDED,
            lambda c, u, d, f: handling.complaint_forward(
                complaint=c, officer=u, agency=d["agency"], text=d["text"]
            ),
            gettext_lazy("The complaint is forwarded."),
        ),
        ActionSpec(
            "agency-answer",
            gettext_lazy("Record the agency's answer"),
            AgencyAnswerForm,
            Action.COMPLAINT_HANDLE,
            lambda c: c.status == ComplaintStatus.FORWARDED,
            lambda c, u, d, f: handling.complaint_agency_answer(
                complaint=c, officer=u, text=d["text"], public=bool(d.get("public"))
            ),
            gettext_lazy("The agency's answer is recorded."),
        ),
        ActionSpec(
            "resolve",
            gettext_lazy("Resolve"),
            ResolveForm,
            Action.COMPLAINT_HANDLE,
            _open,
            lambda c, u, d, f: handling.complaint_resolve(
                complaint=c, officer=u, text=d["text"], uploads=f
            ),
            gettext_lazy("The complaint is resolved."),
            files=True,
        ),
        ActionSpec(
            "close",
            gettext_lazy("Close"),
            CloseForm,
            Action.COMPLAINT_HANDLE,
            _closable,
            lambda c, u, d, f: handling.complaint_close(
                complaint=c, officer=u, outcome=d["outcome"], text=d["text"]
            ),
            gettext_lazy("The complaint is closed."),
            danger=True,
        ),
        ActionSpec(
            "transfer",
            gettext_lazy("Transfer to another district"),
            TransferForm,
            Action.COMPLAINT_TRANSFER,
            _open,
            lambda c, u, d, f: handling.complaint_transfer(
                complaint=c, officer=u, to_district=d["district"], reason=d["reason"]
            ),
            gettext_lazy("The complaint is transferred."),
        ),
        ActionSpec(
            "take-over",
            gettext_lazy("Take over at the province"),
            ReasonForm,
            Action.COMPLAINT_TAKE_OVER,
            lambda c: _open(c) and c.office.kind != OfficeKind.PROVINCIAL_OFFICE,
            lambda c, u, d, f: handling.complaint_take_over(
                complaint=c, officer=u, reason=d["reason"]
            ),
            gettext_lazy("The province holds the complaint now."),
        ),
        ActionSpec(
            "note",
            gettext_lazy("Add an internal note"),
            NoteForm,
            Action.COMPLAINT_NOTE_ADD,
            lambda c: True,
            lambda c, u, d, f: handling.complaint_note_add(
                complaint=c, officer=u, text=d["text"]
            ),
            gettext_lazy("The note is saved."),
        ),
    )
}
MERGE = "merge"


def _form_of(
    spec: ActionSpec, complaint: Complaint, data: Any = None, files: Any = None
) -> forms.Form:
    kwargs: dict[str, Any] = {"prefix": spec.slug}
    if spec.form is TransferForm:
        kwargs["first_province"] = complaint.holder_province_code
    return spec.form(data, files, **kwargs)


def _lateness(complaint: Complaint, today: date) -> list[dict[str, Any]]:
    """Each target, and by how many working days it was missed (or is being
    missed now)."""
    rows = []
    targets = (
        (_("Acknowledge by"), complaint.acknowledge_due, complaint.acknowledged_at),
        (_("Resolve by"), complaint.resolve_due, complaint.resolved_at),
    )
    for label, due, done_at in targets:
        if due is None:
            continue
        done_on = timezone.localdate(done_at) if done_at else None
        until = done_on or (today if _open(complaint) else None)
        late = working_days_between(due, until, office=complaint.office) if until else 0
        rows.append({"label": label, "due": due, "done": done_at, "late": late})
    return rows


def work_context(
    request: HttpRequest,
    complaint: Complaint,
    *,
    failed: str = "",
    failed_form: forms.Form | None = None,
    done: str = "",
) -> dict[str, Any]:
    """What the work area shows: the summary, the actions offered, suggested
    duplicates and the full timeline."""
    user = acting_user(request)
    actions = []
    for spec in ACTIONS.values():
        offered = spec.offered(complaint) and may(
            user, spec.matrix_action, office=complaint.office
        )
        if not offered and spec.slug != failed:
            continue
        form = (
            failed_form
            if spec.slug == failed and failed_form is not None
            else _form_of(spec, complaint)
        )
        actions.append({"spec": spec, "form": form, "failed": spec.slug == failed})
    handles = may(user, Action.COMPLAINT_HANDLE, office=complaint.office)
    duplicates = []
    if handles and _open(complaint):
        duplicates = [
            {
                "complaint": other,
                "percent": round(score * 100),
                "url": staff_url("complaint", other.reference),
                "form": failed_form
                if failed == MERGE
                and failed_form is not None
                and failed_form.data.get(f"{MERGE}-other") == other.reference
                else MergeForm(prefix=MERGE, initial={"other": other.reference}),
            }
            for other, score in complaint_duplicates(complaint=complaint, limit=5)
        ]
    merge_refused = failed_form if failed == MERGE and failed_form is not None else None
    attachments = [
        {
            "attachment": item,
            "url": complaint_document_url(item),
            "size_kb": max(1, round(item.size / 1024)),
        }
        for item in complaint.attachments.all().order_by("uploaded_at", "pk")
    ]
    return {
        "complaint": complaint,
        "complainant_name": _complainant_name(complaint),
        "targets": _lateness(complaint, timezone.localdate()),
        "attachments": attachments,
        "timeline": complaint_timeline(complaint=complaint, public_only=False),
        "actions": actions,
        "duplicates": duplicates,
        "merge_refused": merge_refused,
        "done": done,
        "is_open": _open(complaint),
        "escalated": complaint.escalation != Escalation.NONE,
    }


def _complaint(request: HttpRequest, reference: str) -> Complaint:
    return complaint_get_for_staff(reference=reference, user=acting_user(request))


def _page(
    request: HttpRequest, complaint: Complaint, context: dict[str, Any], status: int
) -> HttpResponse:
    if is_htmx(request):
        return render(request, "complaints/staff/partials/work.html", context)
    return render(request, "complaints/staff/complaint.html", context, status=status)


@staff_required
@never_cache
@require_GET
def complaint_detail(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint(request, reference)
    return _page(request, complaint, work_context(request, complaint), 200)


def _after(request: HttpRequest, complaint: Complaint, done: str) -> HttpResponse:
    """After an action: the complaint again, or the list when the officer no
    longer reads it (transferred out of their reach)."""
    try:
        complaint = _complaint(request, complaint.reference)
    except NotFound:
        messages.success(request, done)
        target = staff_url("list")
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    if is_htmx(request):
        return _page(
            request, complaint, work_context(request, complaint, done=done), 200
        )
    messages.success(request, done)
    return redirect(staff_url("complaint", complaint.reference))


def _refused(
    request: HttpRequest,
    complaint: Complaint,
    slug: str,
    form: forms.Form,
    error: DomainError,
) -> HttpResponse:
    """Shows the refusal on the form: the service's reason on the field it
    names, or above the form. 400 for input, 403 for the role or reach, 409
    for a state that changed."""
    if isinstance(error, NotFound):
        raise error
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))
    context = work_context(request, complaint, failed=slug, failed_form=form)
    return _page(request, complaint, context, error.status)


@staff_required
@require_POST
def complaint_act(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """One action on the complaint (accept, answer, forward, ...)."""
    complaint = _complaint(request, reference)
    spec = ACTIONS.get(action)
    if spec is None:
        raise NotFound(_("There is no such action on a complaint."))
    form = _form_of(spec, complaint, request.POST, request.FILES)
    if not form.is_valid():
        context = work_context(request, complaint, failed=spec.slug, failed_form=form)
        return _page(request, complaint, context, 400)
    files = list(form.cleaned_data.get("attachments") or []) if spec.files else []
    try:
        spec.run(complaint, acting_user(request), form.cleaned_data, files)
    except DomainError as error:
        return _refused(request, complaint, spec.slug, form, error)
    return _after(request, complaint, str(spec.done))


@staff_required
@require_POST
def complaint_merge(request: HttpRequest, reference: str) -> HttpResponse:
    """Merges a suggested duplicate into this complaint, or this one into it."""
    user = acting_user(request)
    complaint = _complaint(request, reference)
    form = MergeForm(request.POST, prefix=MERGE)
    if not form.is_valid():
        context = work_context(request, complaint, failed=MERGE, failed_form=form)
        return _page(request, complaint, context, 400)
    try:
        other = complaint_get_for_staff(reference=form.cleaned_data["other"], user=user)
    except NotFound:
        form.add_error(None, _("There is no complaint with that reference."))
        context = work_context(request, complaint, failed=MERGE, failed_form=form)
        return _page(request, complaint, context, 400)
    into_this = form.cleaned_data["direction"] == MergeForm.INTO_THIS
    duplicate, survivor = (other, complaint) if into_this else (complaint, other)
    try:
        handling.complaint_merge(duplicate=duplicate, into=survivor, officer=user)
    except DomainError as error:
        return _refused(request, complaint, MERGE, form, error)
    done = _("%(duplicate)s is merged into %(survivor)s.") % {
        "duplicate": duplicate.reference,
        "survivor": survivor.reference,
    }
    return _after(request, survivor, done)


# --- Recording a complaint for a citizen -----------------------------------------


def _record_offices(user: User) -> list[Office]:
    """The offices where the user may record a complaint, Damrongdham centers
    first."""
    reach = action_reach(user, Action.COMPLAINT_RECORD_FOR_CITIZEN)
    rows = list(
        Office.objects.filter(reach.offices_q(), is_active=True).order_by(
            "province_id", "district_id", "code"
        )[:RECORD_OFFICES_LIMIT]
    )
    rows.sort(key=lambda office: office.kind != OfficeKind.DAMRONGDHAM_CENTER)
    return rows


@staff_required
@never_cache
def complaint_record(request: HttpRequest) -> HttpResponse:
    """Records a complaint that came by the 1567 hotline, a letter, a walk-in
    or another agency's referral, for a citizen found by their personal ID or
    reached by phone or e-mail. Only for staff with
    `complaint.record` (403 otherwise), at the offices where they have it."""
    user = acting_user(request)
    ensure_may(user, Action.COMPLAINT_RECORD_FOR_CITIZEN)
    offices = _record_offices(user)
    first_province = offices[0].province_id if offices else ""
    form = RecordForm(
        request.POST or None,
        request.FILES or None,
        offices=[(office.code, office.name) for office in offices],
        categories=_categories(),
        first_province=first_province or "",
        initial={
            "district": offices[0].district_id if offices else "",
            "channel": Channel.HOTLINE,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        office = next(item for item in offices if item.code == data["office"])
        category = ComplaintCategory.objects.get(code=data["category"])
        citizen = None
        if data["personal_id"]:
            citizen = User.objects.filter(personal_id=data["personal_id"]).first()
            if citizen is None:
                form.add_error(
                    "personal_id",
                    _(
                        "No account has this personal ID. Leave it empty and give "
                        "the complainant's mobile number or e-mail instead."
                    ),
                )
        if not form.errors:
            try:
                complaint = complaint_record_for_citizen(
                    officer=user,
                    office=office,
                    channel=Channel(data["channel"]),
                    category=category,
                    description=data["description"],
                    where=Where(
                        district=data["district"],
                        subdistrict=data["subdistrict"],
                        latitude=data["latitude"],
                        longitude=data["longitude"],
                        address=data["address"],
                    ),
                    happened_on=data["happened_on"],
                    contact=Contact(
                        name=data["name"], phone=data["phone"], email=data["email"]
                    ),
                    citizen=citizen,
                    show_name=data["show_name"],
                    referral_agency=data["referral_agency"],
                    uploads=list(data.get("attachments") or []),
                )
            except DomainError as error:
                _show_record_refusal(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Complaint %(reference)s is recorded. Give the complainant "
                        "this reference; they are sent the tracking link."
                    )
                    % {"reference": complaint.reference},
                )
                try:
                    complaint_get_for_staff(reference=complaint.reference, user=user)
                except NotFound:
                    return redirect(staff_url("list"))
                return redirect(staff_url("complaint", complaint.reference))
    return render(
        request,
        "complaints/staff/record.html",
        {"form": form, "has_offices": bool(offices)},
        status=400 if form.errors else 200,
    )


def _show_record_refusal(form: RecordForm, error: DomainError) -> None:
    if isinstance(error, PermissionDeniedError):
        form.add_error("office", str(error.message))
        return
    if isinstance(error, InvalidInput) and error.field == "location":
        form.add_error("district", str(error.message))
        return
    if isinstance(error, InvalidInput) and error.field in ("contact", "citizen"):
        form.add_error("phone", str(error.message))
        return
    add_domain_error(form, error)


@staff_required
@require_GET
def subdistrict_options(request: HttpRequest) -> HttpResponse:
    """The subdistricts of the district chosen on the record form (htmx)."""
    field = request.GET.get("district", "")
    return render(
        request,
        "complaints/staff/partials/subdistrict_options.html",
        {"choices": subdistrict_choices(field)},
    )
