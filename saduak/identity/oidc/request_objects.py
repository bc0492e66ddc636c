"""Authorization requests that arrive as a signed request object (JAR, RFC 9101:
the `request` parameter) or by reference to a pushed request (PAR, RFC 9126: the
`request_uri` parameter), turned into the plain parameters django-oauth-toolkit
validates.

`authorization_request_resolve` runs first in the authorization endpoint: it
replaces the query with the request's parameters (keeping `request_uri` or
`request` in it, so the address the person comes back to after signing in still
names the pushed or signed request), or refuses:
- `request_uri` other than one Saduak issued (urn:ietf:params:oauth:request_uri:)
  → request_uri_not_supported; unknown, expired, used, or another client's
  → invalid_request_uri;
- a request object that is not signed by the client's key, or whose claims do not
  hold (iss, aud, client_id, exp) → invalid_request_object;
- a client that must push (require_pushed_authorization_requests or
  OIDC_REQUIRE_PAR) or sign (require_signed_request_object) and did not →
  invalid_request.
The error goes back to the redirect_uri (with state) only when that address is
registered for the client named; otherwise the person sees the error page.

`pushed_request_used` marks the pushed request used when a code is issued from it
(in the code's transaction): one code per pushed request."""

import json
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from oauth2_provider.exceptions import FatalClientError, OAuthToolkitError
from oauthlib.oauth2.rfc6749.errors import CustomOAuth2Error, InvalidRequestError

from saduak.identity.oidc import replay
from saduak.identity.oidc.client_auth import (
    JwtRefused,
    audience_matches,
    issuer_of,
    lifetime_check,
    verified_claims,
)
from saduak.identity.oidc.client_cache import application_with_partner
from saduak.identity.oidc.models import PushedAuthorizationRequest

REQUEST_URI_PREFIX = "urn:ietf:params:oauth:request_uri:"
# Where the authorization endpoint keeps, per client, which pushed or signed
# request the person is answering (the consent form posts plain parameters).
SESSION_KEY = "saduak_oidc_vetted_requests"
PUSHED_ATTRIBUTE = "saduak_pushed_reference"
# The authorization parameters the consent form carries back (and the step-up
# rebuilds the request from). For a pushed or signed request the vetted values
# replace whatever the form posts.
AUTHORIZATION_PARAMETERS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "claims",
    "acr_values",
    "dpop_jkt",
)
# Claims of a request object that are not authorization parameters.
JWT_CLAIMS = frozenset({"iss", "aud", "exp", "iat", "nbf", "jti", "sub"})
MAX_PARAMETER_LENGTH = 4096


class RequestRefused(Exception):
    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


# --- Request objects (JAR) --------------------------------------------------------------
def request_object_parameters(
    token: str, *, application: Any, request: Any, once: bool
) -> dict[str, str]:
    """The authorization parameters of a request object signed by the client
    (RFC 9101 section 6). Only its claims count (section 6.3). `once`: its `jti`
    (then required) may be used a single time (at the PAR endpoint)."""
    client_id = application.client_id
    try:
        claims = verified_claims(token, partner_client=application.partner_client)
        if claims.get("iss") != client_id:
            raise JwtRefused("The request object's iss must be the client_id.")
        if claims.get("client_id") != client_id:
            raise JwtRefused("The request object's client_id must be the client's.")
        if not audience_matches(claims, {issuer_of(request)}):
            raise JwtRefused("The request object's aud must be the issuer.")
        expires_at = lifetime_check(claims)
    except JwtRefused as refused:
        raise RequestRefused("invalid_request_object", str(refused)) from None
    if "request" in claims or "request_uri" in claims:
        raise RequestRefused(
            "invalid_request_object",
            "A request object cannot hold request or request_uri.",
        )
    jti = claims.get("jti")
    if once and (
        not isinstance(jti, str)
        or not replay.jwt_first_use(
            purpose=replay.REQUEST_OBJECT,
            issuer=client_id,
            jti=jti,
            expires_at=expires_at,
        )
    ):
        raise RequestRefused(
            "invalid_request_object", "The request object needs a jti used only once."
        )
    return _as_parameters(claims)


def _as_parameters(claims: dict[str, Any]) -> dict[str, str]:
    parameters: dict[str, str] = {}
    for name, value in claims.items():
        if name in JWT_CLAIMS:
            continue
        if isinstance(value, str):
            parameters[name] = value
        elif isinstance(value, bool):
            raise RequestRefused(
                "invalid_request_object", f"Claim {name} is not a parameter."
            )
        elif isinstance(value, int | float):
            parameters[name] = str(value)
        elif isinstance(value, dict) and name == "claims":
            parameters[name] = json.dumps(value)
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            parameters[name] = " ".join(value)
        else:
            raise RequestRefused(
                "invalid_request_object", f"Claim {name} is not a parameter."
            )
        if len(parameters[name]) > MAX_PARAMETER_LENGTH:
            raise RequestRefused(
                "invalid_request_object", f"Parameter {name} is too long."
            )
    return parameters


# --- Pushed requests (PAR) ---------------------------------------------------------------
def pushed_request_create(
    *, application: Any, parameters: dict[str, str]
) -> tuple[str, int]:
    """Stores a validated pushed request; returns its request_uri and lifetime."""
    seconds = int(settings.OIDC_PAR_SECONDS)
    reference = secrets.token_urlsafe(32)
    PushedAuthorizationRequest.objects.create(
        reference=reference,
        application=application,
        parameters=parameters,
        expires_at=timezone.now() + timedelta(seconds=seconds),
    )
    return REQUEST_URI_PREFIX + reference, seconds


def _pushed_request(request_uri: str, client_id: str) -> PushedAuthorizationRequest:
    if not request_uri.startswith(REQUEST_URI_PREFIX):
        raise RequestRefused(
            "request_uri_not_supported",
            "Only request_uri values from the PAR endpoint are accepted.",
        )
    reference = request_uri[len(REQUEST_URI_PREFIX) :]
    pushed = (
        PushedAuthorizationRequest.objects.select_related("application")
        .filter(reference=reference)
        .first()
        if 0 < len(reference) <= 64
        else None
    )
    if (
        pushed is None
        or pushed.application.client_id != client_id
        or pushed.expires_at <= timezone.now()
        or pushed.used_at is not None
    ):
        raise RequestRefused(
            "invalid_request_uri", "The request_uri is unknown, expired or used."
        )
    return pushed


def pushed_request_used(request: HttpRequest, client_id: str) -> bool:
    """Marks the pushed request the code is issued from as used. False when it
    was used meanwhile (then no code may be issued). True without one."""
    reference = getattr(request, PUSHED_ATTRIBUTE, None)
    vetted = _vetted(request)
    if reference is None:
        reference = (vetted.get(client_id) or {}).get("reference") or None
    if client_id in vetted and hasattr(request, "session"):
        del vetted[client_id]
        request.session[SESSION_KEY] = vetted
    if reference is None:
        return True
    marked = PushedAuthorizationRequest.objects.filter(
        reference=reference, used_at__isnull=True, expires_at__gt=timezone.now()
    ).update(used_at=timezone.now())
    return marked == 1


def expired_purge() -> int:
    """Deletes pushed requests that expired (an hour's margin) and the records
    of one-time JWTs that expired; returns how many rows."""
    margin = timezone.now() - timedelta(hours=1)
    deleted, _ = PushedAuthorizationRequest.objects.filter(
        expires_at__lt=margin
    ).delete()
    return deleted + replay.seen_jwts_purge()


# --- The authorization endpoint's hook ----------------------------------------------------
def _vetted(request: HttpRequest) -> dict[str, dict[str, Any]]:
    """Per client: the pushed request's reference ("" for a signed one) and the
    vetted parameters, of the request this session is answering."""
    session = getattr(request, "session", None)
    if session is None:
        return {}
    value = session.get(SESSION_KEY)
    if not isinstance(value, dict):
        return {}
    return {key: entry for key, entry in value.items() if isinstance(entry, dict)}


def _remember(
    request: HttpRequest, client_id: str, reference: str, parameters: dict[str, str]
) -> None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    vetted = _vetted(request)
    vetted[client_id] = {
        "reference": reference,
        "parameters": {
            name: parameters[name]
            for name in AUTHORIZATION_PARAMETERS
            if name in parameters
        },
    }
    request.session[SESSION_KEY] = vetted


def _must_push(application: Any) -> bool:
    return bool(settings.OIDC_REQUIRE_PAR) or bool(
        getattr(
            application.partner_client, "require_pushed_authorization_requests", False
        )
    )


def _must_sign(application: Any) -> bool:
    return bool(
        getattr(application.partner_client, "require_signed_request_object", False)
    )


def _replace_query(request: HttpRequest, parameters: dict[str, str]) -> None:
    query = QueryDict(mutable=True)
    for name, value in parameters.items():
        query[name] = value
    query._mutable = False
    request.GET = query  # type: ignore[assignment]
    request.META["QUERY_STRING"] = urlencode(parameters)


def authorization_request_resolve(
    request: HttpRequest,
) -> tuple[OAuthToolkitError, Any] | None:
    """Called first by the authorization endpoint. None: go on with request.GET
    (possibly replaced). Otherwise the error to answer and the client (for
    PartnerAuthorizationView.error_response)."""
    source = request.GET if request.method == "GET" else request.POST
    client_id = source.get("client_id", "")
    loaded = application_with_partner(client_id) if client_id else None
    application = loaded[0] if loaded is not None else None
    if application is not None and not hasattr(application, "partner_client"):
        application = None
    try:
        if request.method != "GET":
            _posted_check(request, application, client_id)
            return None
        request_uri = request.GET.get("request_uri")
        request_object = request.GET.get("request")
        if request_uri is not None and request_object is not None:
            raise RequestRefused(
                "invalid_request", "Send either request or request_uri, not both."
            )
        if request_uri is not None:
            if application is None:
                raise RequestRefused("invalid_request_uri", "Unknown client_id.")
            pushed = _pushed_request(request_uri, client_id)
            parameters = {str(k): str(v) for k, v in pushed.parameters.items()}
            parameters["request_uri"] = request_uri
            _replace_query(request, parameters)
            setattr(request, PUSHED_ATTRIBUTE, pushed.reference)
            _remember(request, client_id, pushed.reference, parameters)
            return None
        if application is None:
            return None  # django-oauth-toolkit answers the unknown client
        if request_object is not None:
            if _must_push(application):
                raise RequestRefused(
                    "invalid_request",
                    "This client must push its requests to the PAR endpoint.",
                )
            parameters = request_object_parameters(
                request_object, application=application, request=request, once=False
            )
            parameters["request"] = request_object
            _replace_query(request, parameters)
            _remember(request, client_id, "", parameters)
            return None
        if _must_push(application):
            raise RequestRefused(
                "invalid_request",
                "This client must push its requests to the PAR endpoint.",
            )
        if _must_sign(application):
            raise RequestRefused(
                "invalid_request", "This client must send a signed request object."
            )
    except RequestRefused as refused:
        return _refusal(request, refused, application, source), application
    return None


def _posted_check(request: HttpRequest, application: Any, client_id: str) -> None:
    """The consent form posts plain parameters. When this session opened a
    pushed or signed request of the client, its vetted parameters replace what
    was posted (PAR and JAR are there so a browser cannot change them); a client
    that must push or sign passes only with such a request."""
    if application is None:
        return
    remembered = _vetted(request).get(client_id)
    if remembered is None:
        if _must_push(application) or _must_sign(application):
            raise RequestRefused(
                "invalid_request", "This client must push or sign its requests."
            )
        return
    if _must_push(application) and not remembered.get("reference"):
        raise RequestRefused("invalid_request", "This client must push its requests.")
    posted = request.POST.copy()
    vetted = remembered.get("parameters") or {}
    for name in AUTHORIZATION_PARAMETERS:
        if name in vetted:
            posted[name] = vetted[name]
        else:
            posted.pop(name, None)
    posted._mutable = False
    request.POST = posted  # type: ignore[assignment]


def _refusal(
    request: HttpRequest, refused: RequestRefused, application: Any, source: QueryDict
) -> OAuthToolkitError:
    redirect_uri = source.get("redirect_uri", "")
    trusted = (
        application is not None
        and bool(redirect_uri)
        and redirect_uri_registered(application, redirect_uri)
    )
    if refused.error == "invalid_request":
        error: Any = InvalidRequestError(description=refused.description)
    else:
        error = CustomOAuth2Error(error=refused.error, description=refused.description)
    if trusted:
        error.state = source.get("state")
        error.redirect_uri = redirect_uri
        return OAuthToolkitError(error=error, redirect_uri=redirect_uri)
    return FatalClientError(error=error)


def redirect_uri_registered(application: Any, redirect_uri: str) -> bool:
    return redirect_uri in str(application.redirect_uris or "").split()
