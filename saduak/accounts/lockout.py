"""Sign-in lockout: at most AXES_FAILURE_LIMIT wrong passwords for one personal
ID within AXES_COOLOFF_TIME, whatever the address or the browser they come
from. django-axes counts the failures and refuses while the count is reached;
this module tells it whose ID a request is about, and gives the pages that ask
a signed-in person for their password again the same counting.

The lockout is by personal ID alone. Counting by address, or by address and
browser, would lock out the citizens who share a district office's or a mobile
carrier's address, and a lock that a new browser name escapes is no lock at
all. While an ID is locked every answer is the same, for a wrong password and
for the right one, so the lock cannot be used to test guesses.
"""

from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.auth import authenticate
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import PasswordChangeView
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.audit.services import audit_record
from saduak.core.counters import CounterUnavailable, count_up
from saduak.core.errors import InvalidInput, ServiceUnavailable
from saduak.core.personal_id import clean_personal_id

# Longest text kept as "the ID" of a failure that is not a valid personal ID.
_RAW_ID_LENGTH = 32


def lockout_username(request: HttpRequest | None, credentials: Any = None) -> str:
    """The personal ID a sign-in attempt is for (AXES_USERNAME_CALLABLE), written
    the one way `clean_personal_id` writes it, so that "1-1000-…", spaces and
    Thai digits count against the same ID."""
    raw = ""
    if credentials:
        raw = credentials.get("username") or credentials.get("personal_id") or ""
    if not raw and request is not None:
        data = getattr(request, "POST", {})
        raw = data.get("username") or data.get("personal_id") or ""
    raw = str(raw)
    try:
        return clean_personal_id(raw)
    except ValidationError:
        return raw.strip()[:_RAW_ID_LENGTH]


def password_recheck(*, request: HttpRequest, user: User, password: str) -> None:
    """Checks the password of a person already signed in who is asked for it again
    (before closing the digital ID, removing a second factor). A wrong password
    counts towards the same lockout as the sign-in page; while the ID is locked
    the right password is refused too, and django-axes's middleware answers the
    lockout page. Raises InvalidInput on `password` otherwise."""
    if authenticate(request, username=user.personal_id, password=password) is None:
        raise InvalidInput(_("The password is not right."), field="password")


class CountedPasswordChangeForm(AdminPasswordChangeForm):
    """Django's change-password form, whose current password is checked through
    `password_recheck`: a wrong one spends one of the ID's guesses, and while the
    ID is locked the right one is refused too. Django's own form calls
    `user.check_password` directly, which no lockout counts: a session left open
    (or taken) could have tried passwords without end."""

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        try:
            password_recheck(
                request=self.request, user=self.user, password=old_password
            )
        except InvalidInput:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            ) from None
        return old_password


class CountedPasswordChangeView(PasswordChangeView):
    form_class = CountedPasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["request"] = self.request
        return kwargs


def admin_password_change(
    request: HttpRequest, extra_context: dict[str, Any] | None = None
) -> HttpResponseBase:
    """admin:password_change (AdminSite.password_change) with the counted form."""
    site = admin.site
    request.current_app = site.name
    return CountedPasswordChangeView.as_view(
        success_url=reverse("admin:password_change_done", current_app=site.name),
        extra_context={**site.each_context(request), **(extra_context or {})},
        **(
            {"template_name": site.password_change_template}
            if site.password_change_template is not None
            else {}
        ),
    )(request)


# How long a person is told to wait when the guesses cannot be counted.
SIGN_IN_PAUSED_RETRY_SECONDS = 60


class SignInPaused(ServiceUnavailable):
    """The guesses of a personal ID cannot be counted (Redis is down), so no
    password is checked: without the count, guessing would be unlimited."""

    code = "sign-in-paused"


def _budget_key(personal_id: str) -> str:
    return f"sign-in-guesses:{personal_id}"


class GuessBudgetBackend(ModelBackend):
    """Django's password check, after spending one of the personal ID's guesses.
    A right password gives the guesses back; once they are spent, every check of
    that ID is refused until the cool-off ends, as a lockout (django-axes's
    middleware answers its lockout page).

    Fails closed: while the guesses cannot be counted (Redis down) every
    sign-in is refused with SignInPaused (503, Retry-After), before the password
    is looked at, and it is not counted as a wrong password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        personal_id = lockout_username(request, {"username": username, **kwargs})
        if password is None or not personal_id:
            return None
        cool_off = int(settings.AXES_COOLOFF_TIME.total_seconds())
        try:
            spent = count_up(_budget_key(personal_id), timeout=cool_off)
        except CounterUnavailable:
            raise SignInPaused(
                _("Sign-in is paused for a moment. Try again in a minute."),
                retry_after=SIGN_IN_PAUSED_RETRY_SECONDS,
            ) from None
        if spent > settings.AXES_FAILURE_LIMIT:
            if request is not None:
                request.axes_locked_out = True  # type: ignore[attr-defined]
            raise PermissionDenied
        user = super().authenticate(request, username, password, **kwargs)
        if user is not None:
            cache.delete(_budget_key(personal_id))
        return user


def lockout_lift(*, personal_id: str, actor: Any) -> None:
    """Ends a personal ID's lockout before its cool-off: django-axes's failures
    and the guess budget both. For the help desk, once the person has shown who
    they are. Audited as `accounts.lockout.lift`."""
    with transaction.atomic():
        axes_reset(username=personal_id)
        user = User.objects.filter(personal_id=personal_id).first()
        audit_record(actor=actor, action="accounts.lockout.lift", target=user)
    cache.delete(_budget_key(personal_id))
