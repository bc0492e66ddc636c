"""The waiting room in front of everything else: under a surge, booking requests
over the admission rate are answered before sessions, authentication or any
database work, so that the app servers stay free for those admitted."""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from saduak.core.admission import Busy, admit_now
from saduak.core.errors import DomainError
from saduak.core.problems import problem_response

# The booking pages (choosing a time, confirming, changing) and their API.
GUARDED = re.compile(
    r"^/(?:en/)?appointments/(?:book/[^/]+/[^/]+/|b/[^/]+/change/)"
    r"|^/api/v1/appointments/(?:bookings$|bookings/[^/]+/reschedule$"
    r"|offices/[^/]+/services/)"
)


class AdmissionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not GUARDED.match(request.path):
            return self.get_response(request)
        try:
            admit_now()
        except Busy as busy:
            return waiting_room(request, busy)
        return self.get_response(request)


def waiting_room(request: HttpRequest, busy: DomainError) -> HttpResponse:
    """503 (everyone waits) or 429 (this person or address waits), with
    Retry-After; pages refresh themselves when the time is up."""
    retry = str(busy.extra["retry_after"])
    language = "en" if request.path.startswith("/en/") else "th"
    with translation.override(language):
        if request.path.startswith("/api/"):
            response = problem_response(
                request,
                status=busy.status,
                code=busy.code,
                title=str(busy.message),
                extra=dict(busy.extra),
            )
        else:
            response = HttpResponse(
                render_to_string(
                    "appointments/waiting_room.html",
                    {
                        "message": busy.message,
                        "retry_after": retry,
                        "path": request.get_full_path(),
                    },
                ),
                status=busy.status,
            )
    response["Retry-After"] = retry
    response["Cache-Control"] = "no-store"
    return response
