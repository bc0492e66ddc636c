"""RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): what a logout
request names, checked without trusting it to act.

The ID token a partner gives back as `id_token_hint` is checked by its signature
(any published key: one signed before a rotation still works), its issuer and its
audience (a registered client) only, never by looking for the token in the
database: the token of a partner whose tokens already ended (the person signed out
through another partner, or a session ended elsewhere) is still a valid hint, and
the request is answered, not refused. Expired hints are accepted as
OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS says (the default: yes).

A hint never acts by itself. It only spares the question "Sign out of Saduak?"
when it names the person signed in in this browser (its pairwise `sub` for that
partner) and, when it carries `sid`, this very session. Without a session in the
browser nothing is signed out and nothing is revoked: the person is already
signed out, and is sent back to the partner's registered address with `state`."""

import json
from typing import Any

from django.http import HttpRequest
from jwcrypto import jwt
from jwcrypto.common import JWException
from oauth2_provider.exceptions import (
    ClientIdMissmatch,
    InvalidIDTokenError,
    InvalidOIDCClientError,
)
from oauth2_provider.models import AbstractApplication, get_application_model
from oauth2_provider.settings import oauth2_settings

from saduak.accounts.models import User
from saduak.identity.middleware import SESSION_ID_KEY
from saduak.identity.models import SignInSession
from saduak.identity.oidc import selectors, signing
from saduak.identity.oidc.claims import pairwise_subject
from saduak.identity.oidc.sign_ins import session_sid


def id_token_hint_claims(request: HttpRequest, hint: str) -> dict[str, Any]:
    """The claims of an ID token this provider signed, or InvalidIDTokenError."""
    check_claims: dict[str, Any] | None = (
        {} if oauth2_settings.OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS else None
    )
    try:
        token = jwt.JWT(
            jwt=hint,
            key=signing.verification_keys(),
            check_claims=check_claims,
            expected_type="JWS",
        )
        header = json.loads(token.header)
        claims = json.loads(token.claims)
    except (JWException, ValueError, TypeError, KeyError) as error:
        raise InvalidIDTokenError() from error
    issuer = oauth2_settings.oidc_issuer(request)
    is_id_token = (
        isinstance(claims, dict)
        and claims.get("iss") == issuer
        and "events" not in claims  # a logout token is no ID token
        and header.get("typ", "JWT") == "JWT"
        and isinstance(claims.get("sub"), str)
    )
    if not is_id_token:
        raise InvalidIDTokenError()
    return claims


def audience_of(claims: dict[str, Any]) -> list[str]:
    audience = claims.get("aud")
    if isinstance(audience, str):
        return [audience]
    if isinstance(audience, list):
        return [value for value in audience if isinstance(value, str)]
    return []


def logout_request_check(
    request: HttpRequest, *, id_token_hint: str | None, client_id: str | None
) -> tuple[AbstractApplication | None, User | None]:
    """(the requesting client, the signed-in person when the hint is theirs in this
    session, else None). Raises the OIDCError django-oauth-toolkit's view renders:
    an unknown client_id, a hint not signed by us or for another client."""
    applications = get_application_model().objects
    application: AbstractApplication | None = None
    if client_id:
        application = applications.filter(client_id=client_id).first()
        if application is None:
            raise InvalidOIDCClientError()
    if not id_token_hint:
        return application, None
    claims = id_token_hint_claims(request, id_token_hint)
    audience = audience_of(claims)
    if application is not None:
        if application.client_id not in audience:
            raise ClientIdMissmatch()
    else:
        application = applications.filter(client_id__in=audience).first()
        if application is None:
            raise InvalidIDTokenError()
    return application, hint_person(request, application, claims)


def hint_person(
    request: HttpRequest, application: AbstractApplication, claims: dict[str, Any]
) -> User | None:
    """The person signed in in this browser, when the hint names them (and, if it
    carries `sid`, this session); else None (then the person is asked)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    partner = selectors.partner_for_application(application)
    if partner is None or claims.get("sub") != pairwise_subject(
        user=user, partner=partner
    ):
        return None
    sid = claims.get("sid")
    if sid:
        session_id = request.session.get(SESSION_ID_KEY)
        session = (
            SignInSession.objects.filter(pk=session_id, user=user).first()
            if session_id
            else None
        )
        if session is None or session_sid(session) != sid:
            return None
    return user
