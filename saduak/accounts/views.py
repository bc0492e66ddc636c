"""Sign-in by personal ID and password, then, for people who set one up, a second
factor. The session records its assurance level: 1 for a password only (AAL1), 2 with
a second factor (AAL2)."""

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from saduak.accounts.forms import SecondFactorForm, SignInForm
from saduak.accounts.models import User
from saduak.identity.middleware import SESSION_ID_KEY
from saduak.identity.second_factor import has_second_factor, second_factor_verify
from saduak.identity.services import sign_in_session_start

ASSURANCE_KEY = "saduak_aal"
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


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    pending: dict[str, Any] = request.session.get(PENDING_KEY) or {}
    expired = (
        not pending
        or time.time() - pending["since"] > settings.SECOND_FACTOR_PENDING_SECONDS
        or pending["tries"] >= MAX_SECOND_FACTOR_TRIES
    )
    if expired:
        request.session.pop(PENDING_KEY, None)
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
            del request.session[PENDING_KEY]
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            begin_session(request, user, assurance_level=2)
            return redirect(pending["next"])
    return render(
        request,
        "accounts/second_factor.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


class SignOutView(auth_views.LogoutView):
    pass
