"""RFC 9457 problem details: every API error answers application/problem+json with a
machine-readable `type`/`code`, a `title`, the HTTP `status` and, for bad input, the
parameters at fault."""

import json
from http import HTTPStatus
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from saduak.core.text import text_encodable

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://saduak.go.th/problems/"


def problem_response(
    request: HttpRequest | None,
    *,
    status: int,
    code: str,
    title: str,
    detail: str = "",
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code,
        "code": code,
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if request is not None:
        body["instance"] = request.path
        request_id = getattr(request, "request_id", "")
        if request_id:
            body["request_id"] = request_id
    body.update(extra or {})
    # A lone surrogate cannot be encoded: sent as U+FFFD (saduak.core.text).
    response = HttpResponse(
        text_encodable(json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False)),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def invalid_params_from_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Turns pydantic errors (as django-ninja reports them) into a list naming each
    parameter, where it was sent and why it was refused."""
    params: list[dict[str, str]] = []
    for error in errors:
        location = [str(part) for part in error.get("loc", [])]
        where = location[0] if location else ""
        # ninja nests query parameters under the schema name; the last part is the name.
        name_parts = [
            p for p in location[1:] if p not in {"filters", "pagination", "payload"}
        ]
        params.append(
            {
                "name": ".".join(name_parts) or where,
                "in": where,
                "reason": str(error.get("msg", _("invalid value"))),
            }
        )
    return params


def problem_for_status(request: HttpRequest, status: int) -> HttpResponse:
    """A problem response for a bare HTTP status, titled in the request's language."""
    titles = {
        400: ("bad-request", _("The request could not be read.")),
        401: (
            "not-authenticated",
            _("Sign in, or send a valid API token, to use this."),
        ),
        403: ("forbidden", _("You do not have permission to do this.")),
        404: ("not-found", _("Nothing was found here. Check the address or the code.")),
        405: ("method-not-allowed", _("This address does not accept this method.")),
    }
    code, title = titles.get(
        status,
        ("server-error", _("Something went wrong on our side. Try again in a moment."))
        if status >= 500
        else ("http-error", HTTPStatus(status).phrase),
    )
    return problem_response(request, status=status, code=code, title=str(title))
