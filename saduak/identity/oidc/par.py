"""The pushed authorization request endpoint (RFC 9126), POST /o/par/.

The client authenticates as at the token endpoint (its registered method; a
public client names itself with client_id) and posts the authorization
parameters, or a signed request object in `request`. They are checked as the
authorization endpoint checks them (client, exact redirect_uri, scopes, response
type code, PKCE with S256), stored for OIDC_PAR_SECONDS, and answered
201 {"request_uri": "urn:ietf:params:oauth:request_uri:...", "expires_in": N}.
Errors are JSON: invalid_client (401), invalid_request, invalid_request_object,
invalid_scope... (400)."""

import json
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauthlib.common import Request as OauthlibRequest
from oauthlib.oauth2.rfc6749.errors import FatalClientError, OAuth2Error

from saduak.identity.oidc.request_objects import (
    RequestRefused,
    pushed_request_create,
    request_object_parameters,
)

# Parameters of client authentication, not of the authorization request.
AUTHENTICATION_PARAMETERS = frozenset(
    {"client_secret", "client_assertion", "client_assertion_type"}
)
MAX_BODY_BYTES = 32 * 1024


def _error(
    error: str, description: str, status: int = 400, **headers: str
) -> HttpResponse:
    response = JsonResponse(
        {"error": error, "error_description": description}, status=status
    )
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name] = value
    return response


@method_decorator(csrf_exempt, name="dispatch")
class PushedAuthorizationRequestView(View):
    http_method_names = ["post"]

    @method_decorator(sensitive_post_parameters("client_secret", "client_assertion"))
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = MAX_BODY_BYTES + 1
        if length > MAX_BODY_BYTES:
            return _error("invalid_request", "The request is too large.")
        if request.content_type != "application/x-www-form-urlencoded":
            return _error("invalid_request", "Send application/x-www-form-urlencoded.")
        core = get_oauthlib_core()
        validator = core.server.request_validator
        uri, method, body, headers = core._extract_params(request)
        oauth_request = OauthlibRequest(uri, method, body, headers)
        client = self._authenticated_client(validator, oauth_request, request)
        if client is None:
            extra = (
                {"WWW-Authenticate": 'Basic realm="oauth"'}
                if request.META.get("HTTP_AUTHORIZATION", "").startswith("Basic ")
                else {}
            )
            return _error(
                "invalid_client", "Client authentication failed.", 401, **extra
            )
        parameters: dict[str, str] = {}
        for name, values in request.POST.lists():
            if len(values) != 1:
                return _error("invalid_request", f"Parameter {name} is repeated.")
            if name not in AUTHENTICATION_PARAMETERS:
                parameters[name] = values[0]
        if "request_uri" in parameters:
            return _error("invalid_request", "request_uri cannot be pushed.")
        partner_client = client.partner_client
        if "request" in parameters:
            try:
                signed = request_object_parameters(
                    parameters["request"],
                    application=client,
                    request=oauth_request,
                    once=True,
                )
            except RequestRefused as refused:
                return _error(refused.error, refused.description)
            if parameters.get("client_id", client.client_id) != client.client_id:
                return _error("invalid_request", "client_id does not match.")
            parameters = signed
        elif partner_client.require_signed_request_object:
            return _error(
                "invalid_request", "This client must send a signed request object."
            )
        if parameters.setdefault("client_id", client.client_id) != client.client_id:
            return _error(
                "invalid_request", "client_id is not the authenticated client."
            )
        invalid = self._authorization_check(core, request, parameters)
        if invalid is not None:
            return invalid
        request_uri, expires_in = pushed_request_create(
            application=client, parameters=parameters
        )
        response = JsonResponse(
            {"request_uri": request_uri, "expires_in": expires_in}, status=201
        )
        response["Cache-Control"] = "no-store"
        return response

    def _authenticated_client(
        self, validator: Any, oauth_request: OauthlibRequest, request: HttpRequest
    ) -> Any:
        if validator.client_authentication_required(oauth_request):
            if not validator.authenticate_client(oauth_request):
                return None
        elif not validator.authenticate_client_id(
            request.POST.get("client_id", ""), oauth_request
        ):
            return None
        return getattr(oauth_request, "client", None)

    def _authorization_check(
        self, core: Any, request: HttpRequest, parameters: dict[str, str]
    ) -> HttpResponse | None:
        """The authorization endpoint's own checks (oauthlib and the validator)."""
        if parameters.get("response_type") != "code":
            return _error("unsupported_response_type", "response_type must be code.")
        if (
            not parameters.get("code_challenge")
            or parameters.get("code_challenge_method") != "S256"
        ):
            return _error("invalid_request", "PKCE with S256 is required.")
        if not parameters.get("redirect_uri"):
            return _error("invalid_request", "redirect_uri is required.")
        address = reverse("oauth2_provider:authorize") + "?" + urlencode(parameters)
        headers = core.extract_headers(request)
        try:
            core.server.validate_authorization_request(address, "GET", "", headers)
        except FatalClientError as error:
            return _error(error.error, error.description or "The request is not valid.")
        except OAuth2Error as error:
            return _error(error.error, error.description or "The request is not valid.")
        except (ValueError, TypeError, json.JSONDecodeError):
            return _error("invalid_request", "The request is not valid.")
        return None
