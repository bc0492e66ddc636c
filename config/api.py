"""The one JSON API, under /api/v1, with OpenAPI at /api/v1/openapi.json and
interactive docs at /api/v1/docs. Every error is application/problem+json."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.operation import Operation
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from saduak.accounts.api import router as accounts_router
from saduak.appointments.api import router as appointments_router
from saduak.areas_staff.api import offices_router
from saduak.areas_staff.api import router as areas_router
from saduak.audit_staff.api import router as audit_router
from saduak.core.errors import DomainError
from saduak.core.problems import invalid_params_from_errors, problem_response
from saduak.core.text import text_encodable, text_refuse
from saduak.eservices.api import router as eservices_router
from saduak.eservices.api_documents import documents_router as eservice_documents_router
from saduak.eservices.api_staff import staff_router
from saduak.feedback.api import router as feedback_router
from saduak.identity.api import router as identity_router
from saduak.social.api import router as social_router


class Utf8JSONRenderer(JSONRenderer):
    """Thai text as UTF-8, not \\u escapes: half the bytes on a phone's connection."""

    json_dumps_params = {"ensure_ascii": False}

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        # A value stored before input was checked may hold a lone surrogate,
        # which UTF-8 cannot encode: it is sent as U+FFFD, never a 500.
        return text_encodable(
            super().render(request, data, response_status=response_status)
        )


class StorableTextParser(Parser):
    """Refuses, before any schema or service sees it, text that cannot be stored
    (lone surrogates, NUL: saduak.core.text) in a JSON body, the query or a
    form, with 400 `unencodable-text` naming each field."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        # ninja turns any exception here into a bare 400; http_error below
        # answers with this one (its cause) instead.
        text_refuse(data, where="body")
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        where = "query" if data is request.GET else "formData"
        text_refuse(parsed, where=where)
        return parsed


# Operation ids name the module a view is in (ninja's default), and clients
# generated from docs/openapi.json name their methods by them. The API modules
# that moved to keep the apps layered (docs/layout.md, "Layers") keep the ids of
# the module they were published from.
PUBLISHED_MODULES = {
    "saduak.areas_staff.api": "saduak.areas.api",
    "saduak.audit_staff.api": "saduak.audit.api",
}


class SaduakAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        module = operation.view_func.__module__
        published = PUBLISHED_MODULES.get(module, module)
        return f"{published}_{operation.view_func.__name__}".replace(".", "_")


api = SaduakAPI(
    renderer=Utf8JSONRenderer(),
    parser=StorableTextParser(),
    title="Saduak API",
    version="1",
    description=(
        "Areas, offices and the department's services. Browsers use their session; "
        "machines send `Authorization: Bearer <token>`. Errors are RFC 9457 problem "
        "details (application/problem+json)."
    ),
    urls_namespace="api",
)

api.add_router("/areas", areas_router, tags=["areas"])
api.add_router("/offices", offices_router, tags=["offices"])
api.add_router("/accounts", accounts_router, tags=["accounts"])
api.add_router("/audit", audit_router, tags=["audit"])
api.add_router("/identity", identity_router, tags=["digital ID"])
api.add_router("/appointments", appointments_router, tags=["appointments"])
api.add_router("/happiness", feedback_router, tags=["happiness vote"])
api.add_router("/eservices", eservices_router, tags=["e-services"])
api.add_router("/eservices", eservice_documents_router)
api.add_router("/eservices/staff", staff_router, tags=["e-services (staff)"])
api.add_router("/social", social_router, tags=["social match"])


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    params = invalid_params_from_errors(list(exc.errors))
    names = ", ".join(p["name"] for p in params)
    return problem_response(
        request,
        status=400,
        code="invalid-parameters",
        title=_("Some parameters are not valid."),
        detail=_("Check these parameters: %(names)s") % {"names": names},
        extra={"invalid_params": params},
    )


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    extra = dict(exc.extra)
    if exc.field and "invalid_params" not in extra:
        extra["invalid_params"] = [
            {"name": exc.field, "in": "body", "reason": str(exc.message)}
        ]
    headers = {}
    if "retry_after" in extra:
        headers["Retry-After"] = str(extra["retry_after"])
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=str(exc.message),
        extra=extra,
        headers=headers,
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(
        request,
        status=404,
        code="not-found",
        title=_("Nothing was found here. Check the address or the code."),
    )


@api.exception_handler(AuthenticationError)
def not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        request,
        status=401,
        code="not-authenticated",
        title=_("Sign in, or send a valid API token, to use this."),
        headers={"WWW-Authenticate": 'Bearer realm="saduak"'},
    )


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(
        request,
        status=403,
        code="forbidden",
        title=str(exc) or _("You do not have permission to do this."),
    )


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    headers = {"Retry-After": str(int(exc.wait))} if exc.wait else {}
    return problem_response(
        request,
        status=429,
        code="too-many-requests",
        title=_("Too many requests. Wait a moment and try again."),
        headers=headers,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, DomainError):  # a refusal of the parser's
        return domain_error(request, exc.__cause__)
    return problem_response(
        request, status=exc.status_code, code="http-error", title=str(exc)
    )
