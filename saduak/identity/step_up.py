"""When a session must show its second factor: once after signing in for staff
(StaffSecondFactorMiddleware), and again before a sensitive action when the
last one is older than STEP_UP_SECONDS (`recent_second_factor_required` for a
page, `ensure_recent_second_factor` for an API function).

A session records the moment it last passed a second factor
(`second_factor_passed`): the second step of signing in, a step-up, or the
enrolment of a first factor. Machine calls with a bearer token (accounts'
ApiToken) are never asked: they have no second factor to give.
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from saduak.accounts.models import ApiToken, User, hash_token
from saduak.core.errors import DomainError
from saduak.core.problems import problem_response
from saduak.identity.second_factor import (
    has_second_factor,
    staff_second_factor_required,
)
from saduak.identity.services import session_assurance_raise

ASSURANCE_KEY = "saduak_aal"
PASSED_AT_KEY = "saduak_second_factor_at"
# Where a staff member sent to enrol goes once a factor is set up.
AFTER_ENROL_KEY = "saduak_after_enrol"
SECOND_FACTOR_REQUIRED = "second-factor-required"
SECOND_FACTOR_ENROL_REQUIRED = "second-factor-enrolment-required"

# What a staff member whose session has not passed a second factor may still
# open: signing in and out and the second step itself; and, for one who has no
# factor yet, enrolling one (not for one who has: that would let a password
# alone replace the owner's factor).
OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:second-factor",
        "accounts:step-up",
        "accounts:passkey-options",
        "accounts:passkey-verify",
        "healthz",
        "healthz-ping",
    }
)
OPEN_FOR_ENROLMENT = frozenset(
    {"identity:security", "identity:passkey-options", "identity:passkey-add"}
)


class SecondFactorRequired(DomainError):
    """The action needs a second factor passed within STEP_UP_SECONDS (or, for
    staff, at all since signing in). `extra` says where to get it."""

    status = 403
    code = SECOND_FACTOR_REQUIRED
    default_message = _(
        "Confirm it is you with your passkey or authenticator app, then try again."
    )


def second_factor_passed(request: HttpRequest) -> None:
    """Records on the session (and its sign-in record) that it passed a second
    factor now: assurance level 2."""
    request.session[ASSURANCE_KEY] = 2
    request.session[PASSED_AT_KEY] = time.time()
    from saduak.identity.middleware import SESSION_ID_KEY

    session_assurance_raise(session_id=request.session.get(SESSION_ID_KEY), level=2)


def second_factor_age(request: HttpRequest) -> float | None:
    """Seconds since the session last passed a second factor, or None."""
    passed_at = request.session.get(PASSED_AT_KEY)
    return None if passed_at is None else time.time() - float(passed_at)


def second_factor_is_recent(request: HttpRequest, user: User) -> bool:
    """Whether a sensitive action may go ahead without asking again. Someone
    with no second factor, whose work does not need one, has nothing to show."""
    if not has_second_factor(user) and not staff_second_factor_required(user):
        return True
    age = second_factor_age(request)
    return age is not None and age <= settings.STEP_UP_SECONDS


def is_machine_call(request: HttpRequest) -> bool:
    """A call carrying a usable bearer token: the API authenticates it by the
    token, whatever session cookie comes with it."""
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    record = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(token.strip()))
        .first()
    )
    return bool(record and record.is_usable() and record.user.is_active)


def _safe_next(request: HttpRequest, url: str) -> str:
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return "/"


def step_up_url(request: HttpRequest, next_url: str | None = None) -> str:
    target = _safe_next(request, next_url or request.get_full_path())
    return reverse("accounts:step-up") + "?" + urlencode({"next": target})


def enrol_url() -> str:
    return reverse("identity:security")


def _redirect_page(request: HttpRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _refusal(request: HttpRequest, *, enrol: bool) -> HttpResponse:
    """The answer to a staff request made before the second factor: a page is
    sent to enrol one (none yet) or to give it; the API answers problem+json."""
    if _is_api(request):
        error = second_factor_required_error(request, enrol=enrol)
        return problem_response(
            request,
            status=error.status,
            code=error.code,
            title=str(error.message),
            extra=error.extra,
        )
    if enrol:
        if request.method == "GET":
            request.session[AFTER_ENROL_KEY] = _safe_next(
                request, request.get_full_path()
            )
        return _redirect_page(request, enrol_url())
    return _redirect_page(request, step_up_url(request))


def second_factor_required_error(
    request: HttpRequest, *, enrol: bool = False
) -> SecondFactorRequired:
    if enrol:
        return SecondFactorRequired(
            _(
                "Your work needs a second factor. Set up a passkey or an "
                "authenticator app first."
            ),
            code=SECOND_FACTOR_ENROL_REQUIRED,
            extra={"enrol_url": enrol_url()},
        )
    return SecondFactorRequired(
        extra={
            "step_up_url": step_up_url(request, request.headers.get("Referer", "/")),
            "max_age_seconds": settings.STEP_UP_SECONDS,
        }
    )


def _open_before_second_factor(request: HttpRequest, *, enrolling: bool) -> bool:
    if request.path_info.startswith((settings.STATIC_URL, "/favicon")):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return True  # a 404 page reveals nothing
    return match.view_name in OPEN_BEFORE_SECOND_FACTOR or (
        enrolling and match.view_name in OPEN_FOR_ENROLMENT
    )


class StaffSecondFactorMiddleware:
    """With STAFF_SECOND_FACTOR_REQUIRED on, a staff member (an active staff role,
    or access to the Django admin) whose session has not passed a second factor
    reaches nothing but signing in, signing out and enrolling a factor: no staff
    page, no API call with the session, no admin. Bearer-token calls are
    machines and pass."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.STAFF_SECOND_FACTOR_REQUIRED and hasattr(request, "session"):
            refusal = self._check(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        if request.session.get(PASSED_AT_KEY) is not None:
            return None
        user = request.user
        if not isinstance(user, User) or not staff_second_factor_required(user):
            return None
        enrolling = not has_second_factor(user)
        if _open_before_second_factor(request, enrolling=enrolling):
            return None
        if is_machine_call(request):
            return None
        return _refusal(request, enrol=enrolling)


def ensure_recent_second_factor(request: HttpRequest) -> None:
    """For an API function before a sensitive action: raises SecondFactorRequired
    (403 problem+json, code "second-factor-required", with `step_up_url` and
    `max_age_seconds`) unless the session passed a second factor within
    STEP_UP_SECONDS. Bearer-token (machine) calls pass."""
    user = request.user
    if not isinstance(user, User) or is_machine_call(request):
        return
    if not second_factor_is_recent(request, user):
        raise second_factor_required_error(request, enrol=not has_second_factor(user))


def step_up_redirect(request: HttpRequest) -> HttpResponse | None:
    """Where to send a page request whose session's second factor is too old
    for a sensitive action (None when it is recent enough): to give it again
    (accounts:step-up), then back here; to enrol one if there is none."""
    user = request.user
    if not isinstance(user, User) or second_factor_is_recent(request, user):
        return None
    if not has_second_factor(user):
        return _refusal(request, enrol=True)
    # After a refused POST, come back to the form, not to the POST address.
    back = None if request.method == "GET" else request.headers.get("Referer")
    return _redirect_page(request, step_up_url(request, back))


def recent_second_factor_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """For a page with a sensitive action: unless the session passed a second
    factor within STEP_UP_SECONDS, the person is sent to give it again and comes
    back to this page (see step_up_redirect). Put it under the view's sign-in
    decorator (login_required or staff_required)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return step_up_redirect(request) or view(request, *args, **kwargs)

    return wrapped
