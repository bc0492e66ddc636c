import contextlib
import json
import logging
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from saduak.core.logging import bind_request_id, unbind_request_id
from saduak.core.text import text_fault, text_faults

logger = logging.getLogger("saduak.request")

Handler = Callable[[HttpRequest], HttpResponse]


class RequestIdMiddleware:
    """Gives every request an id, echoes it in X-Request-ID and logs one line per
    request with method, path, status and duration."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id, token = bind_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if not request.path.startswith("/healthz/ping"):
                logger.info(
                    "request",
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            unbind_request_id(token)


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy from settings on every response that has none."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class DomainErrorMiddleware:
    """Pages: a service's NotFound becomes the 404 page, its permission refusal the
    403 page and a part being down (ServiceUnavailable) the 503 page with
    Retry-After, with the service's own message. (The API maps the same errors to problem
    details in config/api.py.)"""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        from django.shortcuts import render

        from saduak.core.errors import (
            NotFound,
            PermissionDeniedError,
            ServiceUnavailable,
        )
        from saduak.core.outages import unavailable_response

        if isinstance(exception, ServiceUnavailable):
            logger.warning("%s: answered 503 on %s", exception.code, request.path)
            return unavailable_response(
                request,
                code=exception.code,
                message=str(exception.message),
                retry_after=int(exception.extra.get("retry_after", 60)),
            )

        if isinstance(exception, NotFound):
            return render(
                request,
                "errors/404.html",
                {"reason": str(exception.message)},
                status=404,
            )
        if isinstance(exception, PermissionDeniedError):
            return render(
                request,
                "errors/403.html",
                {"reason": str(exception.message)},
                status=403,
            )
        return None


class ApiProblemMiddleware:
    """Under /api/ every error is problem details, including the ones Django answers
    before the API sees the request (an unknown path, a method not allowed, a server
    error page)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and "json" not in response.get("Content-Type", "")
        ):
            from saduak.core.problems import problem_for_status

            problem = problem_for_status(request, response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    problem[header] = response[header]
            return problem
        return response


class ApiLanguageMiddleware:
    """Pages take their language from the URL (Thai at /, English at /en/). The API
    has no language prefix, so it follows the caller's Accept-Language (Thai when it
    names neither)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        from django.utils import translation

        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.setdefault("Content-Language", language)
        return response


class RefuseNulMiddleware:
    """Text that cannot be stored (saduak.core.text: NUL, a lone surrogate) in
    the address, the query, a form (urlencoded or multipart) or a JSON body is
    refused with a 400 page naming the field, before any view runs: PostgreSQL
    cannot store it, UTF-8 cannot encode a lone surrogate, and no view should
    have to think about it. Under /api/ only the address is checked here; the
    API's parser refuses the rest with problem+json naming the field
    (config/api.py)."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
    # A JSON body is decoded again only when it holds an escape of these.
    JSON_SUSPECT = re.compile(rb"\\u0000|\\u[dD][89a-fA-F]")

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            return self._refused(request, [("path", text_fault("\x00") or "")])
        if not request.path.startswith("/api/"):
            faults = self._faults(request)
            if faults:
                return self._refused(request, faults)
        return self.get_response(request)

    def _faults(self, request: HttpRequest) -> list[tuple[str, str]]:
        faults = [
            (name, reason)
            for key, values in request.GET.lists()
            for name, reason in text_faults(values, key)
        ]
        if request.method not in {"POST", "PUT", "PATCH"}:
            return faults
        if request.content_type in self.FORM_TYPES:
            faults += [
                (name, reason)
                for key, values in request.POST.lists()
                for name, reason in text_faults(values, key)
            ]
        elif request.content_type == "application/json":
            body = request.body
            if b"\x00" in body:
                faults.append(("body", text_fault("\x00") or ""))
            elif self.JSON_SUSPECT.search(body):
                # Not JSON at all: the view answers that.
                with contextlib.suppress(ValueError):
                    faults += list(text_faults(json.loads(body)))
        # A repeated field is named once.
        return [
            (name.split(".")[0] if name else "body", reason) for name, reason in faults
        ]

    def _refused(
        self, request: HttpRequest, faults: list[tuple[str, str]]
    ) -> HttpResponse:
        from django.shortcuts import render

        from saduak.core.responders import error_responder

        names = ", ".join(dict.fromkeys(name for name, _reason in faults))
        logger.warning("refused text that cannot be stored in %s", names)
        reason = _(
            "Some text cannot be stored because it contains a character that is "
            "not valid text (%(names)s). Remove it and send the text again."
        ) % {"names": names}
        responder = error_responder(request.path)
        if responder is not None:
            return responder(request, 400, f"{reason} {faults[0][1]}")
        return render(
            request,
            "errors/400.html",
            {"reason": f"{reason} {faults[0][1]}"},
            status=400,
        )


class DatabaseUnavailableMiddleware:
    """A request that cannot reach the database (PostgreSQL restarting, the
    pooler gone) answers 503 with Retry-After and a page saying to try again in a
    few seconds (problem+json `database-unavailable` under /api/), never a server
    error. A view's error is caught here; one raised by a middleware further in
    (the session, Idempotency-Key) was already made a server error by Django and
    is replaced (saduak.core.outages marks such a request). Nothing is kept of the
    request's work: its transaction was rolled back with the connection."""

    def __init__(self, get_response: Handler) -> None:
        # Imported when the handler is built: its signal receiver marks the
        # requests that failed further in.
        import saduak.core.outages  # noqa: F401

        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from saduak.core.outages import (
            database_unavailable_response,
            request_hit_database_outage,
        )

        response = self.get_response(request)
        if response.status_code >= 500 and request_hit_database_outage(request):
            logger.warning("database unavailable: answered 503 on %s", request.path)
            return database_unavailable_response(request)
        return response

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        from saduak.core.outages import (
            database_unavailable,
            database_unavailable_response,
        )

        if not database_unavailable(exception):
            return None
        logger.warning(
            "database unavailable: answered 503 on %s (%s)",
            request.path,
            str(exception).splitlines()[0] if str(exception) else type(exception),
        )
        return database_unavailable_response(request)
