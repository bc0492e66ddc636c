"""private_key_jwt client authentication (RFC 7523 section 2.2, OpenID Connect Core
section 9) at the token, PAR, revocation and introspection endpoints.

The client sends `client_assertion_type` =
urn:ietf:params:oauth:client-assertion-type:jwt-bearer and `client_assertion`, a
JWT it signed with one of its registered keys ("use": "sig"; RS256, PS256 or
ES256). Saduak checks with jwcrypto: the signature, iss = sub = the client's id,
`aud` naming the issuer, the token endpoint or the endpoint called, `exp` in the
future but at most OIDC_JWT_MAX_LIFETIME_SECONDS ahead (OIDC_JWT_CLOCK_SKEW_SECONDS
tolerated), `nbf`/`iat` not in the future, and a `jti` never seen before
(replay.jwt_first_use). A client registered for private_key_jwt cannot use a
secret, and a client with a secret cannot use an assertion."""

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from jwcrypto import jws
from jwcrypto.common import JWException
from oauth2_provider.settings import oauth2_settings

from saduak.identity.models import ClientAuthMethod
from saduak.identity.oidc import replay
from saduak.identity.oidc.client_key_source import client_keys

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# Asymmetric only: never "none" nor a secret-keyed HS* algorithm.
SIGNING_ALGORITHMS = ("RS256", "PS256", "ES256")
SECRET_METHODS = frozenset(
    {ClientAuthMethod.CLIENT_SECRET_BASIC, ClientAuthMethod.CLIENT_SECRET_POST}
)
MAX_JWT_LENGTH = 8192
# What marks a signed request object (RFC 9101): its media type, and the
# authorization parameters it carries.
REQUEST_OBJECT_TYPE = "oauth-authz-req+jwt"
REQUEST_OBJECT_CLAIMS = frozenset({"response_type", "redirect_uri", "scope"})


class JwtRefused(Exception):
    """A client assertion or request object that is not accepted; the message is
    for the partner's developers (plain English)."""


def auth_method(application: Any) -> str:
    """The client's registered token_endpoint_auth_method ("" without a
    PartnerClient row)."""
    try:
        return str(application.partner_client.token_endpoint_auth_method)
    except (ObjectDoesNotExist, AttributeError):
        return ""


def unverified_claims(token: str) -> dict[str, Any]:
    """The payload of a compact JWS, before its signature is checked: only to
    know whose keys to check it with."""
    if (
        not isinstance(token, str)
        or len(token) > MAX_JWT_LENGTH
        or token.count(".") != 2
    ):
        raise JwtRefused("Not a signed JWT (JWS compact serialization).")
    try:
        parsed = jws.JWS()
        parsed.deserialize(token)
        claims = json.loads(parsed.objects["payload"])
    except (JWException, ValueError, KeyError, TypeError):
        raise JwtRefused("The JWT cannot be parsed.") from None
    if not isinstance(claims, dict):
        raise JwtRefused("The JWT's payload is not a JSON object.")
    return claims


def verified_claims(token: str, *, partner_client: Any) -> dict[str, Any]:
    """The claims of `token` once its signature verifies with a "sig" key of the
    client (the one its header names by `kid`, or any of them); parsed once.
    Claims are checked by the callers."""
    unverified_claims(token)  # its size and form
    try:
        parsed = jws.JWS()
        parsed.deserialize(token)
        header = parsed.jose_header
    except (JWException, ValueError):
        raise JwtRefused("The JWT cannot be parsed.") from None
    if not isinstance(header, dict) or header.get("alg") not in SIGNING_ALGORITHMS:
        raise JwtRefused(
            "The JWT must be signed with " + ", ".join(SIGNING_ALGORITHMS) + "."
        )
    if "crit" in header or "jku" in header or "x5u" in header or "jwk" in header:
        raise JwtRefused("The JWT header names keys or extensions Saduak does not use.")
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise JwtRefused("The JWT's kid must be a string.")
    keys = client_keys(partner_client, use="sig", kid=kid)
    if not keys:
        raise JwtRefused("No registered signing key of the client matches the JWT.")
    alg = header["alg"]
    for key in keys:
        if key.get("alg") and key.get("alg") != alg:
            continue  # a key registered for another algorithm
        try:
            parsed.verify(key, alg=alg)
        except (JWException, ValueError, TypeError):
            continue
        claims = json.loads(parsed.payload)
        if not isinstance(claims, dict):
            raise JwtRefused("The JWT's payload must be a JSON object.")
        return claims
    raise JwtRefused("The JWT's signature does not verify with the client's keys.")


def lifetime_check(claims: dict[str, Any]) -> datetime:
    """`exp` in the future but not too far; `nbf` and `iat` not in the future.
    Returns the expiry."""
    now = datetime.now(tz=UTC).timestamp()
    skew = settings.OIDC_JWT_CLOCK_SKEW_SECONDS
    longest = settings.OIDC_JWT_MAX_LIFETIME_SECONDS
    if not _is_number(claims.get("exp")):
        raise JwtRefused("The JWT needs a numeric exp.")
    exp = float(claims["exp"])
    if exp + skew < now:
        raise JwtRefused("The JWT has expired.")
    if exp > now + longest + skew:
        raise JwtRefused(f"The JWT may live at most {longest} seconds.")
    for name in ("nbf", "iat"):
        value = claims.get(name)
        if value is None:
            continue
        if not _is_number(value):
            raise JwtRefused(f"The JWT's {name} must be a number.")
        if float(value) > now + skew:
            raise JwtRefused(f"The JWT's {name} is in the future.")
    iat: Any = claims.get("iat")
    if _is_number(iat) and exp - float(iat) > longest + skew:
        raise JwtRefused(f"The JWT may live at most {longest} seconds.")
    return datetime.fromtimestamp(exp, tz=UTC)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def audience_matches(claims: dict[str, Any], accepted: set[str]) -> bool:
    aud = claims.get("aud")
    named = [aud] if isinstance(aud, str) else aud
    if not isinstance(named, list):
        return False
    return any(isinstance(value, str) and value in accepted for value in named)


def issuer_of(request: Any) -> str:
    return str(oauth2_settings.oidc_issuer(request))


def assertion_audiences(request: Any) -> set[str]:
    """The issuer, the token endpoint, and the endpoint being called (RFC 7523
    section 3; RFC 9126 section 2)."""
    issuer = issuer_of(request)
    parts = urlsplit(issuer)
    origin = f"{parts.scheme}://{parts.netloc}"
    called = urlsplit(str(getattr(request, "uri", "") or ""))
    accepted = {issuer, origin + reverse("oauth2_provider:token")}
    if called.path:
        accepted.add(origin + called.path)
    return accepted


def client_assertion_check(
    *, assertion: str, client_id: str, partner_client: Any, request: Any
) -> None:
    """Raises JwtRefused unless `assertion` authenticates the client. A signed
    request object (which passes through browsers) is never taken for one: it
    carries authorization parameters or says typ oauth-authz-req+jwt."""
    if _header_type(assertion) == REQUEST_OBJECT_TYPE:
        raise JwtRefused("A request object is not a client assertion.")
    claims = verified_claims(assertion, partner_client=partner_client)
    if REQUEST_OBJECT_CLAIMS & set(claims):
        raise JwtRefused("A request object is not a client assertion.")
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        raise JwtRefused("The assertion's iss and sub must both be the client_id.")
    if not audience_matches(claims, assertion_audiences(request)):
        raise JwtRefused("The assertion's aud must be the issuer or this endpoint.")
    expires_at = lifetime_check(claims)
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        raise JwtRefused("The assertion needs a jti.")
    if not replay.jwt_first_use(
        purpose=replay.CLIENT_ASSERTION,
        issuer=client_id,
        jti=jti,
        expires_at=expires_at,
    ):
        raise JwtRefused("This assertion was already used.")


def body_parameters(request: Any) -> dict[str, list[str]]:
    """The form parameters of an oauthlib request, every value of each."""
    found: dict[str, list[str]] = {}
    for name, value in getattr(request, "decoded_body", None) or []:
        found.setdefault(name, []).append(value)
    return found


def discovery_metadata(request: Any) -> dict[str, Any]:
    """What the discovery documents say of client authentication, PAR and
    request objects (merged into DiscoveryView's document)."""
    parts = urlsplit(issuer_of(request))
    origin = f"{parts.scheme}://{parts.netloc}"
    methods = ["client_secret_basic", "client_secret_post", "private_key_jwt"]
    token_methods = [*methods, "none"]
    algorithms = list(SIGNING_ALGORITHMS)
    return {
        "token_endpoint_auth_methods_supported": token_methods,
        "token_endpoint_auth_signing_alg_values_supported": algorithms,
        "revocation_endpoint_auth_methods_supported": methods,
        "revocation_endpoint_auth_signing_alg_values_supported": algorithms,
        "introspection_endpoint_auth_methods_supported": methods,
        "introspection_endpoint_auth_signing_alg_values_supported": algorithms,
        "pushed_authorization_request_endpoint": origin
        + reverse("oauth2_provider:par"),
        "require_pushed_authorization_requests": bool(settings.OIDC_REQUIRE_PAR),
        "request_parameter_supported": True,
        "request_uri_parameter_supported": True,
        "require_request_uri_registration": False,
        "request_object_signing_alg_values_supported": algorithms,
    }


def _header_type(token: str) -> str:
    """The `typ` of a compact JWS's header, lower-cased ("" when unreadable)."""
    try:
        parsed = jws.JWS()
        parsed.deserialize(token)
        typ = parsed.jose_header.get("typ", "")
    except (JWException, ValueError, AttributeError):
        return ""
    return typ.lower() if isinstance(typ, str) else ""
