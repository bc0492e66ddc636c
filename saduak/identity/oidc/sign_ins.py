"""The sign-ins partners were given (PartnerSignIn): found by the code issued for
one, by the tokens issued from it, or by the person's session at Saduak."""

import hashlib

from django.conf import settings
from django.utils.crypto import salted_hmac

from saduak.identity.models import SignInSession


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
