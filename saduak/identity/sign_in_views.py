"""The sign-in pages (`/accounts/login/`, its second step, the step-up and the
passkey calls). They read forms and render; the steps themselves are in
sign_in.py. The URL names stay in the `accounts` namespace (sign_in_urls.py)."""

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from saduak.accounts.forms import SecondFactorForm, SignInForm
from saduak.accounts.permissions import acting_user
from saduak.core.errors import DomainError
from saduak.identity import passkeys
from saduak.identity.passkey_views import passkey_refused
from saduak.identity.second_factor import has_second_factor
from saduak.identity.sign_in import (
    begin_session,
    has_passkey,
    passkey_user,
    pending_second_factor_check,
    pending_sign_in,
    pending_sign_in_start,
    pending_try_failed,
    pending_user,
    safe_next,
    second_factor_needed,
    sign_in_finish,
    step_up_check,
    stepped_up_recently,
)
from saduak.identity.step_up import second_factor_passed


def _wrong_code() -> str:
    return _(
        "That code is not right. Type the 6 digits the app shows now, "
        "or a recovery code."
    )


# `?reauth=1`: the form shows even to a signed-in person, who signs in again (a
# partner asked with prompt=login or max_age; see oidc/views.py).
SIGN_IN_AGAIN = "reauth"


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm

    @property
    def redirect_authenticated_user(self) -> bool:  # type: ignore[override]
        return self.sign_in_again is False

    @property
    def sign_in_again(self) -> bool:
        return self.request.GET.get(SIGN_IN_AGAIN) == "1"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sign_in_again"] = (
            self.sign_in_again and self.request.user.is_authenticated
        )
        return context

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if second_factor_needed(user):
            pending_sign_in_start(self.request, user, next_url=self.get_success_url())
            return redirect("accounts:second-factor")
        response = super().form_valid(form)
        begin_session(self.request, user, assurance_level=1)
        return response


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    pending = pending_sign_in(request)
    if pending is None:
        return redirect("accounts:login")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        next_url = pending_second_factor_check(
            request, pending, token=form.cleaned_data["token"]
        )
        if next_url is not None:
            return redirect(next_url)
        form.add_error("token", _wrong_code())
    return render(
        request,
        "accounts/second_factor.html",
        {"form": form, "has_passkey": has_passkey(pending_user(pending))},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def step_up(request: HttpRequest) -> HttpResponse:
    """Raises a signed-in session to assurance level 2 with the second factor, for a
    service that demands it; then goes on to `next`."""
    user = acting_user(request)
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if stepped_up_recently(request):
        return redirect(next_url)
    if not has_second_factor(user):
        return render(request, "accounts/step_up_needs_factor.html", {"next": next_url})
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if step_up_check(request, user, token=form.cleaned_data["token"]):
            return redirect(next_url)
        form.add_error("token", _wrong_code())
    return render(
        request,
        "accounts/second_factor.html",
        {
            "form": form,
            "next": next_url,
            "step_up": True,
            "has_passkey": has_passkey(user),
        },
        status=400 if request.method == "POST" else 200,
    )


class SignOutView(auth_views.LogoutView):
    pass


@require_POST
def passkey_options(request: HttpRequest) -> HttpResponse:
    found = passkey_user(request)
    if found is None:
        return passkey_refused(request)
    user, _pending = found
    return HttpResponse(
        passkeys.authentication_options(request=request, user=user),
        content_type="application/json",
    )


@require_POST
def passkey_verify(request: HttpRequest) -> HttpResponse:
    found = passkey_user(request)
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
            pending_try_failed(request, pending)
        return passkey_refused(request)
    if pending is not None:
        return JsonResponse({"next": sign_in_finish(request, pending, user)})
    second_factor_passed(request)
    return JsonResponse({"next": safe_next(request, str(body.get("next") or "/"))})
