"""JSON endpoints the passkey script calls: add a passkey to one's account, and use
one as the second step of sign-in or to step up a signed-in session."""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saduak.accounts.permissions import acting_user
from saduak.core.errors import DomainError
from saduak.core.problems import problem_response
from saduak.identity import passkeys
from saduak.identity.second_factor import has_second_factor
from saduak.identity.step_up import (
    second_factor_is_recent,
    second_factor_passed,
    second_factor_required_error,
    step_up_url,
)

RECOVERY_CODES_KEY = "saduak_new_recovery_codes"


def _options(body: str) -> HttpResponse:
    return HttpResponse(body, content_type="application/json")


def _refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    return problem_response(
        request, status=400, code=error.code, title=str(error.message)
    )


def _old_second_factor(request: HttpRequest) -> HttpResponse | None:
    """Adding a passkey beside an existing factor is a key change: it asks for
    the second factor again when the last one is old (a first one is not)."""
    user = acting_user(request)
    if not has_second_factor(user) or second_factor_is_recent(request, user):
        return None
    error = second_factor_required_error(request)
    error.extra["step_up_url"] = step_up_url(request, reverse("identity:security"))
    return problem_response(
        request,
        status=error.status,
        code=error.code,
        title=str(error.message),
        extra=error.extra,
    )


@login_required
@require_POST
def register_options(request: HttpRequest) -> HttpResponse:
    if refusal := _old_second_factor(request):
        return refusal
    return _options(
        passkeys.registration_options(request=request, user=acting_user(request))
    )


@login_required
@require_POST
def register_verify(request: HttpRequest) -> HttpResponse:
    if refusal := _old_second_factor(request):
        return refusal
    try:
        body = passkeys.parse_credential(request.body)
        _passkey, codes = passkeys.passkey_register(
            request=request,
            user=acting_user(request),
            credential=body.get("credential") or {},
            name=str(body.get("name", "")),
        )
    except DomainError as error:
        return _refused(request, error)
    if codes:
        # Shown once on the security page, then forgotten.
        request.session[RECOVERY_CODES_KEY] = codes
    # The passkey just made answered a challenge: a second factor.
    second_factor_passed(request)
    return JsonResponse({"next": reverse("identity:security")})


@login_required
@require_POST
def remove(request: HttpRequest, passkey_id: UUID) -> HttpResponse:
    passkeys.passkey_remove(user=acting_user(request), passkey_id=passkey_id)
    return redirect("identity:security")


def passkey_refused(request: HttpRequest) -> HttpResponse:
    return problem_response(
        request,
        status=400,
        code="passkey-refused",
        title=_(
            "The passkey was not accepted. Try again, or use your app or a recovery code."
        ),
    )
