"""What a request answers when a part it needs is down: the database (PostgreSQL
restarting, the pooler gone), the documents' storage, an outside service. The
person gets 503 with Retry-After and a page saying to try again shortly (the API:
problem+json), never a server error with a traceback; the work of a request that
failed this way is rolled back (saduak.core.idempotency keeps nothing of it)."""

import logging
import sys
from typing import Any

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

from saduak.core.problems import problem_response
from saduak.core.responders import error_responder

logger = logging.getLogger("saduak.outages")

# How long a client is told to wait: PostgreSQL restarting, or PgBouncer
# reconnecting to it, is back within seconds.
DATABASE_RETRY_AFTER_SECONDS = 5

# PostgreSQL's codes for "this connection is gone or cannot be made": class 08
# (connection exception, also what PgBouncer answers when it has no server),
# an administrator's or a crash's shutdown, a server still starting, too many
# connections.
_UNAVAILABLE_SQLSTATES = {"57P01", "57P02", "57P03", "53300"}
# SQLite: another writer holds the lock past the timeout, or the file is gone.
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database file")

_MARK = "_saduak_database_unavailable"


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether `exc` says the database cannot be reached now (worth a 503 and a
    retry), as opposed to an error of the query itself (a missing table, a
    statement timeout), which stays a server error to be fixed."""
    if isinstance(exc, InterfaceError):  # a connection already closed
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if cause is not None and type(cause).__module__.startswith("psycopg"):
        sqlstate = getattr(cause, "sqlstate", None)
        # No SQLSTATE: libpq's own error (connection refused, server closed the
        # connection unexpectedly, a timeout): nothing the server answered.
        return (
            sqlstate is None
            or sqlstate.startswith("08")
            or sqlstate in _UNAVAILABLE_SQLSTATES
        )
    message = str(exc).lower()
    return any(text in message for text in _SQLITE_UNAVAILABLE)


def _mark_request(
    sender: Any, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """An exception Django turns into a server error (one raised by a middleware,
    not a view) is marked on its request when it is the database being away, so
    DatabaseUnavailableMiddleware and the 500 handler answer 503 instead."""
    if request is not None and database_unavailable(sys.exc_info()[1]):
        setattr(request, _MARK, True)


got_request_exception.connect(_mark_request, dispatch_uid="saduak-database-unavailable")


def request_hit_database_outage(request: HttpRequest) -> bool:
    return bool(getattr(request, _MARK, False))


def _language(request: HttpRequest) -> str:
    if request.path.startswith("/api/"):
        return translation.get_language_from_request(request, check_path=False)
    return translation.get_language_from_path(request.path) or settings.LANGUAGE_CODE


def unavailable_response(
    request: HttpRequest,
    *,
    code: str,
    message: str,
    retry_after: int,
) -> HttpResponse:
    """503 with Retry-After: problem+json `code` under /api/, a path's own error
    format (open311), else the bilingual 503 page with `message`. Renders without
    the request's context, which could need the database."""
    responder = error_responder(request.path)
    if request.path.startswith("/api/"):
        response = problem_response(
            request,
            status=503,
            code=code,
            title=message,
            extra={"retry_after": retry_after},
        )
    elif responder is not None:
        response = responder(request, 503, message)
    else:
        response = HttpResponse(
            loader.render_to_string("errors/503.html", {"reason": message}),
            status=503,
        )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    with translation.override(_language(request)):
        return unavailable_response(
            request,
            code="database-unavailable",
            message=_(
                "The service cannot reach its database for a moment. What you were "
                "doing was not finished: try again in a few seconds."
            ),
            retry_after=DATABASE_RETRY_AFTER_SECONDS,
        )
