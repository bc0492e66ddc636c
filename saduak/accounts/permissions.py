from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.accounts.scoping import is_staff_member


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in and holding at least one active staff role."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_staff_member(request.user):  # type: ignore[arg-type]
            raise PermissionDenied(_("This page is for staff of the department."))
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def acting_user(request: HttpRequest) -> User:
    """The signed-in user of a request that authentication has already let through."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to do this."))
    return user
