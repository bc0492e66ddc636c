"""Sender-constrained tokens with DPoP (RFC 9449).

A client proves, with each token request and each use of an access token, that it
holds a private key: the `DPoP` header carries a short JWT (a "proof") signed with
that key, whose public half is in the proof's header. Tokens issued with a proof
are bound to the key's RFC 7638 thumbprint (`jkt`): the access token is then only
accepted with a proof of the same key (`Authorization: DPoP <token>`), and a
public client's refresh token only with one too.

Every JOSE operation is jwcrypto's; nothing here signs or parses by hand."""

import base64
import hashlib
import json
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from jwcrypto import jwk, jws
from jwcrypto.common import JWException
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749 import errors

from saduak.identity.oidc import replay
from saduak.identity.oidc.models import (
    AccessTokenBinding,
    RefreshTokenBinding,
)

# Set on oauthlib's request by the token endpoint once a DPoP proof has been
# verified: the RFC 7638 thumbprint of the proof's key.
DPOP_JKT_ATTRIBUTE = "saduak_dpop_jkt"
PROOF_TYPE = "dpop+jwt"
# Asymmetric only (RFC 9449 section 4.3): never "none" nor an HMAC.
ALGORITHMS = ("ES256", "PS256", "RS256")
_KEY_TYPE = {"ES256": "EC", "PS256": "RSA", "RS256": "RSA"}
MIN_RSA_BITS = 2048
# The token endpoint's error for a bad proof (RFC 9449 section 5).
INVALID_DPOP_PROOF = "invalid_dpop_proof"
# Big enough for an RSA-4096 key in the header; a proof is never near this.
MAX_PROOF_LENGTH = 8192
# An RFC 7638 SHA-256 thumbprint, base64url without padding.
_THUMBPRINT = re.compile(r"[A-Za-z0-9_-]{43}")


class DpopProofError(Exception):
    """A DPoP proof that must be refused. The message is for the partner's
    developers (plain English, untranslated)."""


def _b64url_sha256(value: str) -> str:
    digest = hashlib.sha256(value.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def normalized_url(url: str) -> str:
    """The URL without query and fragment, scheme and host lower-cased, default
    port dropped (RFC 9449 section 4.3, RFC 3986 sections 6.2.2 and 6.2.3)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path or "/", "", ""))


def endpoint_url(request: Any, path: str) -> str:
    """The address a proof's `htu` must name: the issuer's origin (what discovery
    publishes) and the request's path. `request` is Django's or oauthlib's."""
    issuer = urlsplit(oauth2_settings.oidc_issuer(request))
    return normalized_url(urlunsplit((issuer.scheme, issuer.netloc, path, "", "")))


def _public_key(header: dict[str, Any], alg: str) -> jwk.JWK:
    value = header.get("jwk")
    if not isinstance(value, dict):
        raise DpopProofError("The proof's header must carry the public key (jwk).")
    try:
        key = jwk.JWK(**value)
    except (JWException, ValueError, TypeError) as error:
        raise DpopProofError("The proof's jwk is not a valid key.") from error
    if key.has_private or any(name in value for name in ("d", "p", "q", "k")):
        raise DpopProofError("The proof's jwk must not contain a private key.")
    if value.get("kty") != _KEY_TYPE[alg]:
        raise DpopProofError("The proof's jwk does not fit its alg.")
    if alg == "ES256" and value.get("crv") != "P-256":
        raise DpopProofError("ES256 needs a P-256 key.")
    if value.get("kty") == "RSA":
        modulus = base64.urlsafe_b64decode(str(value.get("n", "")) + "==")
        if len(modulus.lstrip(b"\0")) * 8 < MIN_RSA_BITS:
            raise DpopProofError("RSA keys must have at least 2048 bits.")
    return key


def proof_jkt(
    proof: str | None, *, method: str, url: str, access_token: str | None = None
) -> str:
    """Verifies a DPoP proof for a request of `method` to `url` (already
    normalized), and, at a resource, for `access_token` (`ath`); records its
    `jti` so it is used once. Returns the thumbprint of the proof's key, or
    raises DpopProofError."""
    if not proof:
        raise DpopProofError("A DPoP proof is required.")
    if len(proof) > MAX_PROOF_LENGTH or proof.count(".") != 2:
        raise DpopProofError("The DPoP header must be one compact JWS.")
    token = jws.JWS()
    try:
        token.deserialize(proof)
        header = dict(token.jose_header)
    except (JWException, ValueError, TypeError) as error:
        raise DpopProofError("The DPoP proof is not a JWS.") from error
    if header.get("typ") != PROOF_TYPE:
        raise DpopProofError("The proof's typ must be dpop+jwt.")
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise DpopProofError("The proof's alg must be one of ES256, PS256, RS256.")
    key = _public_key(header, alg)
    try:
        token.verify(key, alg=alg)
        claims = json.loads(token.payload)
    except (JWException, ValueError, TypeError) as error:
        raise DpopProofError("The proof's signature does not verify.") from error
    if not isinstance(claims, dict):
        raise DpopProofError("The proof's payload must be a JSON object.")
    if claims.get("htm") != method:
        raise DpopProofError("The proof's htm does not match the request's method.")
    htu = claims.get("htu")
    if not isinstance(htu, str) or normalized_url(htu) != url:
        raise DpopProofError("The proof's htu does not match the request's URL.")
    iat = claims.get("iat")
    now = time.time()
    skew = settings.OIDC_JWT_CLOCK_SKEW_SECONDS
    lifetime = settings.OIDC_JWT_MAX_LIFETIME_SECONDS
    if (
        not isinstance(iat, int | float)
        or isinstance(iat, bool)
        or not now - lifetime - skew <= iat <= now + skew
    ):
        raise DpopProofError("The proof's iat is missing or too far from now.")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        raise DpopProofError("The proof has no jti.")
    if access_token is not None and claims.get("ath") != _b64url_sha256(access_token):
        raise DpopProofError("The proof's ath does not match the access token.")
    jkt = str(key.thumbprint())
    expires_at = datetime.fromtimestamp(iat, tz=UTC) + timedelta(
        seconds=lifetime + 2 * skew
    )
    if not replay.jwt_first_use(
        purpose=replay.DPOP_PROOF, issuer=jkt, jti=jti, expires_at=expires_at
    ):
        raise DpopProofError("This DPoP proof has been used before.")
    return jkt


def code_jkt(request: Any) -> str:
    """The `dpop_jkt` authorization request parameter (RFC 9449 section 10): the
    thumbprint the code is bound to, for PartnerSignIn.dpop_jkt when the code is
    saved (validators.save_authorization_code, authz). "" when absent; a value
    that is not a SHA-256 thumbprint is refused as invalid_request."""
    value = getattr(request, "dpop_jkt", None) or ""
    if not value:
        return ""
    if not isinstance(value, str) or not _THUMBPRINT.fullmatch(value):
        raise errors.InvalidRequestError(
            description="dpop_jkt must be a SHA-256 JWK thumbprint.", request=request
        )
    return value


def refresh_binding_allows(binding: RefreshTokenBinding | None, request: Any) -> bool:
    """Whether a refresh request may use a refresh token with this binding: a
    token bound to a DPoP key only with a proof of that same key (RFC 9449
    section 5)."""
    if binding is None or not binding.jkt:
        return True
    return getattr(request, DPOP_JKT_ATTRIBUTE, "") == binding.jkt


def _checksum(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# Where the userinfo view leaves the key of a proof it verified, for the
# validator (validators.validate_bearer_token): a WSGI environ key, which no
# client can send as a header.
VERIFIED_JKT_ENVIRON = "saduak.dpop_jkt"


def bound_jkt(access_token: Any) -> str:
    """The key an access token (a row) is bound to ("" for a Bearer token)."""
    found = (
        AccessTokenBinding.objects.filter(access_token=access_token)
        .values_list("jkt", flat=True)
        .first()
    )
    return found or ""


def access_token_jkt(token: str) -> str:
    """The key an access token is bound to ("" for a Bearer token)."""
    found = (
        AccessTokenBinding.objects.filter(access_token__token_checksum=_checksum(token))
        .values_list("jkt", flat=True)
        .first()
    )
    return found or ""


# --- The token endpoint (oauthlib grant hooks, installed by server.PartnerServer) --
def _dpop_error(request: Any, description: str) -> errors.OAuth2Error:
    return errors.CustomOAuth2Error(
        error=INVALID_DPOP_PROOF,
        description=description,
        status_code=400,
        request=request,
    )


def token_request_proof(request: Any) -> None:
    """pre_token: a `DPoP` header is verified before anything else, so the
    refresh token's check (refresh_binding_allows) and the new tokens' bindings
    see its key."""
    setattr(request, DPOP_JKT_ATTRIBUTE, "")
    proof = request.headers.get("HTTP_DPOP")
    if proof is None:
        return
    path = urlsplit(request.uri).path
    try:
        jkt = proof_jkt(proof, method="POST", url=endpoint_url(request, path))
    except DpopProofError as error:
        raise _dpop_error(request, str(error)) from error
    setattr(request, DPOP_JKT_ATTRIBUTE, jkt)
    # oauthlib's BearerToken adds these to the answer: a bound token's type is
    # DPoP (RFC 9449 section 5). (Not a token modifier: the client credentials
    # grant calls those without the request.)
    request.extra_credentials = {
        **(request.extra_credentials or {}),
        "token_type": "DPoP",
    }


def token_request_binding(request: Any) -> None:
    """post_token (the client is known): a client registered for DPoP must send
    a proof; a code bound with `dpop_jkt` must be exchanged with that key; a
    bound refresh token needs the same key."""
    jkt = getattr(request, DPOP_JKT_ATTRIBUTE, "")
    partner_client = getattr(request.client, "partner_client", None)
    if not jkt and getattr(partner_client, "dpop_bound_access_tokens", False):
        raise _dpop_error(request, "This client must send a DPoP proof.")
    if request.grant_type == "authorization_code":
        # The code's sign-in, found by validators.validate_code.
        sign_in = getattr(request, "saduak_sign_in", None)
        if sign_in is not None and sign_in.dpop_jkt and sign_in.dpop_jkt != jkt:
            raise _dpop_error(request, "The code is bound to another DPoP key.")
    if request.grant_type == "refresh_token":
        # The refresh token's binding, found by validators.validate_refresh_token.
        binding = getattr(request, "saduak_refresh_binding", None)
        if not refresh_binding_allows(binding, request):
            raise _dpop_error(request, "The refresh token is bound to another key.")


def install(server: Any) -> None:
    """Adds the hooks above to every grant of the token endpoint (oauthlib's
    public custom_validators)."""
    grants: list[Any] = []
    for grant in server.grant_types.values():
        for name in ("default_grant", "oidc_grant"):
            inner = getattr(grant, name, None)
            if inner is not None:
                grants.append(inner)
        if not hasattr(grant, "default_grant"):
            grants.append(grant)
    seen: set[int] = set()
    for grant in grants:
        target = getattr(grant, "proxy_target", grant)
        if id(target) in seen:
            continue
        seen.add(id(target))
        target.custom_validators.pre_token.append(token_request_proof)
        target.custom_validators.post_token.append(token_request_binding)


def www_authenticate(error: str, description: str) -> str:
    """The DPoP challenge of a resource (RFC 9449 section 7.1)."""
    algs = " ".join(ALGORITHMS)
    return f'DPoP error="{error}", error_description="{description}", algs="{algs}"'
