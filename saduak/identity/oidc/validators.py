"""Saduak's rules inside django-oauth-toolkit's protocol handling: which clients and
scopes a partner may use, the pairwise `sub`, `acr`/`amr` from the sign-in's
assurance level, the claims each scope releases, and the record of each sign-in and
each release of data."""

import hashlib
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.cache import cache
from django.db import router, transaction
from django.utils import timezone
from jwcrypto import jws
from jwcrypto.common import JWException
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
)
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.common import Request
from oauthlib.oauth2.rfc6749 import errors

from saduak.core.errors import InvalidInput
from saduak.core.memo import ProcessMemo
from saduak.identity.models import ClientAuthMethod, Partner
from saduak.identity.oidc import client_auth, dpop, signing
from saduak.identity.oidc.claims import (
    ASSURANCE_CREDENTIAL,
    GRANT_CLAIMS_KEY,
    OPENID,
    SESSION_CREDENTIAL,
    SUPPORTED_CLAIMS,
    assurance_claims,
    grantable_scopes,
    pairwise_subject,
    userinfo_claims,
)
from saduak.identity.oidc.client_cache import application_with_partner
from saduak.identity.oidc.code_replay import replay_note
from saduak.identity.oidc.dpop import (
    DPOP_JKT_ATTRIBUTE,
    code_jkt,
)
from saduak.identity.oidc.models import (
    AccessTokenBinding,
    PartnerSignIn,
    RefreshTokenBinding,
)
from saduak.identity.oidc.selectors import partner_for_application
from saduak.identity.oidc.services import (
    oidc_claims_release_record,
    oidc_sign_in_record,
    redirect_uri_check,
)
from saduak.identity.oidc.sign_ins import (
    code_digest,
    partner_sign_in_create,
    session_of,
    session_sid,
    sign_in_of_code,
)

AccessToken = get_access_token_model()
Application = get_application_model()
Grant = get_grant_model()
IDToken = get_id_token_model()
# A secret that verified is remembered (by a digest of it and its stored hash) for
# a few minutes: client secrets are long random strings, and re-running the
# password hasher (Argon2, ~100 MB) on every token request would cap throughput.
SECRET_CHECK_CACHE_SECONDS = 300
# ...and in each process too, sparing the cache's round trip (a changed secret
# has a new stored hash, so a new digest).
_verified_here = ProcessMemo(seconds=SECRET_CHECK_CACHE_SECONDS)


class PartnerValidator(OAuth2Validator):
    # Claims are chosen by Saduak's own rules (claims.py), not by this table.
    oidc_claim_scope = None

    # --- Clients and scopes ------------------------------------------------------
    def _load_application(self, client_id: str, request: Request) -> Any:
        """The client with its partner (client_cache). A client
        counts only while it belongs to an active partner. (Client ID metadata
        documents, which django-oauth-toolkit would also try here, are not used by
        Saduak.)"""
        cached = request.client
        if cached is not None and getattr(cached, "client_id", None) == client_id:
            return cached
        request.client = None
        loaded = application_with_partner(client_id)
        if loaded is None:
            return None
        application, partner = loaded
        request.saduak_partner = (application.pk, partner)
        if (
            partner is None
            or not partner.is_active
            or not application.is_usable(request)
        ):
            return None
        request.client = application
        return application

    def _partner(self, request: Request, application: Any = None) -> Partner | None:
        application = application or request.client
        if application is None:
            return None
        cached = getattr(request, "saduak_partner", None)
        if cached is not None and cached[0] == application.pk:
            return cached[1]  # type: ignore[no-any-return]
        partner = partner_for_application(application)
        request.saduak_partner = (application.pk, partner)
        return partner

    def validate_scopes(
        self,
        client_id: str,
        scopes: list[str],
        client: Any,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        machine = request.grant_type == "client_credentials"
        allowed = grantable_scopes(self._partner(request, client), machine=machine)
        return bool(scopes) and set(scopes) <= allowed

    def get_default_scopes(
        self, client_id: str, request: Request, *args: Any, **kwargs: Any
    ) -> list[str]:
        if request.grant_type == "client_credentials":
            return sorted(grantable_scopes(self._partner(request), machine=True))
        return [OPENID]

    def validate_redirect_uri(
        self,
        client_id: str,
        redirect_uri: str,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        """A registered redirect URI, compared as a simple string (OpenID Connect
        Core 3.1.2.1, RFC 9700 section 2.1): django-oauth-toolkit lets a loopback
        address (http://127.0.0.1, http://[::1]) come back on any port (RFC 8252
        section 7.3); Saduak promises its partners exact matching, port included."""
        try:
            redirect_uri_check(redirect_uri)
        except InvalidInput:
            return False
        if redirect_uri not in request.client.redirect_uris.split():
            return False
        return super().validate_redirect_uri(client_id, redirect_uri, request)  # type: ignore[no-any-return]

    def get_default_redirect_uri(
        self, client_id: str, request: Request, *args: Any, **kwargs: Any
    ) -> str | None:
        """None: a partner always names its redirect URI, at the authorization
        endpoint (OpenID Connect Core 3.1.2.1: REQUIRED) and so, identically, at
        the token endpoint (RFC 6749 section 4.1.3). Left out at either, oauthlib
        answers `invalid_request` instead of using a registered one."""
        return None

    def _check_secret(self, provided_secret: str, stored_secret: str) -> bool:
        digest = hashlib.sha256(
            f"{stored_secret}\x00{provided_secret}".encode()
        ).hexdigest()
        key = f"oidc:client-secret-verified:{digest}"
        if _verified_here.get(key):
            return True
        if cache.get(key):
            _verified_here.set(key, True)
            return True
        verified = super()._check_secret(provided_secret, stored_secret)
        if verified:
            cache.set(key, True, SECRET_CHECK_CACHE_SECONDS)
            _verified_here.set(key, True)
        return bool(verified)

    # --- Client authentication (client_auth.py) ---------------------------------------
    def client_authentication_required(
        self, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        """A client assertion is always checked; otherwise as django-oauth-toolkit
        decides (confidential clients authenticate)."""
        sent = client_auth.body_parameters(request)
        if "client_assertion" in sent or "client_assertion_type" in sent:
            return True
        return bool(super().client_authentication_required(request, *args, **kwargs))

    def authenticate_client(self, request: Request, *args: Any, **kwargs: Any) -> bool:
        """private_key_jwt for clients registered for it, a secret (Basic or in
        the body) for the others; one method per request (RFC 6749 section 2.3)."""
        sent = client_auth.body_parameters(request)
        assertion = sent.get("client_assertion")
        assertion_type = sent.get("client_assertion_type")
        secret_sent = bool(self._extract_basic_auth(request)) or "client_secret" in sent
        if assertion is None and assertion_type is None:
            if not super().authenticate_client(request, *args, **kwargs):
                return False
            return client_auth.auth_method(request.client) in client_auth.SECRET_METHODS
        if (
            secret_sent
            or assertion is None
            or len(assertion) != 1
            or assertion_type != [client_auth.ASSERTION_TYPE]
        ):
            return False
        try:
            claimed = client_auth.unverified_claims(assertion[0]).get("iss")
        except client_auth.JwtRefused:
            return False
        named = sent.get("client_id")
        if not isinstance(claimed, str) or (named is not None and named != [claimed]):
            return False
        application = self._load_application(claimed, request)
        if (
            application is None
            or client_auth.auth_method(application) != ClientAuthMethod.PRIVATE_KEY_JWT
        ):
            request.client = None
            return False
        try:
            client_auth.client_assertion_check(
                assertion=assertion[0],
                client_id=claimed,
                partner_client=application.partner_client,
                request=request,
            )
        except client_auth.JwtRefused:
            request.client = None
            return False
        request.client_id = claimed
        return True

    def authenticate_client_id(
        self, client_id: str, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        """A public client names itself only (django-oauth-toolkit refuses
        confidential ones here); a client registered for a key must use it."""
        if not super().authenticate_client_id(client_id, request, *args, **kwargs):
            return False
        return (
            client_auth.auth_method(request.client) != ClientAuthMethod.PRIVATE_KEY_JWT
        )

    def validate_bearer_token(
        self, token: str, scopes: list[str], request: Request
    ) -> bool:
        """RFC 9700 section 4.3.2: never an access token from the query string,
        where it would end up in logs and browser history (django-oauth-toolkit
        enforces this for its resource views but not for userinfo)."""
        if token and token in parse_qs(urlsplit(request.uri).query).get(
            "access_token", []
        ):
            # For the partner's developers, in a header: plain ASCII, not translated.
            request.oauth2_error = {
                "error": "invalid_request",
                "error_description": "Send the access token in the Authorization header.",
            }
            return False
        if not super().validate_bearer_token(token, scopes, request):
            return False
        # RFC 9449 section 7: a DPoP-bound token is good only with a proof of its
        # key (verified by the userinfo view), wherever it is presented: the
        # identity check API, which takes Bearer tokens only, refuses it; and a
        # token with no binding is not taken on a DPoP proof either.
        verified = request.headers.get(dpop.VERIFIED_JKT_ENVIRON, "")
        return dpop.bound_jkt(request.access_token) == verified

    def validate_silent_login(self, request: Request) -> bool:
        """prompt=none passes validation here; the authorization view answers
        login_required, interaction_required or consent_required, since only it
        knows the session and the consents."""
        return True

    def validate_silent_authorization(self, request: Request) -> bool:
        return True

    # --- Authorization codes ---------------------------------------------------------
    # django-oauth-toolkit reads the grant of a code seven times in one token
    # request; it is read once here (with its user) and kept on the request.
    def _grant(self, code: str, request: Request) -> Any:
        cached = getattr(request, "saduak_grant", None)
        if cached is not None and cached.code == code:
            return cached
        grant = Grant.objects.select_related("user").filter(code=code).first()
        if grant is not None:
            request.saduak_grant = grant
        return grant

    def _grant_of_client(self, code: str, client: Any, request: Request) -> Any:
        grant = self._grant(code, request)
        if grant is None or client is None or grant.application_id != client.pk:
            return None
        return grant

    def _check_and_set_request_resource(self, request: Request) -> None:
        """RFC 8707 resource indicators as django-oauth-toolkit checks them, but
        with the grant already read instead of reading it once more."""
        if request.grant_type != "authorization_code":
            super()._check_and_set_request_resource(request)
            return
        # With another grant type the parent only normalises and validates the
        # `resource` parameter; the narrowing against the grant follows here.
        request.grant_type = "saduak:resource-parameter-only"
        try:
            super()._check_and_set_request_resource(request)
        finally:
            request.grant_type = "authorization_code"
        grant = self._grant_of_client(request.code, request.client, request)
        granted = (grant.resource or []) if grant is not None else []
        if request.resource and granted:
            for resource in request.resource:
                if resource not in granted:
                    raise errors.CustomOAuth2Error(
                        error="invalid_target",
                        description=f"The resource '{resource}' was not granted.",
                        request=request,
                    )
        elif granted:
            self._validate_resource_uris(request, granted)
            request.resource = granted

    def get_authorization_code_scopes(
        self, client_id: str, code: str, redirect_uri: str, request: Request
    ) -> list[str]:
        grant = self._grant(code, request)
        return grant.scope.split() if grant is not None else []

    def validate_code(
        self,
        client_id: str,
        code: str,
        client: Any,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        """The code of this client, not expired, from a sign-in not ended; its
        sign-in (PartnerSignIn) is kept as `request.saduak_sign_in`. A code already
        exchanged is noted as replayed: the token view then ends every token
        issued from it (code_replay.py)."""
        grant = self._grant_of_client(code, client, request)
        if grant is None:
            if client is not None:
                replay_note(application_id=client.pk, code_hash=code_digest(code))
            return False
        if grant.is_expired():
            return False
        sign_in = sign_in_of_code(code, application=client)
        if sign_in is not None and sign_in.ended_at is not None:
            return False
        request.saduak_sign_in = sign_in
        request.scopes = grant.scope.split(" ")
        request.user = grant.user
        if grant.nonce:
            request.nonce = grant.nonce
        if grant.claims:
            request.claims = json.loads(grant.claims)
        return True

    def confirm_redirect_uri(
        self,
        client_id: str,
        code: str,
        redirect_uri: str,
        client: Any,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        """The redirect URI of the authorization request, exactly (RFC 6749
        section 4.1.3). A different one is `invalid_grant` (section 5.2: the grant
        "does not match the redirection URI used in the authorization request"),
        not oauthlib's `invalid_request`. (Left out, it never gets here:
        get_default_redirect_uri.)"""
        grant = self._grant_of_client(code, client, request)
        if grant is None:
            return False
        if not grant.redirect_uri_allowed(redirect_uri):
            raise errors.InvalidGrantError(
                description="The redirect_uri differs from the authorization request's.",
                request=request,
            )
        return True

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: Request, *args: Any, **kwargs: Any
    ) -> None:
        """Uses the code up in the exchange's transaction: its grant deleted, its
        sign-in marked used (PartnerSignIn.code_used_at), so that a second use
        is known as a replay. A code another request used up meanwhile is a
        replay too (the loser of the race ends the winner's tokens)."""
        digest = code_digest(code)
        deleted, _ = Grant.objects.filter(
            code=code, application=request.client
        ).delete()
        if not deleted:
            replay_note(application_id=request.client.pk, code_hash=digest)
            raise errors.InvalidGrantError(request=request)
        PartnerSignIn.objects.filter(
            code_hash=digest, application=request.client, code_used_at__isnull=True
        ).update(code_used_at=timezone.now())

    def get_code_challenge(self, code: str, request: Request) -> str | None:
        grant = self._grant_of_client(code, request.client, request)
        return (grant.code_challenge or None) if grant is not None else None

    def get_code_challenge_method(self, code: str, request: Request) -> str | None:
        grant = self._grant_of_client(code, request.client, request)
        return (grant.code_challenge_method or None) if grant is not None else None

    def get_authorization_code_nonce(
        self, client_id: str, code: str, redirect_uri: str, request: Request
    ) -> str | None:
        grant = self._grant(code, request)
        return (grant.nonce or None) if grant is not None else None

    def save_authorization_code(
        self,
        client_id: str,
        code: dict[str, str],
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """Keeps the sign-in's assurance level with the code, inside the grant's
        `claims`, where the token request finds it again (validate_code)."""
        claims = _claims_dict(request.claims)
        claims[GRANT_CLAIMS_KEY] = {
            "aal": int(getattr(request, ASSURANCE_CREDENTIAL, None) or 1)
        }
        request.claims = claims
        super().save_authorization_code(client_id, code, request, *args, **kwargs)
        request.saduak_sign_in = partner_sign_in_create(
            application=request.client,
            user=request.user,
            session=session_of(getattr(request, SESSION_CREDENTIAL, None)),
            assurance_level=claims[GRANT_CLAIMS_KEY]["aal"],
            code=code["code"],
            dpop_jkt=code_jkt(request),
        )

    # --- The sign-in behind a token request ----------------------------------------
    def _sign_in(self, request: Request) -> PartnerSignIn | None:
        """The partner sign-in a token request continues, as validate_code (the
        code's) or validate_refresh_token (the refresh token's) found it; none for
        a machine client's token."""
        return getattr(request, "saduak_sign_in", None)

    def validate_refresh_token(
        self,
        refresh_token: str,
        client: Any,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        """The refresh token's sign-in comes along (the refreshed ID token says
        what the original one said); a token bound to a DPoP key needs a proof
        of it, and a sign-in whose tokens were ended refreshes nothing."""
        if not super().validate_refresh_token(
            refresh_token, client, request, *args, **kwargs
        ):
            return False
        binding = (
            RefreshTokenBinding.objects.select_related("sign_in__session")
            .filter(refresh_token=request.refresh_token_instance)
            .first()
        )
        request.saduak_refresh_binding = binding
        request.saduak_sign_in = binding.sign_in if binding is not None else None
        sign_in = request.saduak_sign_in
        return sign_in is None or sign_in.ended_at is None

    # --- ID token ----------------------------------------------------------------------
    def get_oidc_claims(
        self, token: Any, token_handler: Any, request: Request
    ) -> dict[str, Any]:
        """The ID token says who (pairwise `sub`) and how surely (`acr`, `amr`);
        personal data is released only at the userinfo endpoint."""
        partner = self._partner(request)
        assert partner is not None  # the client was loaded through _load_application
        sign_in = self._sign_in(request)
        level = sign_in.assurance_level if sign_in else _assurance_level(request)
        claims = {
            "sub": pairwise_subject(user=request.user, partner=partner),
            **assurance_claims(level),
        }
        if sign_in is not None and sign_in.session is not None:
            claims["sid"] = session_sid(sign_in.session)
        return claims

    def get_id_token_dictionary(
        self, token: Any, token_handler: Any, request: Request
    ) -> tuple[dict[str, Any], Any]:
        """`auth_time` is when the person signed in at Saduak for this sign-in
        (django-oauth-toolkit would say the user's last sign-in anywhere), at the
        code exchange and at every refresh."""
        claims, expiration_time = super().get_id_token_dictionary(
            token, token_handler, request
        )
        sign_in = self._sign_in(request)
        if sign_in is not None:
            claims["auth_time"] = int(sign_in.auth_time.timestamp())
        return claims, expiration_time

    def get_discovery_claims(self, request: Any) -> list[str]:
        return list(SUPPORTED_CLAIMS)

    def finalize_id_token(
        self, id_token: dict[str, Any], token: Any, token_handler: Any, request: Request
    ) -> str:
        """Signs with the client's registered algorithm (RS256 or ES256) and the
        current key, parsed once per process (django-oauth-toolkit parses the PEM
        for every token, which costs tens of milliseconds); then, for a client
        that registered an encryption algorithm, encrypts to its "enc" key (a
        nested JWT). Nothing is saved before the token is made, so a client
        without a usable key gets an error and no tokens."""
        claims, expiration_time = self.get_id_token_dictionary(
            token, token_handler, request
        )
        id_token.update(**claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        try:
            signed = signing.id_token_for_client(
                id_token, signing.partner_client_of(request.client)
            )
        except signing.NoEncryptionKey:
            raise errors.UnauthorizedClientError(
                description=(
                    "The client asks for encrypted ID tokens but registers no key "
                    'with "use" "enc" that its id_token_encrypted_response_alg '
                    "can encrypt to."
                ),
                request=request,
            ) from None
        # No savepoint: the token view's transaction holds the whole exchange.
        with transaction.atomic(using=router.db_for_write(IDToken), savepoint=False):
            saved = self._saduak_id_token_save(
                id_token["jti"], request, expiration_time
            )
        request.access_token = saved
        request.id_token = saved
        return signed

    def _saduak_id_token_save(self, jti: str, request: Request, expires: Any) -> Any:
        """The ID token, and the sign-in on the citizen's "who used my data" page
        and the audit chain, in the token view's transaction. Saduak's own
        (finalize_id_token above is the only caller), so it does not lean on
        django-oauth-toolkit's private `_save_id_token`."""
        partner = self._partner(request)
        assert partner is not None
        scopes = request.scope or " ".join(request.scopes)
        id_token = IDToken.objects.create(
            user=request.user,
            scope=scopes,
            expires=expires,
            jti=jti,
            application=request.client,
        )
        oidc_sign_in_record(user=request.user, partner=partner, scopes=scopes)
        return id_token

    def _create_access_token(
        self,
        expires: Any,
        request: Request,
        token: dict[str, Any],
        source_refresh_token: Any = None,
    ) -> Any:
        """Links the access token to the ID token issued in this same request
        without parsing and verifying it again, as django-oauth-toolkit would."""
        issued = getattr(request, "id_token", None) if token.get("id_token") else None
        if issued is None:
            created = super()._create_access_token(
                expires, request, token, source_refresh_token
            )
            self._bind_access_token(created, request)
            return created
        access_token = AccessToken(
            user=request.user,
            scope=token["scope"],
            expires=expires,
            id_token=issued,
            application=request.client,
            source_refresh_token=source_refresh_token,
            resource=getattr(request, "resource", []),
        )
        self._set_token_value(access_token, token["access_token"])
        access_token.save()
        self._bind_access_token(access_token, request)
        return access_token

    def _bind_access_token(self, access_token: Any, request: Request) -> None:
        """Every access token's sign-in (none for a machine client) and DPoP key."""
        AccessTokenBinding.objects.create(
            access_token=access_token,
            sign_in=self._sign_in(request),
            jkt=getattr(request, DPOP_JKT_ATTRIBUTE, "") or "",
        )

    def _create_refresh_token(
        self,
        request: Request,
        refresh_token_code: str,
        access_token: Any,
        previous_refresh_token: Any,
    ) -> Any:
        """The refresh token's sign-in, and its DPoP key: a rotated token keeps
        the key of the one it replaces; a public client's first one is bound to
        the key of its proof (RFC 9449 section 5); a confidential client's is not."""
        refresh_token = super()._create_refresh_token(
            request, refresh_token_code, access_token, previous_refresh_token
        )
        previous = getattr(request, "saduak_refresh_binding", None)
        if previous is not None and previous.jkt:
            jkt = previous.jkt
        elif previous_refresh_token is None and (
            request.client is not None
            and request.client.client_type == Application.CLIENT_PUBLIC
        ):
            jkt = getattr(request, DPOP_JKT_ATTRIBUTE, "") or ""
        else:
            jkt = ""
        RefreshTokenBinding.objects.create(
            refresh_token=refresh_token, sign_in=self._sign_in(request), jkt=jkt
        )
        return refresh_token

    def _get_key_for_token(self, token: str) -> Any:
        """All published keys, RSA and EC, so an ID token signed before a key
        rotation, or with ES256, is still accepted as a logout hint. A hint that
        is not a signed JWT (an encrypted ID token given back as it came: OIDC
        Core 3.1.2.1 asks the client to send the signed token inside) names no
        key."""
        unverified = jws.JWS()
        try:
            unverified.deserialize(token)
            claims = json.loads(unverified.objects["payload"].decode("utf-8"))
        except (JWException, ValueError, TypeError, KeyError, AttributeError):
            return None
        if not isinstance(claims, dict) or "aud" not in claims:
            return None
        if not self._get_client_by_audience(claims["aud"]):
            return None
        return signing.verification_keys()

    # --- Userinfo ----------------------------------------------------------------------
    def get_userinfo_claims(self, request: Request) -> dict[str, Any]:
        """The claims of the token's scopes, recorded for the citizen's "who used my
        data" page in the same request."""
        partner = self._partner(request)
        if partner is None or not partner.is_active:
            raise errors.InvalidTokenError(request=request)
        claims = userinfo_claims(
            user=request.user, partner=partner, scopes=request.scopes
        )
        oidc_claims_release_record(
            user=request.user, partner=partner, claims=list(claims)
        )
        return claims


def _claims_dict(value: Any) -> dict[str, Any]:
    """The `claims` request parameter as a dict: oauthlib parses it, but the
    consent form carries it back as JSON text."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, str) and value:
        try:
            parsed = json.loads(value)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def _assurance_level(request: Request) -> int | None:
    saduak = _claims_dict(request.claims).get(GRANT_CLAIMS_KEY)
    if isinstance(saduak, dict) and isinstance(saduak.get("aal"), int):
        return int(saduak["aal"])
    return None
