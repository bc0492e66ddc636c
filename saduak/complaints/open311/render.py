"""GeoReport v2 answers in JSON and XML, and the spec's error format.

One Python structure per answer (dicts, lists, str, int, float, bool, None) is
written either way: JSON as it is (the spec's "Spark convention" is exactly that
structure), XML with the spec's element names, each list inside its container
(`<services><service>...`, `<attributes><attribute>...`). Text that cannot be
encoded (a lone surrogate stored before the check, a control character XML cannot
hold) is replaced by U+FFFD, as everywhere else (core/text.py)."""

import json
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from saduak.core.text import text_encodable, text_for_xml

JSON = "json"
XML = "xml"
FORMATS = (JSON, XML)
CONTENT_TYPES = {
    JSON: "application/json; charset=utf-8",
    XML: "text/xml; charset=utf-8",
}
# The element each list's items are written as, by the list's own name.
ITEM_ELEMENTS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def w3c_datetime(value: Any) -> str | None:
    """A date-time as the spec writes it: W3C-DTF in local time with its offset
    (`2026-12-06T13:15:30+07:00`)."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def answer(fmt: str, root: str, data: Any, *, status: int = 200) -> HttpResponse:
    """`data` as JSON, or as XML under the element `root`."""
    if fmt == XML:
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + _xml_element(root, data)
    else:
        body = json.dumps(_encodable(data), ensure_ascii=False)
    response = HttpResponse(
        body.encode("utf-8"), status=status, content_type=CONTENT_TYPES[fmt]
    )
    response["Content-Language"] = get_language() or "th"
    response["Vary"] = "Accept-Language"
    return response


def errors(
    fmt: str,
    status: int,
    problems: Sequence[tuple[int | str, str]],
    *,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """The spec's error answer: a list of {code, description}, with the HTTP
    status (404 for what does not exist, 403 for the api_key, 400 for the rest)."""
    response = answer(
        fmt if fmt in FORMATS else XML,
        "errors",
        [{"code": code, "description": str(text)} for code, text in problems],
        status=status,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _encodable(data: Any) -> Any:
    if isinstance(data, str):
        return text_encodable(data)
    if isinstance(data, Mapping):
        return {key: _encodable(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_encodable(value) for value in data]
    return data


def _xml_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(text_for_xml(text_encodable(str(value))))


def _xml_element(name: str, value: Any) -> str:
    if isinstance(value, Mapping):
        inner = "".join(_xml_element(key, sub) for key, sub in value.items())
        return f"<{name}>{inner}</{name}>"
    if isinstance(value, list | tuple):
        item = ITEM_ELEMENTS[name]
        inner = "".join(_xml_element(item, sub) for sub in value)
        return f"<{name}>{inner}</{name}>"
    text = _xml_text(value)
    return f"<{name}>{text}</{name}>" if text else f"<{name}/>"
