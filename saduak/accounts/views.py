from django.contrib.auth import views as auth_views
from django.http import HttpResponse

from saduak.accounts.forms import SignInForm
from saduak.identity.middleware import SESSION_ID_KEY
from saduak.identity.services import sign_in_session_start

# Session assurance level: 1 = password only (AAL1), 2 = with a second factor.
ASSURANCE_KEY = "saduak_aal"


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        session = self.request.session
        record = sign_in_session_start(
            user=form.get_user(),
            session_key=session.session_key or "",
            user_agent=self.request.headers.get("User-Agent", ""),
            assurance_level=1,
        )
        session[SESSION_ID_KEY] = record.pk
        session[ASSURANCE_KEY] = 1
        return response


class SignOutView(auth_views.LogoutView):
    pass
