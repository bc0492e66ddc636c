"""The directive pages (docs/performance-collection.md), mounted at
`staff/performance/directives/` (namespace `performance-directives`): the
directives the viewer issued or follows; writing and changing a draft (the
letter, the deadline, where it goes, its files); the links to the report
form's editor and the letter's PDF; sending with a confirmation of how many
provinces and offices it reaches; the follow-up dashboard (a row per
province for HQ, per district for a province); HQ's decision on a
province's consolidated report; closing; and each issuing office's
letterhead. HQ and provincial staff use the same pages.

Every form is a plain POST; a refused input re-renders the page with its
status and the service's message on the field; a directive outside the
viewer's read reach is 404 (the selectors); an action the viewer's role does
not allow is 403 with the matrix's message (the services)."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from saduak.accounts.matrix import MATRIX, Action, may
from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user, staff_required
from saduak.accounts.units import PROVINCE, Unit, unit_default, unit_get
from saduak.areas.choices import DISTRICT_LEVEL_KINDS, OfficeKind
from saduak.areas.models import Office
from saduak.core.errors import DomainError, NotFound, PermissionDeniedError
from saduak.core.forms import add_domain_error
from saduak.core.pagination import paginate
from saduak.core.uploads.responses import encrypted_file_response
from saduak.core.uploads.store import encrypted_file_open
from saduak.performance.choices import LegStatus, RequestStatus
from saduak.performance.forms_directives import (
    AttachmentForm,
    DirectiveForm,
    LegDecisionForm,
    LetterheadForm,
)
from saduak.performance.models import Directive, RequestAttachment, RequestLeg
from saduak.performance.selectors import collection as collection_selectors
from saduak.performance.selectors import directives as selectors
from saduak.performance.services import collection
from saduak.performance.services import directives as services
from saduak.performance.views.setup_units import link_or_none

NS = "performance-directives"


def _refuse_issue() -> PermissionDeniedError:
    return PermissionDeniedError(MATRIX[Action.DIRECTIVE_ISSUE].refusal)


def _chosen_issuer(user: User, code: str) -> tuple[Office | None, list[Office]]:
    """The issuing office named by `code` among the user's, the only one
    when they have one, else None (the page asks which); 403 for someone
    who issues from no office."""
    offices = selectors.issuer_offices(user)
    if not offices:
        raise _refuse_issue()
    if len(offices) == 1:
        return offices[0], offices
    for office in offices:
        if office.code == code:
            return office, offices
    return None, offices


# --- The list -------------------------------------------------------------------


@staff_required
@never_cache
@require_GET
def directive_list_page(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    page = paginate(request, selectors.directive_list(user=user))
    return render(
        request,
        "performance/directives/list.html",
        {
            "page": page,
            "requests": list(page.object_list),
            "may_issue": bool(selectors.issuer_offices(user)),
        },
    )


# --- Writing and changing --------------------------------------------------------


def _pickable(issuer: Office) -> list[Office] | None:
    """The offices a province ticks (its district-level offices); None for
    HQ, which types codes."""
    if issuer.kind != OfficeKind.PROVINCIAL_OFFICE:
        return None
    return list(
        Office.objects.filter(
            province_id=issuer.province_id,
            kind__in=DISTRICT_LEVEL_KINDS,
            is_active=True,
        ).order_by("district_id", "kind", "code")
    )


def _directive_form(
    issuer: Office, data: Any = None, initial: dict[str, Any] | None = None
) -> DirectiveForm:
    signers = [
        (str(person.pk), f"{person.full_name} – {person.position}".rstrip(" –"))
        for person in selectors.signer_choices(issuer)
    ]
    return DirectiveForm(
        data,
        initial=initial,
        signers=signers,
        pickable=_pickable(issuer),
        province=issuer.kind == OfficeKind.PROVINCIAL_OFFICE,
    )


def _signer(form: DirectiveForm) -> User | None:
    pk = form.signer_pk()
    return User.objects.filter(pk=pk).first() if pk is not None else None


def _fields(form: DirectiveForm) -> dict[str, Any]:
    """The service's keyword arguments from the cleaned form."""
    data = form.cleaned_data
    names = (
        "title_th",
        "title_en",
        "instructions",
        "due_on",
        "closes_on",
        "route",
        "letter_kind",
        "number",
        "letter_date",
        "urgency",
        "confidentiality",
        "addressee",
        "reference",
        "enclosures",
        "body",
        "thai_digits",
    )
    fields = {name: data.get(name) for name in names}
    for name in ("title_en", "instructions", "number", "urgency", "confidentiality"):
        fields[name] = fields[name] or ""
    fields["signer"] = _signer(form)
    fields["offices"] = data.get("offices") or []
    return fields


def _form_page(
    request: HttpRequest,
    *,
    issuer: Office,
    form: DirectiveForm,
    directive: Directive | None = None,
) -> HttpResponse:
    return render(
        request,
        "performance/directives/form.html",
        {
            "issuer": issuer,
            "form": form,
            "directive": directive,
            "letterhead": selectors.letterhead_of(issuer),
        },
        status=400 if form.errors else 200,
    )


@staff_required
@never_cache
def directive_create(request: HttpRequest) -> HttpResponse:
    """A new draft directive of one of the viewer's issuing offices (asked
    first when they issue from more than one)."""
    user = acting_user(request)
    code = str(request.POST.get("issuer") or request.GET.get("issuer") or "")
    issuer, offices = _chosen_issuer(user, code)
    if issuer is None:
        return render(
            request,
            "performance/directives/choose_issuer.html",
            {"offices": offices},
        )
    if request.method != "POST":
        return _form_page(request, issuer=issuer, form=_directive_form(issuer))
    form = _directive_form(issuer, request.POST)
    if form.is_valid():
        try:
            directive = services.directive_create(
                actor=user, issuer=issuer, **_fields(form)
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "The directive is saved as a draft. Build its report form, then"
                    " send it."
                ),
            )
            return redirect(f"{NS}:detail", directive.request.public_id)
    return _form_page(request, issuer=issuer, form=form)


def _initial(directive: Directive) -> dict[str, Any]:
    request = directive.request
    codes = list(
        directive.addressed_offices.order_by("code").values_list("code", flat=True)
    )
    initial: dict[str, Any] = {
        name: getattr(request, name)
        for name in (
            "title_th",
            "title_en",
            "instructions",
            "due_on",
            "closes_on",
            "route",
        )
    }
    initial.update(
        {
            name: getattr(directive, name)
            for name in services.LETTER_FIELDS
            if name != "signer"
        }
    )
    initial["signer"] = str(directive.signer_id or "")
    if request.issuer.kind == OfficeKind.PROVINCIAL_OFFICE:
        initial["picked"] = codes
    else:
        initial["office_codes"] = "\n".join(codes)
    return initial


def _issuable(user: User, public_id: UUID) -> Directive:
    """A directive the viewer reads (404 otherwise) and may act on as its
    issuer (403 otherwise)."""
    directive = selectors.directive_get(user=user, public_id=public_id)
    if not selectors.may_issue(user, directive):
        raise _refuse_issue()
    return directive


@staff_required
@never_cache
def directive_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = acting_user(request)
    directive = _issuable(user, public_id)
    issuer = directive.request.issuer
    if directive.request.status != RequestStatus.DRAFT:
        messages.error(request, _("A directive is changed only before it is sent."))
        return redirect(f"{NS}:detail", public_id)
    if request.method != "POST":
        form = _directive_form(issuer, initial=_initial(directive))
        return _form_page(request, issuer=issuer, form=form, directive=directive)
    form = _directive_form(issuer, request.POST)
    if form.is_valid():
        try:
            services.directive_update(actor=user, directive=directive, **_fields(form))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The directive is saved."))
            return redirect(f"{NS}:detail", public_id)
    return _form_page(request, issuer=issuer, form=form, directive=directive)


# --- One directive -----------------------------------------------------------------


def _detail_page(
    request: HttpRequest,
    user: User,
    directive: Directive,
    *,
    attachment_form: AttachmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    report_request = directive.request
    may_issue = selectors.may_issue(user, directive)
    draft = report_request.status == RequestStatus.DRAFT
    public_id = report_request.public_id
    form_fields = sum(
        len(section.get("fields") or [])
        for section in (report_request.form or {}).get("sections") or []
        if isinstance(section, dict)
    )
    return render(
        request,
        "performance/directives/detail.html",
        {
            "directive": directive,
            "req": report_request,
            "draft": draft,
            "may_issue": may_issue,
            "attachments": list(report_request.attachments.all()),
            "attachment_form": (attachment_form or AttachmentForm())
            if may_issue and draft
            else None,
            "offices": list(directive.addressed_offices.order_by("code")),
            "letterhead": selectors.letterhead_of(report_request.issuer),
            "form_fields": form_fields,
            "form_editor_url": link_or_none(
                "performance-forms:edit", "request", public_id
            )
            if may_issue
            else None,
            "letter_url": link_or_none(
                "performance-collection-files:letter", public_id
            ),
        },
        status=status,
    )


@staff_required
@never_cache
@require_GET
def directive_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = acting_user(request)
    directive = selectors.directive_get(user=user, public_id=public_id)
    return _detail_page(request, user, directive)


@staff_required
@require_POST
def attachment_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = acting_user(request)
    directive = _issuable(user, public_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.directive_attachment_add(
                actor=user,
                directive=directive,
                upload=form.cleaned_data["upload"],
                description=form.cleaned_data.get("description") or "",
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The file is attached."))
            return redirect(f"{NS}:detail", public_id)
    return _detail_page(request, user, directive, attachment_form=form, status=400)


def _attachment(directive: Directive, attachment_id: UUID) -> RequestAttachment:
    attachment = RequestAttachment.objects.filter(
        request=directive.request, public_id=attachment_id
    ).first()
    if attachment is None:
        raise NotFound(_("There is no such file."))
    return attachment


@staff_required
@require_POST
def attachment_remove(
    request: HttpRequest, public_id: UUID, attachment_id: UUID
) -> HttpResponse:
    user = acting_user(request)
    directive = _issuable(user, public_id)
    attachment = _attachment(directive, attachment_id)
    try:
        services.directive_attachment_remove(actor=user, attachment=attachment)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The file is removed."))
    return redirect(f"{NS}:detail", public_id)


@login_required
@never_cache
@require_GET
def attachment_download(
    request: HttpRequest, public_id: UUID, attachment_id: UUID
) -> StreamingHttpResponse:
    """Whoever reads the directive; 404 for anyone else (a citizen included:
    a sign-in or 403 page would tell that the file exists)."""
    user = acting_user(request)
    directive = selectors.directive_get(user=user, public_id=public_id)
    attachment = _attachment(directive, attachment_id)
    return encrypted_file_response(attachment, encrypted_file_open(attachment))


# --- Sending and closing --------------------------------------------------------


def _send_page(
    request: HttpRequest, directive: Directive, error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "performance/directives/send.html",
        {
            "directive": directive,
            "req": directive.request,
            "recipients": selectors.directive_recipients(directive),
            "letterhead": selectors.letterhead_of(directive.request.issuer),
            "error": error,
        },
        status=status,
    )


@staff_required
@never_cache
def directive_send(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """GET: what sending does (how many provinces and offices); POST: sends."""
    user = acting_user(request)
    directive = _issuable(user, public_id)
    if directive.request.status != RequestStatus.DRAFT:
        messages.info(request, _("The directive has been sent."))
        return redirect(f"{NS}:detail", public_id)
    if request.method != "POST":
        return _send_page(request, directive)
    try:
        sent = services.directive_send(actor=user, directive=directive)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        return _send_page(request, directive, str(error.message), error.status)
    messages.success(
        request,
        _("Directive number %(number)s is sent.") % {"number": sent.number},
    )
    return redirect(f"{NS}:dashboard", public_id)


@staff_required
@require_POST
def directive_close(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """No more reports are taken."""
    user = acting_user(request)
    directive = _issuable(user, public_id)
    try:
        collection.request_close(actor=user, request=directive.request)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("The directive is closed: no more reports are taken.")
        )
    return redirect(f"{NS}:dashboard", public_id)


# --- Following up ---------------------------------------------------------------


def _dashboard_unit(user: User, directive: Directive, params: Any) -> Unit:
    """The unit asked for (`level`, `code`), or the directive's own: the
    issuer's province for a province's, else the widest unit the viewer
    reads (the country for HQ, a province for its staff, a district for its
    administrator)."""
    level = str(params.get("level") or "")
    if level:
        return unit_get(viewer=user, level=level, code=str(params.get("code") or ""))
    issuer = directive.request.issuer
    if issuer.province_id:
        try:
            return unit_get(viewer=user, level=PROVINCE, code=issuer.province_id)
        except PermissionDeniedError:
            pass
    return unit_default(user)


@staff_required
@never_cache
@require_GET
def directive_dashboard(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Read, acknowledged, submitted, certified, excused and overdue per
    province (HQ) or district, with the reporting and on-time rates; for
    HQ, each province's consolidated report and its decision."""
    user = acting_user(request)
    directive = selectors.directive_get(user=user, public_id=public_id)
    report_request = directive.request
    unit = _dashboard_unit(user, directive, request.GET)
    progress = collection_selectors.request_progress(request=report_request, unit=unit)
    leg = None
    if unit.level == PROVINCE:
        leg = (
            RequestLeg.objects.filter(request=report_request, province_id=unit.code)
            .select_related("office")
            .first()
        )
    may_decide = may(user, Action.REPORT_ACCEPT) and report_request.province_id is None
    public = report_request.public_id
    return render(
        request,
        "performance/directives/dashboard.html",
        {
            "directive": directive,
            "req": report_request,
            "unit": unit,
            "progress": progress,
            "child_level": unit.child_level,
            "leg": leg,
            "may_issue": selectors.may_issue(user, directive),
            "may_decide": may_decide,
            "decidable": (LegStatus.SUBMITTED,),
            "xlsx_url": link_or_none(
                "performance-collection-files:answers-xlsx", public
            ),
            "consolidated_url": link_or_none(
                "performance-collection-files:consolidated", public
            ),
            "sent": report_request.status == RequestStatus.SENT,
        },
    )


@staff_required
@never_cache
def leg_decide(request: HttpRequest, public_id: UUID, code: str) -> HttpResponse:
    """HQ accepts a province's consolidated report, or returns it with a
    comment (the province may submit again)."""
    user = acting_user(request)
    directive = selectors.directive_get(user=user, public_id=public_id)
    leg = collection_selectors.leg_get(
        user=user, request=directive.request, province_code=code
    )
    form = LegDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            decision = form.cleaned_data["decision"]
            try:
                if decision == LegDecisionForm.ACCEPT:
                    collection.leg_accept(actor=user, leg=leg)
                else:
                    collection.leg_return(
                        actor=user,
                        leg=leg,
                        comment=form.cleaned_data.get("comment") or "",
                    )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(province)s's report is accepted.")
                    % {"province": leg.province.name}
                    if decision == LegDecisionForm.ACCEPT
                    else _("%(province)s's report is returned with your comment.")
                    % {"province": leg.province.name},
                )
                return redirect(f"{NS}:dashboard", public_id)
        status = 400
    public = directive.request.public_id
    consolidated = link_or_none("performance-collection-files:consolidated", public)
    return render(
        request,
        "performance/directives/leg.html",
        {
            "directive": directive,
            "req": directive.request,
            "leg": leg,
            "form": form,
            "may_decide": may(user, Action.REPORT_ACCEPT),
            "consolidated_url": f"{consolidated}?province={leg.province_id}"
            if consolidated
            else None,
        },
        status=status,
    )


# --- Letterhead -------------------------------------------------------------------


@staff_required
@never_cache
def letterhead(request: HttpRequest) -> HttpResponse:
    """The letterhead of one of the viewer's issuing offices."""
    user = acting_user(request)
    code = str(request.POST.get("office") or request.GET.get("office") or "")
    office, offices = _chosen_issuer(user, code)
    if office is None:
        office = offices[0]
    current = selectors.letterhead_of(office)
    initial = (
        {
            name: getattr(current, name)
            for name in (
                "book_code",
                "issuer_name",
                "address",
                "owner_unit",
                "phone",
                "fax",
                "email",
            )
        }
        if current
        else {"issuer_name": office.name}
    )
    form = LetterheadForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.letterhead_save(actor=user, office=office, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The letterhead is saved."))
            return redirect(f"{reverse(f'{NS}:letterhead')}?office={office.code}")
    return render(
        request,
        "performance/directives/letterhead.html",
        {"office": office, "offices": offices, "form": form, "letterhead": current},
        status=400 if form.errors else 200,
    )
