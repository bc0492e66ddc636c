"""Enrolment at a registry office (officer's pages and the citizen's phone pages) and
a person's own sign-in sessions."""

from base64 import b32encode
from uuid import UUID

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from saduak.accounts.lockout import password_recheck
from saduak.accounts.matrix import Action, action_reach, may
from saduak.accounts.permissions import acting_user, staff_required
from saduak.accounts.scoping import is_staff_member
from saduak.accounts.services import user_position_set
from saduak.areas.models import Office
from saduak.core.errors import DomainError
from saduak.core.forms import add_domain_error
from saduak.core.pagination import paginate
from saduak.core.thai import current_fiscal_year
from saduak.identity import (
    data_rights,
    passkey_views,
    second_factor,
    selectors,
    services,
)
from saduak.identity.data_access import partner_usage_refresh
from saduak.identity.forms import (
    CardForm,
    ChoosePasswordForm,
    CitizenLookupForm,
    CloseDigitalIdForm,
    PasswordAgainForm,
    PositionForm,
    StaffSecondFactorResetForm,
    TokenForm,
)
from saduak.identity.models import AccessChannel, Passkey
from saduak.identity.services import CardDetails, EnrolmentCodeUnusable
from saduak.identity.step_up import (
    AFTER_ENROL_KEY,
    recent_second_factor_required,
    second_factor_passed,
    step_up_redirect,
)

PENDING_KEY = "saduak_enrolment"


def _registry_offices(request: HttpRequest):  # type: ignore[no-untyped-def]
    reach = action_reach(acting_user(request), Action.ENROLMENT_CODE_ISSUE)
    return Office.objects.filter(
        reach.offices_q(), kind__in=services.REGISTRY_OFFICES, is_active=True
    ).order_by("code")


@staff_required
@recent_second_factor_required
@never_cache
@require_http_methods(["GET", "POST"])
def enrol_start(request: HttpRequest) -> HttpResponse:
    offices = _registry_offices(request)
    form = CardForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        card = CardDetails(
            data["personal_id"],
            data["first_name"],
            data["last_name"],
            data["birth_date"],
            data["card_expiry"],
        )
        try:
            code, raw = services.enrolment_code_issue(
                officer=acting_user(request), office=data["office"], card=card
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            url = request.build_absolute_uri(reverse("identity:enrol", args=[raw]))
            qr = segno.make(url, error="m")
            return render(
                request,
                "identity/enrol_code.html",
                {
                    "code": code,
                    "url": url,
                    "qr_svg": qr.svg_data_uri(scale=6, border=2),
                },
            )
    return render(
        request,
        "identity/enrol_start.html",
        {"form": form, "offices": offices, "card_agent_url": settings.CARD_AGENT_URL},
        status=400 if request.method == "POST" else 200,
    )


def _code_or_gone(request: HttpRequest, raw: str) -> HttpResponse | object:
    try:
        return services.enrolment_code_get(raw)
    except EnrolmentCodeUnusable as error:
        return render(
            request, "identity/enrol_gone.html", {"reason": error.message}, status=410
        )


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, raw: str) -> HttpResponse:
    code = _code_or_gone(request, raw)
    if isinstance(code, HttpResponse):
        return code
    terms = services.current_terms()
    form = ChoosePasswordForm(request.POST or None, code=code)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        # Only the hash of the new password is kept until it is confirmed.
        request.session[PENDING_KEY] = {
            "code": raw,
            "password_hash": make_password(form.cleaned_data["password1"]),
            "terms": terms.pk,
            "personal_id": form.cleaned_data["personal_id"],
        }
        return redirect("identity:enrol-confirm", raw=raw)
    return render(
        request,
        "identity/enrol_password.html",
        {"form": form, "terms": terms, "code": code},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def enrol_confirm(request: HttpRequest, raw: str) -> HttpResponse:
    code = _code_or_gone(request, raw)
    if isinstance(code, HttpResponse):
        return code
    pending = request.session.get(PENDING_KEY)
    if not pending or pending.get("code") != raw:
        return redirect("identity:enrol", raw=raw)
    form = PasswordAgainForm(
        request.POST or None, label=_("Your new password, once more")
    )
    if request.method == "POST" and form.is_valid():
        if not services.password_confirms(
            password=form.cleaned_data["password"],
            password_hash=pending["password_hash"],
        ):
            form.add_error(
                "password",
                _(
                    "This is not the password you chose. Type it again, or go back and "
                    "choose a new one."
                ),
            )
        else:
            try:
                services.enrolment_complete(
                    raw_code=raw,
                    personal_id=pending["personal_id"],
                    password_hash=pending["password_hash"],
                    terms=selectors.terms_get(pending["terms"]),
                )
            except EnrolmentCodeUnusable as error:
                return render(
                    request,
                    "identity/enrol_gone.html",
                    {"reason": error.message},
                    status=410,
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                del request.session[PENDING_KEY]
                return redirect("identity:enrol-done")
    return render(
        request,
        "identity/enrol_confirm.html",
        {"form": form, "code": code},
        status=400 if request.method == "POST" else 200,
    )


def enrol_done(request: HttpRequest) -> HttpResponse:
    return render(request, "identity/enrol_done.html")


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    return render(
        request,
        "identity/session_list.html",
        {
            "sessions": selectors.active_sessions(user=user),
            "current_key": request.session.session_key,
        },
    )


@login_required
@require_POST
def session_end(request: HttpRequest, session_id: UUID) -> HttpResponse:
    user = acting_user(request)
    services.sign_in_session_end(user=user, session_id=session_id, actor=user)
    messages.success(request, _("The session was ended."))
    return redirect("identity:sessions")


@login_required
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    ended = services.sessions_end_all(
        user=user, actor=user, keep_session_key=request.session.session_key
    )
    messages.success(
        request, _("%(count)d other sessions were ended.") % {"count": ended}
    )
    return redirect("identity:sessions")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    """The person's second factor: set up an authenticator app (scan, confirm with a
    code, keep the recovery codes), or remove it with the password."""
    user = acting_user(request)
    enabled = second_factor.has_second_factor(user)
    context: dict[str, object] = {
        "enabled": enabled,
        # Staff sent here to set up a factor before anything else.
        "must_enrol": not enabled and second_factor.staff_second_factor_required(user),
        "after_enrol": request.session.get(AFTER_ENROL_KEY) or "",
        "passkeys": Passkey.objects.filter(user=user).order_by("created_at"),
        # New recovery codes from adding a first passkey, shown this once.
        "recovery_codes": request.session.pop(passkey_views.RECOVERY_CODES_KEY, None),
    }
    action = request.POST.get("action")
    # Adding or removing a factor beside an existing one is a key change: the
    # second factor again if the last one is old. A first factor is not asked.
    if action and enabled and (answer := step_up_redirect(request)):
        return answer
    if action == "start":
        device = second_factor.totp_setup_start(user=user)
        context["setup_qr"] = segno.make(device.config_url, error="m").svg_data_uri(
            scale=5
        )
        context["setup_secret"] = b32encode(device.bin_key).decode()
        context["confirm_form"] = TokenForm()
    elif action == "confirm":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                context["recovery_codes"] = second_factor.totp_setup_confirm(
                    user=user, token=form.cleaned_data["token"]
                )
                context["enabled"] = True
                context["must_enrol"] = False
                # The code just given from the new app is a second factor.
                second_factor_passed(request)
            except DomainError as error:
                add_domain_error(form, error)
        if form.errors:
            context["confirm_form"] = form
            context["setup_retry"] = True
    elif action == "disable":
        password_form = PasswordAgainForm(request.POST)
        if password_form.is_valid():
            try:
                password_recheck(
                    request=request,
                    user=user,
                    password=password_form.cleaned_data["password"],
                )
                second_factor.second_factor_disable(user=user)
            except DomainError as error:
                add_domain_error(password_form, error)
            else:
                messages.success(request, _("The second factor was removed."))
                return redirect("identity:security")
        context["disable_form"] = password_form
    context.setdefault("disable_form", PasswordAgainForm())
    failed = any(
        getattr(context.get(k), "errors", None)
        for k in ("confirm_form", "disable_form")
    )
    return render(
        request, "identity/security.html", context, status=400 if failed else 200
    )


@login_required
def data_use(request: HttpRequest) -> HttpResponse:
    """Who used my data: every partner sign-in, data release, identity check and
    staff view, newest first."""
    accesses = paginate(
        request, selectors.data_accesses_for(citizen=acting_user(request))
    )
    return render(request, "identity/data_use.html", {"accesses": accesses})


def _acting_offices(request: HttpRequest):  # type: ignore[no-untyped-def]
    reach = action_reach(acting_user(request), Action.CITIZEN_RECORD_VIEW)
    offices = Office.objects.filter(
        reach.offices_q(), is_active=True, district__isnull=False
    )
    return offices.none() if reach.everything else offices.order_by("code")


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def citizen_lookup(request: HttpRequest) -> HttpResponse:
    offices = _acting_offices(request)
    form = CitizenLookupForm(request.POST or None, offices=offices)
    citizen = None
    if request.method == "POST" and form.is_valid():
        try:
            citizen = services.citizen_record_view(
                officer=acting_user(request),
                office=form.cleaned_data["office"],
                personal_id=form.cleaned_data["personal_id"],
            )
        except DomainError as error:
            add_domain_error(form, error)
    return render(
        request,
        "identity/citizen_lookup.html",
        {"form": form, "citizen": citizen, "offices": offices},
        status=400 if form.errors else 200,
    )


@staff_required
def partner_usage(request: HttpRequest) -> HttpResponse:
    fiscal_year = current_fiscal_year()
    rows = selectors.partner_usage(
        viewer=acting_user(request), start=fiscal_year.start, end=timezone.localdate()
    )
    return render(
        request,
        "identity/partner_usage.html",
        {
            "rows": rows,
            "fiscal_year": fiscal_year,
            "channels": AccessChannel.choices,
            "counted_at": partner_usage_refresh(),
        },
    )


def _account_page(
    request: HttpRequest, position_form: PositionForm | None = None, status: int = 200
) -> HttpResponse:
    user = acting_user(request)
    staff = is_staff_member(user)
    if staff and position_form is None:
        position_form = PositionForm(initial={"position": user.position})
    back = str(request.GET.get("next") or request.POST.get("next") or "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=False
    ):
        back = ""
    return render(
        request,
        "identity/account_home.html",
        {"position_form": position_form if staff else None, "next": back},
        status=status,
    )


@login_required
def account_home(request: HttpRequest) -> HttpResponse:
    """The person's account; staff also set their official position here."""
    return _account_page(request)


@staff_required
@require_POST
def position_save(request: HttpRequest) -> HttpResponse:
    """A staff member sets their own position (`user_position_set`)."""
    form = PositionForm(request.POST)
    if form.is_valid():
        try:
            user_position_set(
                actor=acting_user(request), position=form.cleaned_data["position"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Your position is saved."))
            target = str(request.POST.get("next") or "")
            if target and url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=False
            ):
                return redirect(target)
            return redirect(reverse("identity:account") + "#position")
    return _account_page(request, form, status=400)


@login_required
def data_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """A copy of everything held about the signed-in person, as JSON or PDF."""
    user = acting_user(request)
    stamp = timezone.localdate().isoformat()
    if file_format == "pdf":
        from django.utils.translation import get_language

        body = data_rights.personal_data_pdf(user=user, language=get_language() or "th")
        response = HttpResponse(body, content_type="application/pdf")
    else:
        response = JsonResponse(
            data_rights.personal_data_export(user=user),
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
    response["Content-Disposition"] = (
        f'attachment; filename="saduak-my-data-{stamp}.{file_format}"'
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def close_digital_id(request: HttpRequest) -> HttpResponse:
    form = CloseDigitalIdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_recheck(
                request=request,
                user=acting_user(request),
                password=form.cleaned_data["password"],
            )
            data_rights.digital_id_close(user=acting_user(request))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            logout(request)
            return render(request, "identity/closed.html")
    return render(
        request,
        "identity/close.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@staff_required
@recent_second_factor_required
@never_cache
@require_http_methods(["GET", "POST"])
def staff_second_factor_reset(request: HttpRequest) -> HttpResponse:
    """HQ resets a staff member's second factors (a lost phone or key); they
    enrol a new one at their next sign-in."""
    user = acting_user(request)
    if not may(user, Action.STAFF_SECOND_FACTOR_RESET):
        raise PermissionDenied(_("Only HQ administrators reset a second factor."))
    form = StaffSecondFactorResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = second_factor.staff_second_factor_reset(
                actor=user, personal_id=form.cleaned_data["personal_id"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "The second factors of %(name)s are removed and their sessions "
                    "ended. They set up a new one at their next sign-in."
                )
                % {"name": member.get_full_name() or member.masked_personal_id},
            )
            return redirect("identity:second-factor-reset")
    return render(
        request,
        "identity/second_factor_reset.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
