"""The sign-ins partners were given (PartnerSignIn): found by the code issued for
one, by the tokens issued from it, or by the person's session at Saduak."""

import hashlib
import time
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.crypto import salted_hmac

from saduak.accounts.models import User
from saduak.identity.models import SignInSession
from saduak.identity.oidc.models import PartnerSignIn


def code_digest(code: str) -> str:
    """What is kept of an authorization code (PartnerSignIn.code_hash)."""
    return hashlib.sha256(code.encode()).hexdigest()


def session_sid(session: SignInSession) -> str:
    """The `sid` claim of a person's session at Saduak (OIDC Front- and
    Back-Channel Logout): the same for every partner used in that session, and not
    the session's own id, which appears in the person's addresses."""
    return salted_hmac(
        "saduak.oidc.sid",
        str(session.public_id),
        secret=settings.OIDC_PAIRWISE_SECRET,
        algorithm="sha256",
    ).hexdigest()[:32]


# --- A fresh sign-in demanded by the partner (prompt=login, max_age) ------------------
# The authorization request carries this parameter back from the sign-in page: a
# signed time at which Saduak sent the person to sign in again. Only a session that
# started after it satisfies prompt=login, so the request does not loop, and it
# survives pushed requests (the partner's own parameters are never edited).
SIGNED_IN_MARKER = "saduak_signed_in"
MARKER_SALT = "saduak.oidc.sign-in-demanded"
# A marker older than this is ignored (the person is sent to sign in again).
MARKER_SECONDS = 15 * 60


def sign_in_marker_new() -> str:
    return signing.dumps(time.time(), salt=MARKER_SALT, compress=False)


def sign_in_demanded_at(marker: str | None) -> datetime | None:
    """When Saduak demanded the sign-in that `marker` stands for, if the marker is
    genuine and recent."""
    if not marker:
        return None
    try:
        demanded = signing.loads(marker, salt=MARKER_SALT, max_age=MARKER_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(demanded, int | float):
        return None
    return datetime.fromtimestamp(demanded, tz=UTC)


def session_of(session_id: Any) -> SignInSession | None:
    """The person's signed-in session (request.session[SESSION_ID_KEY])."""
    if not session_id:
        return None
    return SignInSession.objects.filter(pk=session_id, ended_at__isnull=True).first()


# --- Partner sign-ins -------------------------------------------------------------------
def partner_sign_in_create(
    *,
    application: Any,
    user: User,
    session: SignInSession | None,
    assurance_level: int,
    code: str,
    dpop_jkt: str = "",
) -> PartnerSignIn:
    """The sign-in a code is issued for. `auth_time` is when the person signed in
    at Saduak (the session's start), not when the partner asked."""
    auth_time = session.started_at if session is not None else None
    if auth_time is None:
        auth_time = user.last_login or timezone.now()
    return PartnerSignIn.objects.create(
        application=application,
        user=user,
        session=session,
        assurance_level=assurance_level,
        auth_time=auth_time,
        code_hash=code_digest(code),
        dpop_jkt=dpop_jkt or "",
    )


def sign_in_of_code(code: str, *, application: Any) -> PartnerSignIn | None:
    """The sign-in `code` was issued for to `application`, with its session (the
    ID token's `sid`)."""
    return (
        PartnerSignIn.objects.select_related("session")
        .filter(code_hash=code_digest(code), application=application)
        .first()
    )
