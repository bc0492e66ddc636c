"""RFC 9457 problem details: every API error answers application/problem+json with a
machine-readable `type`/`code`, a `title`, the HTTP `status` and, for bad input, the
parameters at fault."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

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
    response = JsonResponse(
        body,
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
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
        name_parts = [p for p in location[1:] if p not in {"filters", "pagination", "payload"}]
        params.append(
            {
                "name": ".".join(name_parts) or where,
                "in": where,
                "reason": str(error.get("msg", _("invalid value"))),
            }
        )
    return params
