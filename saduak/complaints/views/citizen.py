"""The citizen's complaint pages (docs/complaints.md): what the Damrongdham
center does, filing a complaint, the page that gives the reference and the
tracking link, the tracking page (by its secret link, or signed in by the
reference) with the complainant's actions, and "my complaints"."""

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from saduak.accounts.models import User
from saduak.areas.models import District, Subdistrict
from saduak.complaints.choices import OPEN_STATUSES, Channel, ComplaintStatus, Outcome
from saduak.complaints.forms_citizen import (
    QUESTION_PREFIX,
    ComplaintForm,
    RateForm,
    ReopenForm,
    TrackForm,
    WithdrawForm,
    area_rows,
)
from saduak.complaints.models import Complaint
from saduak.complaints.selectors.complaints import (
    complaint_get_by_tracking,
    complaint_timeline,
    complaints_of_citizen,
)
from saduak.complaints.services import complainant
from saduak.complaints.services.documents import MAX_FILES
from saduak.complaints.services.intake import Contact, Where, complaint_file
from saduak.complaints.views.documents import complaint_document_url
from saduak.core.errors import DomainError, InvalidInput, NotFound
from saduak.core.forms import add_domain_error
from saduak.core.links import absolute_url
from saduak.core.references import normalise_reference

MAX_LISTED = 200
# How long after closing a complaint may be reopened (docs/complaints.md).
REOPEN_DAYS = 30
# The outcomes that end a complaint for good: no rating, no reopening.
FINAL_OUTCOMES = frozenset({Outcome.WITHDRAWN, Outcome.DUPLICATE})
_TRACKING_IN_LINK = re.compile(r"/complaints/t/(?P<token>[A-Za-z0-9_-]{16,64})/?")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _signed_in(request: HttpRequest) -> User | None:
    user = request.user
    return user if user.is_authenticated else None  # type: ignore[return-value]


# --- the landing page -------------------------------------------------------------


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    return render(
        request,
        "complaints/citizen/landing.html",
        {
            "track_form": TrackForm(),
            "mine": list(complaints_of_citizen(user=user)[:5]) if user else [],
            "line_link": f"https://liff.line.me/{settings.COMPLAINTS_LIFF_ID}"
            if settings.COMPLAINTS_LIFF_ID
            else "",
        },
    )


@require_GET
@never_cache
def find(request: HttpRequest) -> HttpResponse:
    """ "Track a complaint": a tracking link or its code opens the tracking
    page; a reference opens the signed-in owner's page."""
    form = TrackForm(request.GET)
    if form.is_valid():
        typed = form.cleaned_data["q"].strip()
        found = _TRACKING_IN_LINK.search(typed)
        token = found["token"] if found else (typed if _TOKEN.match(typed) else "")
        if token:
            try:
                complaint_get_by_tracking(token=token)
            except NotFound:
                form.add_error(
                    "q",
                    _(
                        "This tracking link is not one of ours. Copy the whole "
                        "link from the SMS or LINE message we sent you."
                    ),
                )
            else:
                return redirect("complaints:track", token=token)
        else:
            user = _signed_in(request)
            reference = normalise_reference(typed)
            if user is None:
                form.add_error(
                    "q",
                    _(
                        "A reference alone is enough only when you are signed in. "
                        "Sign in, or paste the tracking link we sent you."
                    ),
                )
            elif complaints_of_citizen(user=user).filter(reference=reference).exists():
                return redirect("complaints:detail", reference=reference)
            else:
                form.add_error(
                    "q",
                    _("You have no complaint with the reference %(reference)s.")
                    % {"reference": reference},
                )
    user = _signed_in(request)
    return render(
        request,
        "complaints/citizen/landing.html",
        {
            "track_form": form,
            "mine": list(complaints_of_citizen(user=user)[:5]) if user else [],
            "line_link": "",
        },
        status=400,
    )


# --- filing -----------------------------------------------------------------------


def filing_context(form: ComplaintForm) -> dict[str, Any]:
    """The area pickers' lists for what the form has chosen so far."""
    data = form.data if form.is_bound else {}
    province = str(data.get("province") or "")[:2]
    district = str(data.get("district") or "")[:4]
    provinces, districts, subdistricts = area_rows(province, district)
    return {
        "form": form,
        "provinces": provinces,
        "districts": districts,
        "subdistricts": subdistricts,
        "max_files": MAX_FILES,
    }


def where_of(form: ComplaintForm) -> Where:
    data = form.cleaned_data
    return Where(
        district=data["district"],
        subdistrict=data["subdistrict"],
        latitude=data["latitude"],
        longitude=data["longitude"],
        address=data["address"].strip(),
    )


def file_from_form(
    form: ComplaintForm,
    *,
    citizen: User | None,
    channel: Channel,
    contact: Contact,
) -> Complaint | None:
    """Files what the form holds; None with the service's refusal on the
    form."""
    data = form.cleaned_data
    try:
        return complaint_file(
            citizen=citizen,
            category=data["category"],
            description=data["description"],
            where=where_of(form),
            happened_on=data["happened_on"],
            contact=contact,
            show_name=data["show_name"],
            channel=channel,
            attribute_answers=form.attribute_answers(),
            uploads=form.uploads(),
            language=(get_language() or "th")[:2],
        )
    except DomainError as error:
        if isinstance(error, InvalidInput):
            error.field = form_field_of(error.field)
        add_domain_error(form, error)
        return None


# The names the filing service gives the input it refuses, and the form's.
SERVICE_FIELDS = {
    "name": "contact_name",
    "phone": "contact_phone",
    "email": "contact_email",
    "uploads": "documents",
    "latitude": "latitude",
    "longitude": "longitude",
}
_ATTRIBUTE_FIELD = re.compile(r"^attribute\[(?P<code>[a-z0-9_-]+)\]$")


def form_field_of(service_field: str | None) -> str | None:
    """The form field a refusal of the filing service is about."""
    if not service_field:
        return None
    found = _ATTRIBUTE_FIELD.match(service_field)
    if found:
        return QUESTION_PREFIX + found["code"]
    return SERVICE_FIELDS.get(service_field, service_field)


@never_cache
@require_http_methods(["GET", "POST"])
def file_complaint(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    posted = request.method == "POST"
    form = ComplaintForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        contact="user" if user else "phone",
        category_code=request.GET.get("category", ""),
    )
    # Without JavaScript, "show the districts" and "show the questions" post the
    # form back to fill in the lists; nothing is filed.
    refreshing = "refresh" in request.POST
    if posted and not refreshing and form.is_valid():
        data = form.cleaned_data
        contact = (
            Contact()
            if user
            else Contact(
                name=data["contact_name"].strip(),
                phone=data["contact_phone"],
                email=data["contact_email"],
            )
        )
        complaint = file_from_form(
            form, citizen=user, channel=Channel.WEB, contact=contact
        )
        if complaint is not None:
            return redirect("complaints:filed", token=complaint.tracking_token)
    if refreshing:
        form.errors.clear()
    return render(
        request,
        "complaints/citizen/file.html",
        {**filing_context(form), "form_action": reverse("complaints:file")},
        status=400 if posted and form.errors else 200,
    )


@require_GET
def questions(request: HttpRequest) -> HttpResponse:
    """The chosen category's questions, for the form (htmx)."""
    form = ComplaintForm(contact="user", category_code=request.GET.get("category", ""))
    return render(request, "complaints/citizen/partials/questions.html", {"form": form})


@require_GET
def area_options(request: HttpRequest) -> HttpResponse:
    """<option>s of a province's districts or a district's subdistricts, for
    the form's pickers (htmx)."""
    rows: Any
    if "district" in request.GET:
        rows = Subdistrict.objects.filter(
            district_id=request.GET["district"][:4], is_active=True
        )
    else:
        rows = District.objects.filter(
            province_id=request.GET.get("province", "")[:2], is_active=True
        )
    return render(
        request,
        "complaints/citizen/partials/area_options.html",
        {"rows": rows.order_by("name_th")},
    )


@never_cache
@require_GET
def filed(request: HttpRequest, token: str) -> HttpResponse:
    complaint = complaint_get_by_tracking(token=token)
    return render(
        request,
        "complaints/citizen/filed.html",
        {
            "complaint": complaint,
            "tracking_link": tracking_link(complaint),
            "by_line": complaint.channel == Channel.LINE,
            "by_sms": bool(complaint.contact_phone),
            "by_email": bool(complaint.contact_email),
        },
    )


def tracking_link(complaint: Complaint) -> str:
    return absolute_url(reverse("complaints:track", args=[complaint.tracking_token]))


# --- following it -----------------------------------------------------------------


def _own(user: User, reference: str) -> Complaint:
    reference = normalise_reference(reference)
    complaint = (
        complaints_of_citizen(user=user).filter(reference=reference).first()
        if reference
        else None
    )
    if complaint is None:
        raise NotFound(
            _("You have no complaint with the reference %(reference)s.")
            % {"reference": reference or "-"}
        )
    return complaint


def _may(complaint: Complaint) -> dict[str, bool]:
    """Which of the complainant's actions the page offers (the services decide;
    a refused action says why)."""
    closed = complaint.status == ComplaintStatus.CLOSED
    final = complaint.outcome in FINAL_OUTCOMES or complaint.merged_into_id is not None
    recent = bool(
        complaint.closed_at
        and (timezone.now() - complaint.closed_at).days < REOPEN_DAYS
    )
    return {
        "withdraw": complaint.status in OPEN_STATUSES,
        "confirm": complaint.status == ComplaintStatus.RESOLVED,
        "rate": closed and not final and complaint.rating is None,
        "reopen": closed and not final and recent,
    }


def _complaint_page(
    request: HttpRequest,
    complaint: Complaint,
    *,
    action_url: Callable[[str], str],
    forms_given: dict[str, Any] | None = None,
    tracking_token: str = "",
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    forms_given = forms_given or {}
    attachments = [
        {
            "name": attachment.original_name,
            "size": attachment.size,
            "url": complaint_document_url(attachment, tracking_token=tracking_token),
        }
        for attachment in complaint.attachments.all()
        if attachment.is_public
    ]
    return render(
        request,
        "complaints/citizen/complaint.html",
        {
            "complaint": complaint,
            "timeline": complaint_timeline(complaint=complaint, public_only=True)[::-1],
            "attachments": attachments,
            "may": _may(complaint),
            "rate_form": forms_given.get("rate") or RateForm(),
            "reopen_form": forms_given.get("reopen") or ReopenForm(),
            "withdraw_form": forms_given.get("withdraw") or WithdrawForm(),
            "action_url": {
                name: action_url(name)
                for name in ("rate", "reopen", "confirm", "withdraw")
            },
            "refusal": refusal,
            "reopen_days": REOPEN_DAYS,
        },
        status=status,
    )


ACTION_FORMS: dict[str, type[Any] | None] = {
    "rate": RateForm,
    "reopen": ReopenForm,
    "withdraw": WithdrawForm,
    "confirm": None,
}
ACTION_DONE = {
    "rate": gettext_lazy("Thank you for your rating."),
    "reopen": gettext_lazy(
        "Your complaint is open again. The office will look at it anew."
    ),
    "withdraw": gettext_lazy("Your complaint is withdrawn."),
    "confirm": gettext_lazy("Thank you. Your complaint is closed as resolved."),
}


def _act(
    request: HttpRequest,
    complaint: Complaint,
    action: str,
    *,
    citizen: User | None,
    tracking_token: str,
    action_url: Callable[[str], str],
    done_url: str,
) -> HttpResponse:
    if action not in ACTION_FORMS:
        raise NotFound(_("There is no such action on a complaint."))
    form_class = ACTION_FORMS[action]
    form = form_class(request.POST) if form_class is not None else None
    if form is not None and not form.is_valid():
        return _complaint_page(
            request,
            complaint,
            action_url=action_url,
            forms_given={action: form},
            tracking_token=tracking_token,
            refusal=" ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
        )
    data = form.cleaned_data if form is not None else {}
    who: dict[str, Any] = {
        "complaint": complaint,
        "citizen": citizen,
        "tracking_token": tracking_token,
    }
    try:
        if action == "rate":
            complainant.complaint_rate(
                **who, stars=data["stars"], comment=data["comment"].strip()
            )
        elif action == "reopen":
            complainant.complaint_reopen(**who, reason=data["reason"].strip())
        elif action == "withdraw":
            complainant.complaint_withdraw(**who, reason=data["reason"].strip())
        else:
            complainant.complaint_confirm_resolved(**who)
    except DomainError as error:
        if isinstance(error, NotFound):
            raise
        return _complaint_page(
            request,
            complaint,
            action_url=action_url,
            forms_given={action: form} if form is not None else None,
            tracking_token=tracking_token,
            refusal=str(error.message),
            status=error.status,
        )
    messages.success(request, str(ACTION_DONE[action]))
    return redirect(done_url)


@never_cache
@require_GET
def track(request: HttpRequest, token: str) -> HttpResponse:
    """The tracking link: whoever holds it follows the complaint and acts as
    its complainant (it was given only to them)."""
    complaint = complaint_get_by_tracking(token=token)
    return _complaint_page(
        request,
        complaint,
        action_url=lambda name: reverse("complaints:track-act", args=[token, name]),
        tracking_token=token,
    )


@require_POST
def track_act(request: HttpRequest, token: str, action: str) -> HttpResponse:
    complaint = complaint_get_by_tracking(token=token)
    return _act(
        request,
        complaint,
        action,
        citizen=None,
        tracking_token=token,
        action_url=lambda name: reverse("complaints:track-act", args=[token, name]),
        done_url=reverse("complaints:track", args=[token]),
    )


@login_required
@never_cache
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    rows = list(
        complaints_of_citizen(user=user).select_related("category", "office")[
            :MAX_LISTED
        ]
    )
    return render(
        request,
        "complaints/citizen/mine.html",
        {
            "open": [row for row in rows if row.status != ComplaintStatus.CLOSED],
            "closed": [row for row in rows if row.status == ComplaintStatus.CLOSED],
        },
    )


@login_required
@never_cache
@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    complaint = _own(user, reference)
    return _complaint_page(
        request,
        complaint,
        action_url=lambda name: reverse(
            "complaints:act", args=[complaint.reference, name]
        ),
    )


@login_required
@require_POST
def act(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    complaint = _own(user, reference)
    return _act(
        request,
        complaint,
        action,
        citizen=user,
        tracking_token="",
        action_url=lambda name: reverse(
            "complaints:act", args=[complaint.reference, name]
        ),
        done_url=reverse("complaints:detail", args=[complaint.reference]),
    )
