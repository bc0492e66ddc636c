"""Sign-in by personal ID and password, then, for people who set one up, a second
factor. The session records its assurance level: 1 for a password only (AAL1), 2 with
a second factor (AAL2)."""

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from saduak.accounts.forms import SecondFactorForm, SignInForm
from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user
from saduak.core.errors import DomainError
from saduak.identity import passkeys
from saduak.identity.middleware import SESSION_ID_KEY
from saduak.identity.models import Passkey
from saduak.identity.passkey_views import passkey_refused
from saduak.identity.second_factor import has_second_factor, second_factor_verify
from saduak.identity.services import sign_in_session_start
from saduak.identity.step_up import (
    ASSURANCE_KEY,
    second_factor_age,
    second_factor_passed,
)

PENDING_KEY = "saduak_second_factor_pending"
MAX_SECOND_FACTOR_TRIES = 5


def begin_session(request: HttpRequest, user: User, *, assurance_level: int) -> None:
    """Records the signed-in session (after Django has logged the user in)."""
    record = sign_in_session_start(
        user=user,
        session_key=request.session.session_key or "",
        user_agent=request.headers.get("User-Agent", ""),
        assurance_level=assurance_level,
    )
    request.session[SESSION_ID_KEY] = record.pk
    request.session[ASSURANCE_KEY] = assurance_level


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if has_second_factor(user):
            # Not signed in yet: the password was right, the second factor comes next.
            self.request.session[PENDING_KEY] = {
                "user_id": user.pk,
                "backend": user.backend,  # type: ignore[attr-defined]
                "since": time.time(),
                "tries": 0,
                "next": self.get_success_url(),
            }
            return redirect("accounts:second-factor")
        response = super().form_valid(form)
        begin_session(self.request, user, assurance_level=1)
        return response


def _pending_second_factor(request: HttpRequest) -> dict[str, Any] | None:
    """The sign-in waiting for its second factor, if it is still fresh."""
    pending: dict[str, Any] = request.session.get(PENDING_KEY) or {}
    expired = (
        not pending
        or time.time() - pending["since"] > settings.SECOND_FACTOR_PENDING_SECONDS
        or pending["tries"] >= MAX_SECOND_FACTOR_TRIES
    )
    if expired:
        request.session.pop(PENDING_KEY, None)
        return None
    return pending


def _finish_sign_in(
    request: HttpRequest, pending: dict[str, Any], user: User, device: Any = None
) -> str:
    """Signs in at assurance level 2 after a second factor; returns where to go."""
    del request.session[PENDING_KEY]
    auth_login(request, user, backend=pending["backend"])
    if device is not None:
        otp_login(request, device)
    begin_session(request, user, assurance_level=2)
    second_factor_passed(request)
    return str(pending["next"])


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    pending = _pending_second_factor(request)
    if pending is None:
        return redirect("accounts:login")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.get(pk=pending["user_id"])
        device = second_factor_verify(user=user, token=form.cleaned_data["token"])
        if device is None:
            pending["tries"] += 1
            request.session[PENDING_KEY] = pending
            form.add_error(
                "token",
                _(
                    "That code is not right. Type the 6 digits the app shows now, "
                    "or a recovery code."
                ),
            )
        else:
            return redirect(_finish_sign_in(request, pending, user, device))
    user = User.objects.get(pk=pending["user_id"])
    return render(
        request,
        "accounts/second_factor.html",
        {"form": form, "has_passkey": Passkey.objects.filter(user=user).exists()},
        status=400 if request.method == "POST" else 200,
    )


def assurance_level(request: HttpRequest) -> int:
    return (
        int(request.session.get(ASSURANCE_KEY, 1))
        if request.user.is_authenticated
        else 0
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def step_up(request: HttpRequest) -> HttpResponse:
    """Raises a signed-in session to assurance level 2 with the second factor, for a
    service that demands it; then goes on to `next`."""
    user = acting_user(request)
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}
    ):
        next_url = "/"
    age = second_factor_age(request)
    if (
        assurance_level(request) >= 2
        and age is not None
        and age <= settings.STEP_UP_SECONDS
    ):
        return redirect(next_url)
    if not has_second_factor(user):
        return render(request, "accounts/step_up_needs_factor.html", {"next": next_url})
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor_verify(user=user, token=form.cleaned_data["token"])
        if device is None:
            form.add_error(
                "token",
                _(
                    "That code is not right. Type the 6 digits the app shows now, "
                    "or a recovery code."
                ),
            )
        else:
            otp_login(request, device)
            second_factor_passed(request)
            return redirect(next_url)
    return render(
        request,
        "accounts/second_factor.html",
        {
            "form": form,
            "next": next_url,
            "step_up": True,
            "has_passkey": Passkey.objects.filter(user=user).exists(),
        },
        status=400 if request.method == "POST" else 200,
    )


class SignOutView(auth_views.LogoutView):
    pass


def _passkey_user(request: HttpRequest) -> tuple[User, dict[str, Any] | None] | None:
    """Whose passkey is asked for: the sign-in waiting for its second step, or the
    signed-in person stepping up."""
    pending = _pending_second_factor(request)
    if pending is not None:
        return User.objects.get(pk=pending["user_id"]), pending
    if request.user.is_authenticated:
        return acting_user(request), None
    return None


@require_POST
def passkey_options(request: HttpRequest) -> HttpResponse:
    found = _passkey_user(request)
    if found is None:
        return passkey_refused(request)
    user, _pending = found
    return HttpResponse(
        passkeys.authentication_options(request=request, user=user),
        content_type="application/json",
    )


@require_POST
def passkey_verify(request: HttpRequest) -> HttpResponse:
    found = _passkey_user(request)
    if found is None:
        return passkey_refused(request)
    user, pending = found
    try:
        body = passkeys.parse_credential(request.body)
    except DomainError:
        return passkey_refused(request)
    if (
        passkeys.passkey_verify(
            request=request, user=user, credential=body.get("credential") or {}
        )
        is None
    ):
        if pending is not None:
            pending["tries"] += 1
            request.session[PENDING_KEY] = pending
        return passkey_refused(request)
    if pending is not None:
        return JsonResponse({"next": _finish_sign_in(request, pending, user)})
    second_factor_passed(request)
    next_url = str(body.get("next") or "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}
    ):
        next_url = "/"
    return JsonResponse({"next": next_url})
