"""Token introspection (RFC 7662) for partners' resource servers.

A partner's client registered with `may_introspect` (HQ sets it) asks whether a
token is in force and what it says. It authenticates as at the token endpoint
(the validator's authenticate_client, so every registered method applies) and
learns only of tokens of its own partner's clients: any other token, like an
expired, revoked or unknown one, is `{"active": false}`, never why."""

import hashlib
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider.models import get_access_token_model, get_refresh_token_model
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import Request

from saduak.identity.models import PartnerClient
from saduak.identity.oidc.claims import assurance_claims, pairwise_subject
from saduak.identity.oidc.models import AccessTokenBinding, RefreshTokenBinding

INACTIVE: dict[str, Any] = {"active": False}
ACCESS_TOKEN = "access_token"
REFRESH_TOKEN = "refresh_token"


def _checksum(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _timestamp(value: Any) -> int:
    return int(value.timestamp())


def _partner_id_of(application_id: int | None) -> int | None:
    if application_id is None:
        return None
    return (
        PartnerClient.objects.filter(application_id=application_id)
        .values_list("partner_id", flat=True)
        .first()
    )


def _sign_in_claims(sign_in: Any) -> dict[str, Any]:
    if sign_in is None:
        return {}
    claims: dict[str, Any] = {"auth_time": _timestamp(sign_in.auth_time)}
    acr = assurance_claims(sign_in.assurance_level).get("acr")
    if acr:
        claims["acr"] = acr
    return claims


def _common(token: Any, partner_client: Any, issuer: str) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "active": True,
        "client_id": token.application.client_id,
        "iat": _timestamp(token.created),
        "iss": issuer,
        "aud": list(token.resource or []) or token.application.client_id,
    }
    # A refresh token's scope is its access token's (django-oauth-toolkit).
    holder = token if hasattr(token, "scope") else getattr(token, "access_token", None)
    if holder is not None:
        answer["scope"] = holder.scope
    if token.user is not None:
        answer["sub"] = pairwise_subject(
            user=token.user, partner=partner_client.partner
        )
    return answer


def _access_token_answer(
    value: str, caller_partner_id: int, issuer: str
) -> dict[str, Any] | None:
    token = (
        get_access_token_model()
        .objects.select_related("application", "user")
        .filter(token_checksum=_checksum(value))
        .first()
    )
    if token is None or token.application is None or token.is_expired():
        return None
    partner_client = _owner_if_same_partner(token.application_id, caller_partner_id)
    if partner_client is None:
        return None
    binding = (
        AccessTokenBinding.objects.select_related("sign_in")
        .filter(access_token=token)
        .first()
    )
    sign_in = binding.sign_in if binding is not None else None
    if sign_in is not None and sign_in.ended_at is not None:
        return None
    answer = _common(token, partner_client, issuer)
    answer["exp"] = _timestamp(token.expires)
    answer["token_type"] = "DPoP" if binding is not None and binding.jkt else "Bearer"
    answer.update(_sign_in_claims(sign_in))
    if binding is not None and binding.jkt:
        answer["cnf"] = {"jkt": binding.jkt}
    return answer


def _refresh_token_answer(
    value: str, caller_partner_id: int, issuer: str
) -> dict[str, Any] | None:
    token = (
        get_refresh_token_model()
        .objects.select_related("application", "user", "access_token")
        .filter(token_checksum=_checksum(value), revoked__isnull=True)
        .first()
    )
    if token is None or token.application is None:
        return None
    lifetime = oauth2_settings.REFRESH_TOKEN_EXPIRE_SECONDS
    expires = token.created + timedelta(seconds=lifetime) if lifetime else None
    if expires is not None and expires <= timezone.now():
        return None
    partner_client = _owner_if_same_partner(token.application_id, caller_partner_id)
    if partner_client is None:
        return None
    binding = (
        RefreshTokenBinding.objects.select_related("sign_in")
        .filter(refresh_token=token)
        .first()
    )
    sign_in = binding.sign_in if binding is not None else None
    if sign_in is not None and sign_in.ended_at is not None:
        return None
    answer = _common(token, partner_client, issuer)
    answer["token_type"] = REFRESH_TOKEN
    if expires is not None:
        answer["exp"] = _timestamp(expires)
    answer.update(_sign_in_claims(sign_in))
    if binding is not None and binding.jkt:
        answer["cnf"] = {"jkt": binding.jkt}
    return answer


def _owner_if_same_partner(application_id: int, caller_partner_id: int) -> Any:
    partner_client = (
        PartnerClient.objects.select_related("partner")
        .filter(application_id=application_id)
        .first()
    )
    if (
        partner_client is None
        or partner_client.partner_id != caller_partner_id
        or not partner_client.partner.is_active
    ):
        return None
    return partner_client


def token_introspection(
    *, token: str, hint: str, caller_partner_id: int, issuer: str
) -> dict[str, Any]:
    """RFC 7662 section 2.2's answer for `token`, asked by a client of partner
    `caller_partner_id`. The hint only decides which kind is looked up first."""
    order = (
        (_refresh_token_answer, _access_token_answer)
        if hint == REFRESH_TOKEN
        else (_access_token_answer, _refresh_token_answer)
    )
    for look_up in order:
        answer = look_up(token, caller_partner_id, issuer)
        if answer is not None:
            return answer
    return dict(INACTIVE)


def _error(
    status: int, error: str, description: str, headers: dict[str, str] | None = None
) -> HttpResponse:
    response = JsonResponse(
        {"error": error, "error_description": description}, status=status
    )
    for name, value in (headers or {}).items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    return response


def _caller(request: HttpRequest) -> Any:
    """The client the caller authenticated as (the validator's
    authenticate_client: client_secret_basic/post, or what clientauth adds)."""
    core = get_oauthlib_core()
    oauth_request = Request(
        request.get_full_path(),
        http_method="POST",
        body=urlencode(list(request.POST.items())),
        headers=core.extract_headers(request),
    )
    validator = oauth2_settings.OAUTH2_VALIDATOR_CLASS()
    if not validator.authenticate_client(oauth_request):
        return None
    return oauth_request.client


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(never_cache, name="dispatch")
class IntrospectionView(View):
    """POST /o/introspect/ (RFC 7662 section 2)."""

    http_method_names = ["post"]

    @method_decorator(sensitive_post_parameters("token", "client_secret"))
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        client = _caller(request)
        if client is None:
            headers = {}
            if request.headers.get("Authorization", "").lower().startswith("basic "):
                headers["WWW-Authenticate"] = 'Basic realm="saduak"'
            return _error(
                401, "invalid_client", "Client authentication failed.", headers
            )
        partner_client = (
            PartnerClient.objects.select_related("partner")
            .filter(application_id=client.pk)
            .first()
        )
        if (
            partner_client is None
            or not partner_client.may_introspect
            or not partner_client.partner.is_active
        ):
            return _error(
                403, "unauthorized_client", "This client may not introspect tokens."
            )
        token = request.POST.get("token", "")
        if not token:
            return _error(400, "invalid_request", "The token parameter is missing.")
        answer = token_introspection(
            token=token,
            hint=request.POST.get("token_type_hint", ""),
            caller_partner_id=partner_client.partner_id,
            issuer=oauth2_settings.oidc_issuer(request),
        )
        response = JsonResponse(answer)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response


def discovery_metadata(request: HttpRequest) -> dict[str, Any]:
    """What discovery says of introspection and DPoP."""
    from django.urls import reverse

    from saduak.identity.oidc.dpop import ALGORITHMS

    methods = [
        method
        for method in oauth2_settings.OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED
        if method != "none"
    ]
    issuer = urlsplit(oauth2_settings.oidc_issuer(request))
    endpoint = (
        f"{issuer.scheme}://{issuer.netloc}{reverse('oauth2_provider:introspect')}"
    )
    return {
        "introspection_endpoint": endpoint,
        "introspection_endpoint_auth_methods_supported": methods,
        "dpop_signing_alg_values_supported": list(ALGORITHMS),
    }
