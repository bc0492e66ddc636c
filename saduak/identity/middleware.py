from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from saduak.identity.models import SignInSession

SESSION_ID_KEY = "saduak_sign_in_session"
TOUCH_EVERY_SECONDS = 300


class SignInSessionMiddleware:
    """Keeps "last seen" of the signed-in session roughly current (at most one write
    every five minutes). Ending a session deletes it, which signs it out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session_id = (
            request.session.get(SESSION_ID_KEY) if hasattr(request, "session") else None
        )
        if session_id:
            now = timezone.now().timestamp()
            if now - request.session.get("saduak_seen", 0) > TOUCH_EVERY_SECONDS:
                SignInSession.objects.filter(pk=session_id).update(
                    last_seen_at=timezone.now()
                )
                request.session["saduak_seen"] = now
        return self.get_response(request)
