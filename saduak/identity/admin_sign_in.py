"""The Django admin's sign-in: the site's own (password, then second factor).
With STAFF_SECOND_FACTOR_REQUIRED on, the admin opens only to a session that
passed a second factor, whatever else lets a request through."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from saduak.identity.step_up import PASSED_AT_KEY, step_up_url

AdminCheck = Callable[[HttpRequest], bool]


def admin_has_permission(allowed: AdminCheck) -> AdminCheck:
    def has_permission(request: HttpRequest) -> bool:
        if not allowed(request):
            return False
        if not settings.STAFF_SECOND_FACTOR_REQUIRED:
            return True
        return request.session.get(PASSED_AT_KEY) is not None

    return has_permission


def admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """admin:login sends to the site's sign-in (or, signed in already, to give
    the second factor) and back to the admin."""
    next_url = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}
    ):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if (
            settings.STAFF_SECOND_FACTOR_REQUIRED
            and request.session.get(PASSED_AT_KEY) is None
        ):
            return redirect(step_up_url(request, next_url))
        # Signed in, second factor passed, and still not let in: not for them.
        raise PermissionDenied
    return redirect(reverse("accounts:login") + "?" + urlencode({"next": next_url}))
