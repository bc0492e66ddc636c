import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from saduak.core.logging import bind_request_id, unbind_request_id

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
    """Pages: a service's NotFound becomes the 404 page and its permission refusal the
    403 page, with the service's own message. (The API maps the same errors to problem
    details in config/api.py.)"""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        from django.shortcuts import render

        from saduak.core.errors import NotFound, PermissionDeniedError

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
    """A NUL character in the address or in a form or JSON body is never meant; it
    is refused with a 400 before any view runs (PostgreSQL cannot store it, and a
    view should not have to think about it)."""

    CHECKED_TYPES = ("application/json", "application/x-www-form-urlencoded")

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            from django.core.exceptions import BadRequest

            raise BadRequest("NUL character in the request")
        return self.get_response(request)

    def _has_nul(self, request: HttpRequest) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if request.content_type in self.CHECKED_TYPES and request.method in {
            "POST",
            "PUT",
            "PATCH",
        }:
            body = request.body
            if request.content_type == "application/json":
                # The API's parser refuses it naming the field (config/api.py).
                if request.path.startswith("/api/"):
                    return False
                return b"\x00" in body or b"\\u0000" in body
            return b"\x00" in body or b"%00" in body
        return False
