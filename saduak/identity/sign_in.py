"""Sign-in in two steps: the password (Django's form), then, for people who set one
up, a second factor (an authenticator code, a recovery code or a passkey). Between
the two the session holds a *pending* sign-in, which expires and allows only a few
wrong codes. The session records its assurance level: 1 for a password only (AAL1),
2 with a second factor (AAL2). The pages (sign_in_views.py) only read forms and
render; what a step means for the session is decided here."""

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user
from saduak.identity.middleware import SESSION_ID_KEY
from saduak.identity.models import Passkey
from saduak.identity.second_factor import has_second_factor, second_factor_verify
from saduak.identity.services import (
    sign_in_session_restart,
    sign_in_session_signed_out,
    sign_in_session_start,
)
from saduak.identity.step_up import (
    ASSURANCE_KEY,
    second_factor_age,
    second_factor_passed,
)

PENDING_KEY = "saduak_second_factor_pending"
MAX_SECOND_FACTOR_TRIES = 5


def begin_session(request: HttpRequest, user: User, *, assurance_level: int) -> None:
    """Records the signed-in session (after Django has logged the user in). The
    same person signing in again in the same browser (a partner asked for a fresh
    sign-in) renews the session's record: its `sid` stays, its start is now."""
    record = sign_in_session_restart(
        session_id=request.session.get(SESSION_ID_KEY),
        user=user,
        session_key=request.session.session_key or "",
        assurance_level=assurance_level,
    ) or sign_in_session_start(
        user=user,
        session_key=request.session.session_key or "",
        user_agent=request.headers.get("User-Agent", ""),
        assurance_level=assurance_level,
    )
    request.session[SESSION_ID_KEY] = record.pk
    request.session[ASSURANCE_KEY] = assurance_level


def session_signed_out(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """Receives Django's `user_logged_out` (connected in IdentityConfig.ready), sent
    by every `logout()` before the session is flushed: the signed-in session ends,
    and with it the partners' sign-ins made in it (back-channel logout)."""
    session = getattr(request, "session", None) if request is not None else None
    if session is not None:
        sign_in_session_signed_out(session_id=session.get(SESSION_ID_KEY))


def second_factor_needed(user: User) -> bool:
    """Whether the password alone does not finish this person's sign-in."""
    return has_second_factor(user)


def pending_sign_in_start(request: HttpRequest, user: User, *, next_url: str) -> None:
    """The password was right and a second factor comes next: the person is not
    signed in yet, the session only remembers who and where to go after."""
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": user.backend,  # type: ignore[attr-defined]
        "since": time.time(),
        "tries": 0,
        "next": next_url,
    }


def pending_sign_in(request: HttpRequest) -> dict[str, Any] | None:
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


def pending_user(pending: dict[str, Any]) -> User:
    return User.objects.get(pk=pending["user_id"])


def pending_try_failed(request: HttpRequest, pending: dict[str, Any]) -> None:
    """Counts a wrong second factor against the pending sign-in."""
    pending["tries"] += 1
    request.session[PENDING_KEY] = pending


def sign_in_finish(
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


def pending_second_factor_check(
    request: HttpRequest, pending: dict[str, Any], *, token: str
) -> str | None:
    """The second step of a sign-in with a typed code: where to go when the code is
    right (the person is then signed in), None when it is wrong (counted)."""
    user = pending_user(pending)
    device = second_factor_verify(user=user, token=token)
    if device is None:
        pending_try_failed(request, pending)
        return None
    return sign_in_finish(request, pending, user, device)


def assurance_level(request: HttpRequest) -> int:
    return (
        int(request.session.get(ASSURANCE_KEY, 1))
        if request.user.is_authenticated
        else 0
    )


def safe_next(request: HttpRequest, next_url: str | None) -> str:
    """`next_url` when it stays on this site, else the home page."""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}
    ):
        return next_url
    return "/"


def stepped_up_recently(request: HttpRequest) -> bool:
    """Whether this session passed a second factor within STEP_UP_SECONDS."""
    age = second_factor_age(request)
    return (
        assurance_level(request) >= 2
        and age is not None
        and age <= settings.STEP_UP_SECONDS
    )


def step_up_check(request: HttpRequest, user: User, *, token: str) -> bool:
    """Raises a signed-in session to assurance level 2 when the code is right."""
    device = second_factor_verify(user=user, token=token)
    if device is None:
        return False
    otp_login(request, device)
    second_factor_passed(request)
    return True


def has_passkey(user: User) -> bool:
    return Passkey.objects.filter(user=user).exists()


def passkey_user(request: HttpRequest) -> tuple[User, dict[str, Any] | None] | None:
    """Whose passkey is asked for: the sign-in waiting for its second step, or the
    signed-in person stepping up."""
    pending = pending_sign_in(request)
    if pending is not None:
        return pending_user(pending), pending
    if request.user.is_authenticated:
        return acting_user(request), None
    return None
