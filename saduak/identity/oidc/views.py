"""The pages of partner sign-in. The protocol is django-oauth-toolkit's; these views
add Saduak's consent screen, the step-up to assurance level 2, Thai and English
addresses, and the citizen's list of agencies they share data with."""

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST
from oauth2_provider.exceptions import (
    FatalClientError,
    InvalidOIDCRedirectURIError,
    OAuthToolkitError,
)
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.models import get_application_model
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import (
    AuthorizationView,
    ConnectDiscoveryInfoView,
    JwksInfoView,
    RPInitiatedLogoutView,
    TokenView,
    UserInfoView,
)
from oauthlib.common import add_params_to_uri
from oauthlib.oauth2.rfc6749.errors import (
    CustomOAuth2Error,
    InvalidClientIdError,
    OAuth2Error,
)
from oauthlib.openid.connect.core.exceptions import (
    ConsentRequired,
    InteractionRequired,
    LoginRequired,
)

from saduak.accounts.permissions import acting_user
from saduak.identity.middleware import SESSION_ID_KEY
from saduak.identity.models import Partner
from saduak.identity.oidc import (
    client_auth,
    dpop,
    introspection,
    request_objects,
    selectors,
    signing,
)
from saduak.identity.oidc.claims import (
    ACR_VALUES,
    ASSURANCE_CREDENTIAL,
    BROWSER_SCOPES,
    SCOPE_CLAIMS,
    SESSION_CREDENTIAL,
    SUPPORTED_CLAIMS,
    consent_items,
    required_level,
)
from saduak.identity.oidc.code_replay import replays_collected, sign_in_tokens_end
from saduak.identity.oidc.forms import ConsentForm
from saduak.identity.oidc.logout import logout_request_check
from saduak.identity.oidc.services import oidc_consent_grant, oidc_consent_revoke
from saduak.identity.oidc.sign_ins import (
    SIGNED_IN_MARKER,
    session_of,
    sign_in_demanded_at,
    sign_in_marker_new,
)
from saduak.identity.sign_in import assurance_level

LANGUAGES = ("th", "en")
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+$")


# --- Helpers ---------------------------------------------------------------------------
def partner_name(partner: Partner) -> str:
    if get_language() == "en" and partner.name_en:
        return partner.name_en
    return partner.name_th


def partner_purpose(partner: Partner) -> str:
    if get_language() == "en" and partner.purpose_en:
        return partner.purpose_en
    return partner.purpose_th


def language_address(request: HttpRequest, language: str) -> str:
    """This page's address in `language`: Thai without a prefix, English under
    /en/ (the same rule as every other page)."""
    path = request.get_full_path()
    if path.startswith("/en/"):
        path = path[3:]
    return f"/en{path}" if language == "en" else path


def requested_language(request: HttpRequest) -> str | None:
    """The first language of the OIDC `ui_locales` parameter that Saduak speaks."""
    for tag in request.GET.get("ui_locales", "").split():
        language = tag.split("-")[0].lower()
        if language in LANGUAGES:
            return language
    return None


def step_up_address(next_url: str) -> str:
    return f"{reverse('accounts:step-up')}?{urlencode({'next': next_url})}"


# The sign-in page's forced mode: the form shows even to a signed-in person.
SIGN_IN_AGAIN = "reauth"


def sign_in_again_address(request: HttpRequest, *, forced: bool = True) -> str:
    """The sign-in page (forced: shown even to a signed-in person), coming back to
    this authorization request with a fresh signed marker of when it was demanded."""
    query = [
        (name, value)
        for name, value in parse_qsl(
            request.META.get("QUERY_STRING", ""), keep_blank_values=True
        )
        if name != SIGNED_IN_MARKER
    ]
    query.append((SIGNED_IN_MARKER, sign_in_marker_new()))
    next_url = f"{request.path}?{urlencode(query)}"
    login = resolve_url(settings.LOGIN_URL)
    parameters = {"next": next_url, **({SIGN_IN_AGAIN: "1"} if forced else {})}
    return f"{login}?{urlencode(parameters)}"


def with_issuer(uri: str, issuer: str) -> str:
    """`uri` with RFC 9207's `iss` (once) in its query: every authorization
    response, errors included, names the server that sent it."""
    parts = urlsplit(uri)
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name != "iss"
    ]
    query.append(("iss", issuer))
    return urlunsplit(parts._replace(query=urlencode(query)))


def policy_allowing_form_target(target: str) -> str | None:
    """The site's Content-Security-Policy with `target`'s origin added to
    form-action. Chrome applies form-action to the redirect that answers a form,
    and here that redirect goes to the partner."""
    parts = urlsplit(target)
    origin = f"{parts.scheme}://{parts.netloc}"
    if not ORIGIN.match(origin):
        return None
    return re.sub(
        r"form-action ([^;]*)",
        lambda found: f"form-action {found.group(1).strip()} {origin}",
        settings.CONTENT_SECURITY_POLICY,
    )


def arrived_from_own_page(request: HttpRequest) -> bool:
    """Whether this request follows a form on one of Saduak's own pages (sign-in,
    second factor) through redirects. A redirect to the partner would then be
    refused by that page's form-action policy, so the hand-over is a page."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    referer = request.headers.get("Referer", "")
    return bool(referer) and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}
    )


class LanguageFromRequestMixin:
    """Thai at /o/..., English at /en/o/...; a partner's `ui_locales` picks one."""

    request: HttpRequest

    def language_redirect(self, request: HttpRequest) -> HttpResponse | None:
        wanted = requested_language(request)
        current = (get_language() or settings.LANGUAGE_CODE)[:2]
        if request.method == "GET" and wanted and wanted != current:
            return redirect(language_address(request, wanted))
        return None

    def language_context(self) -> dict[str, str]:
        current = (get_language() or settings.LANGUAGE_CODE)[:2]
        other = "en" if current == "th" else "th"
        return {"other_language_url": language_address(self.request, other)}


# --- Authorization and consent ------------------------------------------------------
class PartnerAuthorizationView(LanguageFromRequestMixin, AuthorizationView):
    """django-oauth-toolkit's authorization endpoint with Saduak's consent screen.

    A partner that demands a second factor, or a request with
    acr_values=urn:saduak:aal2, sends a person signed in with a password alone to
    the step-up page first. A person who already agreed to share the requested data
    with the partner is sent straight back; otherwise the screen lists the data
    and the partner's purpose.
    """

    template_name = "identity/oidc/consent.html"
    error_template_name = "identity/oidc/error.html"
    continue_template_name = "identity/oidc/continue.html"
    form_class = ConsentForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._validated: tuple[list[str], dict[str, Any]] | OAuthToolkitError | None = (
            None
        )
        self._showing_error = False
        self._consent_given = False
        # Read before anything rewrites the query (pushed or signed requests).
        self._sign_in_demanded = sign_in_demanded_at(request.GET.get(SIGNED_IN_MARKER))
        # PAR request_uri / JAR request resolved into the parameters (clientauth).
        refused = request_objects.authorization_request_resolve(request)
        if refused is not None:
            return self.error_response(*refused)
        switched = self.language_redirect(request)
        if switched is not None:
            return switched
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]

    def validate_authorization_request(
        self, request: HttpRequest
    ) -> tuple[list[str], dict[str, Any]]:
        """Validated once per request, however often the steps below ask."""
        if self._validated is None:
            try:
                self._validated = super().validate_authorization_request(request)
            except OAuthToolkitError as error:
                self._validated = error
        if isinstance(self._validated, OAuthToolkitError):
            raise self._validated
        return self._validated

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError:
            return super().get(request, *args, **kwargs)  # the error page
        prompt = set(request.GET.get("prompt", "").split())
        if "create" in prompt:
            return super().get(request, *args, **kwargs)  # not offered: refused
        application = get_application_model().objects.get(
            client_id=credentials["client_id"]
        )
        if self._sign_in_needed(request, prompt):
            if "none" in prompt:
                return self._refuse_silently(LoginRequired, credentials, application)
            return redirect(sign_in_again_address(request))
        partner = selectors.partner_for_application(application)
        assert partner is not None  # the validator accepts partners' clients only
        user = acting_user(request)
        needed = required_level(
            partner=partner, acr_values=request.GET.get("acr_values", "")
        )
        if assurance_level(request) < needed:
            if "none" in prompt:
                return self._refuse_silently(
                    InteractionRequired, credentials, application
                )
            return redirect(step_up_address(request.get_full_path()))
        if "consent" not in prompt and selectors.consent_covers(
            user=user, partner=partner, scopes=scopes
        ):
            return self._approve(request, scopes, credentials, application)
        if "none" in prompt:
            return self._refuse_silently(ConsentRequired, credentials, application)
        return super().get(request, *args, **kwargs)

    def _sign_in_needed(self, request: HttpRequest, prompt: set[str]) -> bool:
        """OIDC Core 3.1.2.1: with prompt=login the person signs in again, and
        with max_age the sign-in may be at most that many seconds old (max_age=0
        is prompt=login). A session started after Saduak sent the person to sign
        in for this request satisfies both."""
        max_age = _max_age(request.GET.get("max_age"))
        if "login" not in prompt and max_age is None:
            return False
        session = session_of(request.session.get(SESSION_ID_KEY))
        started = session.started_at if session is not None else None
        if started is None:
            return True
        demanded = self._sign_in_demanded
        if demanded is not None and started >= demanded:
            return False
        if "login" in prompt or max_age == 0:
            return True
        assert max_age is not None
        return (timezone.now() - started).total_seconds() > max_age

    def handle_no_permission(self) -> HttpResponse:
        """A person not signed in: sent to sign in and back, with the marker, so a
        prompt=login or max_age request is satisfied by that sign-in (a pushed
        request keeps its prompt). prompt=none answers login_required."""
        prompt = set(self.request.GET.get("prompt", "").split())
        if "none" in prompt or "create" in prompt:
            return super().handle_no_permission()  # type: ignore[no-any-return]
        return redirect(sign_in_again_address(self.request, forced=False))

    def redirect(self, redirect_to: str, application: Any) -> HttpResponse:
        """Every redirect to the partner carries `iss` (RFC 9207): codes, and
        errors (access_denied, invalid_scope, login_required...) too."""
        issuer = oauth2_settings.oauth2_authorization_server_issuer(self.request)
        return super().redirect(with_issuer(redirect_to, issuer), application)  # type: ignore[no-any-return]

    def _approve(
        self,
        request: HttpRequest,
        scopes: list[str],
        credentials: dict[str, Any],
        application: Any,
    ) -> HttpResponse:
        credentials = dict(credentials)
        if isinstance(credentials.get("ui_locales"), list):
            credentials["ui_locales"] = " ".join(credentials["ui_locales"])
        try:
            uri, *_ = self.create_authorization_response(
                request=request,
                scopes=" ".join(scopes),
                credentials=credentials,
                allow=True,
            )
        except OAuthToolkitError as error:
            return self.error_response(error, application)
        if arrived_from_own_page(request):
            partner = selectors.partner_for_application(application)
            response = render(
                request,
                self.continue_template_name,
                {
                    "redirect_to": uri,
                    "partner_name": partner_name(partner) if partner else "",
                },
            )
            response["Cache-Control"] = "no-store"
            return response
        return self.redirect(uri, application)  # type: ignore[no-any-return]

    def _refuse_silently(
        self,
        error_class: type[OAuth2Error],
        credentials: dict[str, Any],
        application: Any,
    ) -> HttpResponse:
        """prompt=none: the partner asked not to show anything, so it hears why the
        person could not be signed in silently."""
        error = error_class(state=credentials.get("state"))
        return self.error_response(  # type: ignore[no-any-return]
            OAuthToolkitError(error=error, redirect_uri=credentials["redirect_uri"]),
            application,
        )

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        initial["acr_values"] = self.request.GET.get("acr_values", "")
        return initial  # type: ignore[no-any-return]

    def form_valid(self, form: ConsentForm) -> HttpResponse:  # type: ignore[override]
        partner = selectors.partner_for_client_id(form.cleaned_data["client_id"])
        if partner is None or not partner.is_active:
            return self.error_response(  # type: ignore[no-any-return]
                FatalClientError(error=InvalidClientIdError()), application=None
            )
        needed = required_level(
            partner=partner, acr_values=form.cleaned_data.get("acr_values") or ""
        )
        if assurance_level(self.request) < needed:
            query = {
                name: form.cleaned_data[name]
                for name in request_objects.AUTHORIZATION_PARAMETERS
                if form.cleaned_data.get(name)
            }
            return redirect(step_up_address(f"{self.request.path}?{urlencode(query)}"))
        self._consent_given = bool(form.cleaned_data.get("allow"))
        return super().form_valid(form)  # type: ignore[no-any-return]

    def create_authorization_response(
        self,
        request: HttpRequest,
        scopes: str,
        credentials: dict[str, Any],
        allow: bool,
    ) -> tuple[str, dict[str, str], str, int]:
        """Adds the session's assurance level for the ID token's `acr` and `amr`,
        and remembers the consent the person just gave, with the code."""
        credentials = {
            **credentials,
            ASSURANCE_CREDENTIAL: assurance_level(request),
            SESSION_CREDENTIAL: request.session.get(SESSION_ID_KEY),
        }
        with transaction.atomic():
            result = super().create_authorization_response(
                request, scopes, credentials, allow
            )
            if allow and not request_objects.pushed_request_used(
                request, credentials["client_id"]
            ):
                raise OAuthToolkitError(
                    error=CustomOAuth2Error(
                        error="invalid_request_uri",
                        description="The pushed request was already used.",
                        state=credentials.get("state"),
                    ),
                    redirect_uri=credentials["redirect_uri"],
                )
            if allow and self._consent_given:
                partner = selectors.partner_for_client_id(credentials["client_id"])
                assert partner is not None
                oidc_consent_grant(
                    user=acting_user(request), partner=partner, scopes=scopes.split()
                )
        return result  # type: ignore[no-any-return]

    def error_response(
        self, error: OAuthToolkitError, application: Any, **kwargs: Any
    ) -> HttpResponse:
        self._showing_error = True
        return super().error_response(error, application, **kwargs)  # type: ignore[no-any-return]

    def get_template_names(self) -> list[str]:
        if self._showing_error:
            return [self.error_template_name]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.language_context())
        application = context.get("application")
        if application is not None and not self._showing_error:
            partner = selectors.partner_for_application(application)
            if partner is not None:
                context["partner_name"] = partner_name(partner)
                context["purpose"] = partner_purpose(partner)
                context["items"] = consent_items(context.get("scopes", []))
        return context  # type: ignore[no-any-return]

    def render_to_response(
        self, context: dict[str, Any], **response_kwargs: Any
    ) -> HttpResponse:
        response = super().render_to_response(context, **response_kwargs)
        redirect_uri = context.get("redirect_uri")
        if redirect_uri and not self._showing_error:
            policy = policy_allowing_form_target(redirect_uri)
            if policy:
                response["Content-Security-Policy"] = policy
        return response  # type: ignore[no-any-return]


def _max_age(value: str | None) -> int | None:
    """The `max_age` parameter: a number of seconds, or None when absent or not a
    number (then ignored)."""
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


# --- Token, discovery, keys, logout -----------------------------------------------------
GRANT_CODE = "authorization_code"


class PartnerTokenView(TokenView):
    """django-oauth-toolkit's token endpoint without its after-the-fact lookup of
    the new access token for the `app_authorized` signal, which nothing in Saduak
    receives (one query less on the busiest partner endpoint).

    A code exchange is all or nothing: it is one transaction (the tokens, the
    deleted code, the sign-in's "who used my data" row and its audit event), so
    of two requests racing with one code the second keeps nothing."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Every grant through oauthlib, which answers the grant types Saduak does
        not offer `unsupported_grant_type` (django-oauth-toolkit would send the
        device code grant to its own handler: a 500 without `device_code`, a 404
        with one); a request naming no grant type is `invalid_request`."""
        if not request.POST.get("grant_type"):
            return JsonResponse(
                {
                    "error": "invalid_request",
                    "error_description": "Missing grant_type parameter.",
                },
                status=400,
                headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
            )
        return self.authorization_flow_token_response(request, *args, **kwargs)

    @method_decorator(sensitive_post_parameters("password", "client_secret"))
    def authorization_flow_token_response(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        grant_type = request.POST.get("grant_type")
        with replays_collected() as replays, transaction.atomic():
            _uri, headers, body, status = self.create_token_response(request)
            if status != 200 and grant_type == GRANT_CODE:
                # oauthlib answers an error after saving tokens too (a code
                # that another request has just used): keep none of them. (A
                # replayed refresh token's error must keep what it revoked.)
                transaction.set_rollback(True)
        # A code used a second time ends the tokens issued from it (RFC 6749
        # section 4.1.2), outside the rolled-back transaction so that it stays.
        for replay in replays:
            sign_in_tokens_end(replay)
        if status == 401 and request.META.get("HTTP_AUTHORIZATION", "").startswith(
            "Basic "
        ):
            # RFC 6749 section 5.2: a client that authenticated in the header
            # is challenged in the scheme it used.
            headers = {**headers, "WWW-Authenticate": 'Basic realm="oauth2"'}
        # The token endpoint answers JSON, errors too (RFC 6749 section 5.2).
        response = HttpResponse(
            content=body, status=status, content_type="application/json"
        )
        for name, value in headers.items():
            response[name] = value
        return response


# What discovery says a citizen's sign-in can ask for: the browser scopes that
# release something (`address` releases nothing: Saduak holds no address), never
# the machine-only `identity_check`.
DISCOVERY_SCOPES = [
    scope
    for scope in BROWSER_SCOPES
    if scope == "openid" or set(SCOPE_CLAIMS.get(scope, ())) & set(SUPPORTED_CLAIMS)
]
# The prompt values that work (prompt=create is not offered).
PROMPT_VALUES = ["none", "login", "consent"]


class PartnerUserInfoView(UserInfoView):
    """django-oauth-toolkit's userinfo endpoint with DPoP (RFC 9449 section 7): a
    bound access token comes as `Authorization: DPoP <token>` with a proof of
    its key (`ath` naming the token); presented as Bearer it is refused. Tokens
    without a binding keep working as Bearer tokens."""

    def _create_userinfo_response(self, request: HttpRequest) -> HttpResponse:
        scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        dpop_scheme = scheme.lower() == "dpop" and bool(token)
        if dpop_scheme:
            try:
                jkt = dpop.proof_jkt(
                    request.headers.get("DPoP"),
                    method=request.method or "",
                    url=dpop.endpoint_url(request, request.path),
                    access_token=token,
                )
            except dpop.DpopProofError as error:
                return _dpop_challenge("invalid_dpop_proof", str(error))
            # The validator compares it with the token's binding.
            request.META[dpop.VERIFIED_JKT_ENVIRON] = jkt
            request.META["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        response: HttpResponse = super()._create_userinfo_response(request)
        if response.status_code == 401 and token:
            if dpop_scheme:
                return _dpop_challenge(
                    "invalid_token",
                    "The access token is not valid or not bound to this key.",
                )
            if dpop.access_token_jkt(token):
                return _dpop_challenge(
                    "invalid_token", "This access token is DPoP-bound: send it as DPoP."
                )
        return response


def _dpop_challenge(error: str, description: str) -> HttpResponse:
    response = JsonResponse(
        {"error": error, "error_description": description}, status=401
    )
    response["WWW-Authenticate"] = dpop.www_authenticate(error, description)
    response["Cache-Control"] = "no-store"
    return response


class DiscoveryView(ConnectDiscoveryInfoView):
    """django-oauth-toolkit's discovery document, plus what Saduak adds: the `acr`
    values, the languages of its pages, the ID token signing and encryption
    algorithms. Every key says what the server does today."""

    def document(self, request: HttpRequest) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(super().get(request).content)
        document.update(
            {
                "scopes_supported": list(DISCOVERY_SCOPES),
                "prompt_values_supported": list(PROMPT_VALUES),
                # ID tokens: RS256 or ES256 per client, optionally encrypted
                # (signing.py); userinfo answers plain JSON, never signed.
                "id_token_signing_alg_values_supported": list(signing.ALGORITHMS),
                "id_token_encryption_alg_values_supported": list(
                    signing.ENCRYPTION_ALGORITHMS
                ),
                "id_token_encryption_enc_values_supported": list(
                    signing.ENCRYPTION_ENCODINGS
                ),
                "acr_values_supported": list(ACR_VALUES),
                "claims_supported": list(SUPPORTED_CLAIMS),
                "ui_locales_supported": list(LANGUAGES),
                "grant_types_supported": [
                    "authorization_code",
                    "client_credentials",
                    "refresh_token",
                ],
                "response_modes_supported": ["query"],
                "revocation_endpoint": request.build_absolute_uri(
                    reverse("oauth2_provider:revoke-token")
                ),
                "revocation_endpoint_auth_methods_supported": list(
                    oauth2_settings.OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED
                ),
                "authorization_response_iss_parameter_supported": True,
                "claims_parameter_supported": False,
                # OIDC Back-Channel Logout 1.0 (backchannel.py); logout tokens
                # always carry `sid`.
                "backchannel_logout_supported": True,
                "backchannel_logout_session_supported": True,
                **introspection.discovery_metadata(request),
                # private_key_jwt, PAR and signed request objects.
                **client_auth.discovery_metadata(request),
            }
        )
        return document

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = JsonResponse(self.document(request))
        response["Access-Control-Allow-Origin"] = "*"
        return response


class AuthorizationServerMetadataView(DiscoveryView):
    """The RFC 8414 document, at /.well-known/oauth-authorization-server/o (the
    issuer's path inserted after the well-known name, RFC 8414 section 3.1) and
    under /o/: the OpenID document's content, which RFC 8414 shares key for key."""


class JwksView(JwksInfoView):
    """The current and previous signing keys, RSA (RS256) and EC (ES256), each
    parsed once per process."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = JsonResponse({"keys": signing.published_keys()})
        age = settings.OAUTH2_PROVIDER.get("OIDC_JWKS_MAX_AGE_SECONDS", 3600)
        response["Access-Control-Allow-Origin"] = "*"
        response["Cache-Control"] = (
            f"public, max-age={age}, stale-while-revalidate={age}, stale-if-error={age}"
        )
        return response


class PartnerLogoutView(LanguageFromRequestMixin, RPInitiatedLogoutView):
    """RP-initiated logout: it acts only on the session in this browser. With an ID
    token of the person signed in here (and of this session when it says `sid`)
    the sign-out happens at once; otherwise the person is asked. Without a session
    nothing is signed out or revoked: the person is told they are signed out, or
    sent back to the partner's registered address with `state`. Signing out ends
    the session, which ends the partners' sign-ins made in it and tells them
    (back-channel logout); tokens of other sessions and other browsers stay
    (logout.py)."""

    template_name = "identity/oidc/logout_confirm.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        switched = self.language_redirect(request)
        if switched is not None:
            return switched
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]

    def validate_logout_request(
        self,
        id_token_hint: str | None,
        client_id: str | None,
        post_logout_redirect_uri: str | None,
    ) -> tuple[Any, Any]:
        """The hint is checked by signature, issuer and audience, never looked up
        (a partner's hint still works after its tokens ended); `token_user` is the
        person signed in here when the hint is theirs, else None."""
        application, token_user = logout_request_check(
            self.request, id_token_hint=id_token_hint, client_id=client_id
        )
        self.validate_post_logout_redirect_uri(application, post_logout_redirect_uri)
        return application, token_user

    def validate_post_logout_redirect_uri(
        self, application: Any, post_logout_redirect_uri: str | None
    ) -> None:
        """django-oauth-toolkit's checks, and then the exact string: its own match
        lets a loopback address use any port (RFC 8252), which the guide does not
        promise, as at the authorization and token endpoints."""
        super().validate_post_logout_redirect_uri(application, post_logout_redirect_uri)
        if post_logout_redirect_uri and (
            post_logout_redirect_uri
            not in application.post_logout_redirect_uris.split()
        ):
            raise InvalidOIDCRedirectURIError(
                "This client does not have this redirect uri registered."
            )

    def do_logout(
        self,
        application: Any = None,
        post_logout_redirect_uri: str | None = None,
        state: str | None = None,
        token_user: Any = None,
    ) -> HttpResponse:
        """Signs out the session of this browser only (django-oauth-toolkit's
        revoked every token of the hint's person at every partner, even from a
        request without a session)."""
        signed_in = self.request.user.is_authenticated
        if signed_in:
            auth_logout(self.request)
        if post_logout_redirect_uri and application is not None:
            target = post_logout_redirect_uri
            if state:
                target = add_params_to_uri(target, [("state", state)])
            return OAuth2ResponseRedirect(target, application.get_allowed_schemes())
        if not signed_in:
            return self.render_to_response(self.get_context_data(signed_out=True))
        return OAuth2ResponseRedirect(
            self.request.build_absolute_uri("/"),
            oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.language_context())
        application = context.get("application")
        partner = (
            selectors.partner_for_application(application) if application else None
        )
        context["partner_name"] = partner_name(partner) if partner else ""
        return context  # type: ignore[no-any-return]

    def render_to_response(
        self, context: dict[str, Any], **response_kwargs: Any
    ) -> HttpResponse:
        response = super().render_to_response(context, **response_kwargs)
        target = self.oidc_data.get("post_logout_redirect_uri")
        if target and "error" not in context:
            policy = policy_allowing_form_target(target)
            if policy:
                response["Content-Security-Policy"] = policy
        return response  # type: ignore[no-any-return]


# --- The citizen's consents ---------------------------------------------------------
@login_required
@never_cache
@require_GET
def consent_list(request: HttpRequest) -> HttpResponse:
    consents = selectors.consents_in_force_for(user=acting_user(request))
    rows = [
        {
            "consent": consent,
            "partner_name": partner_name(consent.partner),
            "purpose": partner_purpose(consent.partner),
            "items": consent_items(consent.scope_set),
        }
        for consent in consents
    ]
    return render(request, "identity/oidc/consent_list.html", {"rows": rows})


@login_required
@require_POST
def consent_revoke(request: HttpRequest, consent_id: UUID) -> HttpResponse:
    user = acting_user(request)
    consent = selectors.consent_of(user=user, consent_id=consent_id)
    oidc_consent_revoke(user=user, consent=consent)
    messages.success(
        request,
        _(
            "%(partner)s no longer receives your data. It will ask again the next "
            "time you sign in there."
        )
        % {"partner": partner_name(consent.partner)},
    )
    return redirect("oidc:consents")
