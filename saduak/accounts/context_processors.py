"""What every page's header needs to know about the person: whether to show the
**Staff** link (only to users with an active staff role). It lives here, not in
core's `site`, because staff roles are an accounts matter and core imports no app."""

from django.http import HttpRequest

from saduak.accounts.scoping import is_staff_member


def staff_member(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    # A request refused early (a bad Host header) has no user yet.
    return {"is_staff_member": is_staff_member(user) if user is not None else False}
