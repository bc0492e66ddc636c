"""The waiting room in front of everything else (saduak/core/waiting_room.py):
under a surge, arrivals at the booking pages and API get a signed place in line
before sessions, authentication or any database work, so the app servers stay free
for those admitted; an admitted person carries an admission token (a cookie, or
the `Waiting-Room-Token` header for the API) for the rest of the booking.

Browsers get the waiting page with **200**, not 503: nginx in front treats 503 from
an app server as a failed server (proxy_next_upstream, max_fails), so answering
503 to a surge would mark the app servers down and retry elsewhere, a storm of its
own. The API answers **429** with Retry-After and a problem+json that carries the
place, the people ahead, the expected wait and the token to present on retry."""

import math
import re
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saduak.core.errors import DomainError
from saduak.core.problems import problem_response
from saduak.core.waiting_room import (
    EARLY,
    IN,
    Visit,
    WaitingRoom,
    admission_sign,
    admission_valid,
    booking_room,
    queued_ms,
    spread,
    ticket_read,
    ticket_sign,
)

# The booking pages (choosing a time, confirming, changing) and their API.
GUARDED = re.compile(
    r"^/(?:en/)?appointments/(?:book/[^/]+/[^/]+/|b/[^/]+/change/)"
    r"|^/api/v1/appointments/(?:bookings$|bookings/[^/]+/reschedule$"
    r"|offices/[^/]+/services/)"
)
COOKIE = "saduak_waiting_room"
HEADER = "Waiting-Room-Token"
# The ticket in the address too, so that a browser without cookies keeps its place.
QUERY = "wr"
# auto=0: the waiting page does not check by itself (the person turned it off).
AUTO = "auto"
# The room's figures for operators and the bench (no personal data: counts only).
STATUS_PATH = "/appointments/waiting-room/status.json"
# When nginx received the request ("t=<seconds>.<milliseconds>", its $msec).
REQUEST_START = "X-Request-Start"


class AdmissionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not GUARDED.match(request.path):
            if request.path == STATUS_PATH:
                return status_response()
            return self.get_response(request)
        room = booking_room()
        presented = _presented_tokens(request)
        if any(admission_valid(token, room=room.name) for token in presented):
            return self._admitted(request, room)
        ticket = next(
            (
                found
                for found in (ticket_read(token, room=room.name) for token in presented)
                if found is not None
            ),
            None,
        )
        visit = room.visit(ticket)
        if visit is None:  # no waiting room (admission rate 0)
            return self.get_response(request)
        if visit.outcome == IN:
            response = self._admitted(request, room)
            token = admission_sign(room=room.name, place=visit.place)
            _keep_token(
                request, response, token, settings.WAITING_ROOM_ADMISSION_SECONDS
            )
            return response
        return waiting_page(request, room, visit)

    def _admitted(self, request: HttpRequest, room: WaitingRoom) -> HttpResponse:
        """The request itself, timed for the controller of the admission rate:
        from the reverse proxy's stamp when there is one (the time spent waiting
        for a free app server thread is what a surge adds, and what the admitted
        person feels), else from here."""
        started = time.perf_counter()
        response = self.get_response(request)
        in_app = int((time.perf_counter() - started) * 1000)
        room.record(max(in_app, _queued_ms(request, room) or 0))
        return response


def _queued_ms(request: HttpRequest, room: WaitingRoom) -> int | None:
    """Since nginx received the request (X-Request-Start, deploy/conf/nginx.conf),
    only behind our own proxy (TRUSTED_PROXIES >= 1: a client could write the
    header itself otherwise); None without a sensible stamp."""
    if settings.TRUSTED_PROXIES < 1:
        return None
    stamp = request.headers.get(REQUEST_START, "")
    if not stamp:
        return None
    return queued_ms(stamp, now_ms=room.clock())


def status_response() -> HttpResponse:
    """head, tail, waiting, rate, ceiling, admitted p95 (ms) of the booking room."""
    response = JsonResponse(booking_room().status())
    response["Cache-Control"] = "no-store"
    return response


def _presented_tokens(request: HttpRequest) -> list[str]:
    found = [
        request.headers.get(HEADER, ""),
        request.COOKIES.get(COOKIE, ""),
        request.GET.get(QUERY, ""),
    ]
    return [token for token in found if token and len(token) < 400]


def _keep_token(
    request: HttpRequest, response: HttpResponse, token: str, seconds: int
) -> None:
    """The token in a cookie for pages, in a header for the API."""
    response[HEADER] = token
    response.set_cookie(
        COOKIE,
        token,
        max_age=seconds,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def _language(request: HttpRequest) -> str:
    return "en" if request.path.startswith("/en/") else "th"


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return _("less than a minute")
    minutes = math.ceil(seconds / 60)
    return ngettext("about %(count)d minute", "about %(count)d minutes", minutes) % {
        "count": minutes
    }


def _when(opening: datetime | None) -> str:
    """The opening's time, with its day when it is not today (local time)."""
    if opening is None:
        return ""
    if opening.date() == timezone.localdate():
        return opening.strftime("%H:%M")
    return opening.strftime("%d/%m/%Y %H:%M")


def waiting_page(request: HttpRequest, room: WaitingRoom, visit: Visit) -> HttpResponse:
    """The place in line: a page for browsers (200, refreshes itself, no
    JavaScript), 429 problem+json for the API; both with the ticket."""
    now_ms = room.clock()
    ticket = visit.ticket(room.name)
    token = ticket_sign(ticket) if ticket else ""
    wait = visit.wait_seconds(now_ms)
    # Spread at random (WAITING_ROOM_REFRESH_SPREAD): people who arrived in the
    # same second do not come back in the same second. The page, Refresh,
    # Retry-After and the API's retry_after all say this same number.
    refresh = spread(
        visit.refresh_seconds(now_ms),
        share=settings.WAITING_ROOM_REFRESH_SPREAD / 100,
        draw=secrets.randbelow,
    )
    early = visit.outcome == EARLY
    opening = (
        timezone.localtime(datetime.fromtimestamp(visit.opening_ms / 1000, tz=UTC))
        if visit.opening_ms
        else None
    )
    with translation.override(_language(request)):
        if early:
            message = _(
                "Booking opens at %(time)s. Everyone who arrives before then gets a "
                "place drawn at random at the opening, so there is no need to hurry."
            ) % {"time": _when(opening)}
        else:
            message = _(
                "Many people are booking right now. You have a place in line and "
                "this page checks by itself when it is your turn."
            )
        if request.path.startswith("/api/"):
            extra = {
                "place": None if early else visit.place,
                "ahead": None if early else visit.ahead,
                "entry": visit.place if early else None,
                "opens_at": opening.isoformat() if opening else None,
                "wait_seconds": wait,
                "retry_after": refresh,
                "rate": visit.rate,
                "token": token,
            }
            response = problem_response(
                request,
                status=429,
                code="waiting-room",
                title=message,
                detail=_(
                    "Send the request again after Retry-After seconds with the token "
                    "in the Waiting-Room-Token header to keep your place."
                ),
                extra=extra,
            )
        else:
            # WCAG 2.2.1 (timing adjustable): the automatic check can be turned off
            # (AUTO=0 in the address) and on again; "Check now" works either way.
            automatic = request.GET.get(AUTO) != "0"
            query = request.GET.copy()
            query[QUERY] = token
            again = f"{request.path}?{query.urlencode()}"
            query[AUTO] = "0"
            manual = f"{request.path}?{query.urlencode()}"
            query.pop(AUTO)
            resume = f"{request.path}?{query.urlencode()}"
            response = HttpResponse(
                render_to_string(
                    "appointments/waiting_room.html",
                    {
                        "LANGUAGE_CODE": _language(request),
                        "message": message,
                        "early": early,
                        "opening": _when(opening),
                        "place": visit.place,
                        "ahead": visit.ahead,
                        "wait": _wait_text(wait),
                        "refresh": refresh,
                        "again": again,
                        "automatic": automatic,
                        "manual": manual,
                        "resume": resume,
                    },
                ),
            )
            if automatic:
                response["Refresh"] = f"{refresh}; url={again}"
    response["Retry-After"] = str(refresh)
    response["Cache-Control"] = "no-store"
    if token:
        _keep_token(request, response, token, settings.WAITING_ROOM_TICKET_HOURS * 3600)
    return response


def waiting_room(request: HttpRequest, busy: DomainError) -> HttpResponse:
    """One person's or address's limit (TooManyRequests from `admit`): 429 with
    Retry-After; pages refresh themselves when the time is up."""
    retry = str(busy.extra["retry_after"])
    with translation.override(_language(request)):
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
                    "appointments/slow_down.html",
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
