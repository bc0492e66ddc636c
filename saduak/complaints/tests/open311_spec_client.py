"""A GeoReport v2 client that knows the specification and nothing else.

Written from the Open311 texts alone (wiki.open311.org/GeoReport_v2, Service_Discovery,
JSON_and_XML_Conversion: the Spark convention), before and without reading the views it
is used against. It knows the paths with their format suffix, the parameters, the shape
of every answer and the error format, and it checks each answer strictly:

- the status code is one the method may answer (200 on success; 400, 403, 404 with an
  error body otherwise);
- the Content-Type is ``application/json; charset=utf-8`` or ``text/xml; charset=utf-8``
  and the body is UTF-8;
- XML starts with the declaration naming UTF-8, has no namespace (or the spec's), and
  uses exactly the spec's element names;
- JSON follows the Spark convention (the container of repeated elements is an array,
  even with one element);
- every field the spec lists for an answer is present, with its type (booleans,
  integers, numbers, the strict values of ``type``, ``datatype``, ``status``), and every
  date/time is W3C-DTF with its time zone (``Z`` or ``+hh:mm``);
- by default no field the spec does not define (``strict=True``); a caller that asked
  for a server's extensions passes ``strict=False`` to ignore unknown fields, as a
  client that knows only the spec would.

An XML answer is turned into the same Python structure as the JSON one (by the spec's
field types), so a test can compare both formats.

The client talks through a ``transport``: a callable taking
``(method, path, query, body, headers)`` (``query`` a list of pairs, ``body`` bytes or
None) and returning ``(status, headers, body)``. Tests pass one over Django's test
client; nothing here knows Django.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ("json", "xml")
JSON_TYPE = "application/json"
XML_TYPE = "text/xml"
FORM_TYPE = "application/x-www-form-urlencoded; charset=utf-8"

Transport = Callable[
    [str, str, Sequence[tuple[str, str]], bytes | None, Mapping[str, str]],
    tuple[int, Mapping[str, str], bytes],
]

# W3C-DTF (www.w3.org/TR/NOTE-datetime) with a time: the spec requires the zone.
W3C_DATETIME = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
    r"T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?"
    r"(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$"
)

DATATYPES = (
    "string",
    "number",
    "datetime",
    "text",
    "singlevaluelist",
    "multivaluelist",
)
SERVICE_TYPES = ("realtime", "batch", "blackbox")
STATUSES = ("open", "closed")
ENDPOINT_TYPES = ("production", "test")


class SpecViolation(AssertionError):
    """The server answered something GeoReport v2 does not allow."""


# --- the spec's field types -------------------------------------------------------
# Each field is (name, kind, presence): kind is how the value is typed; presence is
# "required" (present and not empty), "present" (the spec lists it without "may not be
# returned": present, may be empty or null) or "optional" ("may not be returned").

STR, BOOL, INT, NUM, DATETIME, ID = "str", "bool", "int", "num", "datetime", "id"

SERVICE_FIELDS = (
    ("service_code", ID, "required"),
    ("service_name", STR, "required"),
    ("description", STR, "present"),
    ("metadata", BOOL, "required"),
    ("type", STR, "required"),
    ("keywords", STR, "present"),
    ("group", STR, "present"),
)

ATTRIBUTE_FIELDS = (
    ("variable", BOOL, "required"),
    ("code", ID, "required"),
    ("datatype", STR, "required"),
    ("required", BOOL, "required"),
    ("datatype_description", STR, "present"),
    ("order", INT, "required"),
    ("description", STR, "present"),
)

VALUE_FIELDS = (
    ("key", ID, "required"),
    ("name", STR, "required"),
)

REQUEST_FIELDS = (
    ("service_request_id", ID, "required"),
    ("status", STR, "required"),
    ("status_notes", STR, "optional"),
    ("service_name", STR, "present"),
    ("service_code", ID, "required"),
    ("description", STR, "present"),
    ("agency_responsible", STR, "optional"),
    ("service_notice", STR, "optional"),
    ("requested_datetime", DATETIME, "required"),
    ("updated_datetime", DATETIME, "present"),
    ("expected_datetime", DATETIME, "optional"),
    ("address", STR, "present"),
    ("address_id", ID, "present"),
    ("zipcode", ID, "present"),
    ("lat", NUM, "present"),
    ("long", NUM, "present"),
    ("media_url", STR, "present"),
)

CREATED_FIELDS = (
    ("service_request_id", ID, "optional"),
    ("token", ID, "optional"),
    ("service_notice", STR, "optional"),
    ("account_id", ID, "optional"),
)

TOKEN_FIELDS = (
    # Until the server has given the request an id, it cannot return one.
    ("service_request_id", ID, "present"),
    ("token", ID, "required"),
)

ERROR_FIELDS = (
    ("code", ID, "required"),
    ("description", STR, "required"),
)

DISCOVERY_FIELDS = (
    ("changeset", STR, "required"),
    ("contact", STR, "required"),
    ("key_service", STR, "required"),
)

ENDPOINT_FIELDS = (
    ("specification", STR, "required"),
    ("url", STR, "required"),
    ("changeset", STR, "required"),
    ("type", STR, "required"),
)


@dataclass
class Answer:
    """One checked answer: the parsed ``data`` (same structure for JSON and XML)."""

    status: int
    content_type: str
    body: bytes
    data: Any = None
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == 200

    def error_codes(self) -> list[str]:
        """The codes as text (XML has no numbers; JSON may)."""
        return [str(e["code"]) for e in self.errors]

    def error_text(self) -> str:
        return " | ".join(str(e["description"]) for e in self.errors)


class Open311SpecClient:
    """Calls a GeoReport v2 endpoint and checks every answer against the spec."""

    def __init__(self, transport: Transport, base: str, *, strict: bool = True) -> None:
        self.transport = transport
        self.base = base.rstrip("/")
        self.strict = strict

    # --- the methods of the spec ----------------------------------------------

    def discovery(self, fmt: str = "json") -> Answer:
        answer = self._get(f"discovery.{fmt}", fmt, {})
        if answer.ok:
            self._check_discovery(answer.data)
        return answer

    def services(self, fmt: str = "json", **params: str) -> Answer:
        answer = self._get(f"services.{fmt}", fmt, params)
        if answer.ok:
            self._expect_list(answer.data, "services")
            for item in answer.data:
                self._check_service(item)
            self._unique([s["service_code"] for s in answer.data], "service_code")
        return answer

    def service_definition(
        self, service_code: str, fmt: str = "json", **params: str
    ) -> Answer:
        answer = self._get(f"services/{service_code}.{fmt}", fmt, params)
        if answer.ok:
            self._check_definition(answer.data, service_code)
        return answer

    def post_request(
        self,
        fmt: str = "json",
        *,
        api_key: str | None,
        service_code: str | None = None,
        attributes: Mapping[str, str | Sequence[str]] | None = None,
        headers: Mapping[str, str] | None = None,
        **fields: str,
    ) -> Answer:
        """POST requests.{fmt}, form-encoded; ``attribute[code]`` and, for lists,
        ``attribute[code][]`` once per value. A None argument is not sent."""
        pairs: list[tuple[str, str]] = []
        if api_key is not None:
            pairs.append(("api_key", api_key))
        if service_code is not None:
            pairs.append(("service_code", service_code))
        pairs.extend(
            (name, value) for name, value in fields.items() if value is not None
        )
        for code, value in (attributes or {}).items():
            if isinstance(value, str):
                pairs.append((f"attribute[{code}]", value))
            else:
                pairs.extend((f"attribute[{code}][]", v) for v in value)
        body = urlencode(pairs).encode("utf-8")
        sent = {"Content-Type": FORM_TYPE, **(headers or {})}
        answer = self._call("POST", f"requests.{fmt}", fmt, [], body, sent)
        if answer.ok:
            self._expect_list(answer.data, "service_requests")
            if not answer.data:
                raise SpecViolation("POST requests answered an empty list of requests")
            for item in answer.data:
                self._check_fields(item, CREATED_FIELDS, "request (created)")
                has_id = not _empty(item.get("service_request_id"))
                has_token = not _empty(item.get("token"))
                if has_id == has_token:
                    raise SpecViolation(
                        "a created request must carry exactly one of service_request_id "
                        f"and token, got {item!r}"
                    )
        return answer

    def requests(self, fmt: str = "json", **params: str) -> Answer:
        answer = self._get(f"requests.{fmt}", fmt, params)
        if answer.ok:
            self._check_requests(answer.data)
            if len(answer.data) > 1000 and not params.get("service_request_id"):
                # The spec's default volume: 90 days or 1000 requests, whichever is less.
                raise SpecViolation(
                    f"{len(answer.data)} requests: the default is 1000 at most"
                )
        return answer

    def request(
        self, service_request_id: str, fmt: str = "json", **params: str
    ) -> Answer:
        answer = self._get(f"requests/{service_request_id}.{fmt}", fmt, params)
        if answer.ok:
            self._check_requests(answer.data)
            if len(answer.data) != 1:
                raise SpecViolation(
                    f"GET requests/{service_request_id} answered {len(answer.data)} requests"
                )
            if str(answer.data[0]["service_request_id"]) != str(service_request_id):
                raise SpecViolation(
                    f"asked for {service_request_id}, got "
                    f"{answer.data[0]['service_request_id']}"
                )
        return answer

    def token(self, token: str, fmt: str = "json", **params: str) -> Answer:
        answer = self._get(f"tokens/{token}.{fmt}", fmt, params)
        if answer.ok:
            self._expect_list(answer.data, "service_requests")
            if not answer.data:
                raise SpecViolation("GET tokens answered an empty list")
            for item in answer.data:
                self._check_fields(item, TOKEN_FIELDS, "request (token)")
                if str(item["token"]) != str(token):
                    raise SpecViolation(f"asked for token {token}, got {item['token']}")
        return answer

    # --- transport and the envelope ------------------------------------------

    def _get(self, path: str, fmt: str, params: Mapping[str, str]) -> Answer:
        query = [(k, v) for k, v in params.items() if v is not None]
        return self._call("GET", path, fmt, query, None, {})

    def _call(
        self,
        method: str,
        path: str,
        fmt: str,
        query: Sequence[tuple[str, str]],
        body: bytes | None,
        headers: Mapping[str, str],
    ) -> Answer:
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {FORMATS}")
        status, answer_headers, content = self.transport(
            method, f"{self.base}/{path}", query, body, headers
        )
        content_type = _header(answer_headers, "Content-Type")
        self._check_content_type(content_type, fmt)
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SpecViolation(f"the body is not UTF-8: {exc}") from exc
        if status == 200:
            data = self._parse(text, fmt, _root_for(method, path))
            return Answer(status, content_type, content, data=data)
        if status not in (400, 403, 404):
            raise SpecViolation(
                f"{method} {path}: status {status} is not one the spec names"
            )
        errors = self._parse(text, fmt, "errors")
        self._expect_list(errors, "errors")
        if not errors:
            raise SpecViolation("an error answer must list at least one error")
        for error in errors:
            self._check_fields(error, ERROR_FIELDS, "error")
        return Answer(status, content_type, content, errors=errors)

    def _check_content_type(self, content_type: str, fmt: str) -> None:
        want = JSON_TYPE if fmt == "json" else XML_TYPE
        parts = [p.strip().lower() for p in content_type.split(";")]
        if parts[0] != want:
            raise SpecViolation(f"Content-Type {content_type!r}: the spec wants {want}")
        if "charset=utf-8" not in parts[1:]:
            raise SpecViolation(
                f"Content-Type {content_type!r} does not name charset=utf-8"
            )

    # --- parsing: JSON as is, XML by the spec's element names ----------------

    def _parse(self, text: str, fmt: str, root: str) -> Any:
        if fmt == "json":
            try:
                return json.loads(text)
            except json.JSONDecodeError as exc:
                raise SpecViolation(f"the body is not JSON: {exc}") from exc
        return self._parse_xml(text, root)

    def _parse_xml(self, text: str, root: str) -> Any:
        declaration = re.match(
            r"^<\?xml\s+version=\"1\.0\"\s+encoding=\"([^\"]+)\"\s*\?>", text
        )
        if not declaration or declaration.group(1).lower() != "utf-8":
            raise SpecViolation(
                'XML must start with <?xml version="1.0" encoding="utf-8"?>'
            )
        try:
            element = ElementTree.fromstring(text.encode("utf-8"))
        except ElementTree.ParseError as exc:
            raise SpecViolation(f"the body is not well-formed XML: {exc}") from exc
        tag = _local(element.tag)
        if element.tag.startswith("{") and not element.tag.startswith("{" + SPEC_URL):
            raise SpecViolation(f"XML in a foreign namespace: {element.tag}")
        if tag != root:
            raise SpecViolation(f"the root element is <{tag}>, the spec says <{root}>")
        return _XML_READERS[root](self, element)

    # XML readers: each knows the element names of one answer.

    def _xml_list(
        self, element: ElementTree.Element, child: str, fields: tuple
    ) -> list:
        items = []
        for sub in element:
            name = _local(sub.tag)
            if name != child:
                raise SpecViolation(
                    f"<{_local(element.tag)}> holds <{name}>, expected <{child}>"
                )
            items.append(self._xml_record(sub, fields))
        return items

    def _xml_record(
        self,
        element: ElementTree.Element,
        fields: tuple,
        nested: Mapping[str, Callable[[ElementTree.Element], Any]] | None = None,
    ) -> dict[str, Any]:
        kinds = {name: kind for name, kind, _ in fields}
        record: dict[str, Any] = {}
        for sub in element:
            name = _local(sub.tag)
            if name in record:
                raise SpecViolation(f"<{name}> twice in <{_local(element.tag)}>")
            if nested and name in nested:
                record[name] = nested[name](sub)
            elif name in kinds:
                if len(sub):
                    raise SpecViolation(f"<{name}> must hold text, not elements")
                record[name] = _xml_value(sub.text, kinds[name], name)
            elif self.strict:
                raise SpecViolation(
                    f"<{name}> is not an element of <{_local(element.tag)}>"
                )
            else:
                record[name] = sub.text if not len(sub) else ElementTree.tostring(sub)
        return record

    def _xml_services(self, element: ElementTree.Element) -> list:
        return self._xml_list(element, "service", SERVICE_FIELDS)

    def _xml_definition(self, element: ElementTree.Element) -> dict:
        def values(el: ElementTree.Element) -> list:
            return self._xml_list(el, "value", VALUE_FIELDS)

        def attributes(el: ElementTree.Element) -> list:
            return [
                self._xml_record(sub, ATTRIBUTE_FIELDS, {"values": values})
                for sub in self._children(el, "attribute")
            ]

        return self._xml_record(
            element, (("service_code", ID, "required"),), {"attributes": attributes}
        )

    def _xml_requests(self, element: ElementTree.Element) -> list:
        # One root for GET requests, POST requests and GET tokens: the record's
        # fields are the union; each method checks its own.
        every = {f[0]: f for f in (*REQUEST_FIELDS, *CREATED_FIELDS, *TOKEN_FIELDS)}
        return self._xml_list(element, "request", tuple(every.values()))

    def _xml_errors(self, element: ElementTree.Element) -> list:
        return self._xml_list(element, "error", ERROR_FIELDS)

    def _xml_discovery(self, element: ElementTree.Element) -> dict:
        def formats(el: ElementTree.Element) -> list:
            out = []
            for sub in self._children(el, "format"):
                out.append(_xml_value(sub.text, STR, "format"))
            return out

        def endpoints(el: ElementTree.Element) -> list:
            return [
                self._xml_record(sub, ENDPOINT_FIELDS, {"formats": formats})
                for sub in self._children(el, "endpoint")
            ]

        return self._xml_record(element, DISCOVERY_FIELDS, {"endpoints": endpoints})

    def _children(self, element: ElementTree.Element, child: str) -> Iterable:
        for sub in element:
            if _local(sub.tag) != child:
                raise SpecViolation(
                    f"<{_local(element.tag)}> holds <{_local(sub.tag)}>, expected <{child}>"
                )
            yield sub

    # --- shape checks (the same for both formats) ----------------------------

    def _expect_list(self, data: Any, what: str) -> None:
        if not isinstance(data, list):
            raise SpecViolation(
                f"{what}: expected a list (Spark convention), got {type(data)}"
            )

    def _unique(self, values: list, what: str) -> None:
        seen = [str(v) for v in values]
        if len(seen) != len(set(seen)):
            raise SpecViolation(f"{what} repeats: {seen}")

    def _check_fields(self, record: Any, fields: tuple, what: str) -> None:
        if not isinstance(record, dict):
            raise SpecViolation(f"{what}: expected an object, got {record!r}")
        known = {name for name, _, _ in fields}
        for name, kind, presence in fields:
            if name not in record:
                if presence == "optional":
                    continue
                raise SpecViolation(f"{what}: the field {name} is missing")
            value = record[name]
            if _empty(value):
                if presence == "required":
                    raise SpecViolation(f"{what}: the field {name} is empty")
                continue
            _check_kind(value, kind, f"{what}.{name}")
        extra = set(record) - known
        if extra and self.strict:
            raise SpecViolation(
                f"{what}: fields the spec does not define: {sorted(extra)}"
            )

    def _check_service(self, item: Any) -> None:
        self._check_fields(item, SERVICE_FIELDS, "service")
        if item["type"] not in SERVICE_TYPES:
            raise SpecViolation(
                f"service.type {item['type']!r} is not one of {SERVICE_TYPES}"
            )

    def _check_definition(self, data: Any, service_code: str) -> None:
        if not isinstance(data, dict):
            raise SpecViolation("a service definition is an object")
        fields = (("service_code", ID, "required"),)
        rest = {k: v for k, v in data.items() if k != "attributes"}
        self._check_fields(rest, fields, "service_definition")
        if str(data["service_code"]) != str(service_code):
            raise SpecViolation(f"asked for {service_code}, got {data['service_code']}")
        attributes = data.get("attributes")
        if attributes is None:
            raise SpecViolation("service_definition: attributes is missing")
        self._expect_list(attributes, "attributes")
        orders = []
        for attribute in attributes:
            values = attribute.get("values") if isinstance(attribute, dict) else None
            plain = {k: v for k, v in attribute.items() if k != "values"}
            self._check_fields(plain, ATTRIBUTE_FIELDS, "attribute")
            if attribute["datatype"] not in DATATYPES:
                raise SpecViolation(
                    f"datatype {attribute['datatype']!r} not in {DATATYPES}"
                )
            if attribute["order"] < 1:
                raise SpecViolation(
                    f"order {attribute['order']} is not a positive integer"
                )
            orders.append(attribute["order"])
            is_list = attribute["datatype"] in ("singlevaluelist", "multivaluelist")
            if is_list and not values:
                raise SpecViolation(
                    f"{attribute['code']}: a list datatype needs values"
                )
            if values is not None:
                self._expect_list(values, "values")
                for value in values:
                    self._check_fields(value, VALUE_FIELDS, "value")
                self._unique(
                    [v["key"] for v in values], f"{attribute['code']} value keys"
                )
                if values and not is_list:
                    raise SpecViolation(
                        f"{attribute['code']}: values on a {attribute['datatype']}"
                    )
        self._unique(orders, "attribute order")
        self._unique([a["code"] for a in attributes], "attribute code")

    def _check_requests(self, data: Any) -> None:
        self._expect_list(data, "service_requests")
        for item in data:
            self._check_fields(item, REQUEST_FIELDS, "request")
            if item["status"] not in STATUSES:
                raise SpecViolation(
                    f"status {item['status']!r} is not one of {STATUSES}"
                )
            lat, long = item.get("lat"), item.get("long")
            if _empty(lat) != _empty(long):
                raise SpecViolation("lat and long come together")
            if not _empty(lat) and not (-90 <= lat <= 90 and -180 <= long <= 180):
                raise SpecViolation(f"lat/long out of WGS84 range: {lat}, {long}")

    def _check_discovery(self, data: Any) -> None:
        if not isinstance(data, dict):
            raise SpecViolation("discovery is an object")
        rest = {k: v for k, v in data.items() if k != "endpoints"}
        self._check_fields(rest, DISCOVERY_FIELDS, "discovery")
        endpoints = data.get("endpoints")
        self._expect_list(endpoints, "endpoints")
        if not endpoints:
            raise SpecViolation("discovery lists no endpoint")
        for endpoint in endpoints:
            plain = {k: v for k, v in endpoint.items() if k != "formats"}
            self._check_fields(plain, ENDPOINT_FIELDS, "endpoint")
            if endpoint["type"] not in ENDPOINT_TYPES:
                raise SpecViolation(f"endpoint type {endpoint['type']!r}")
            formats = endpoint.get("formats")
            self._expect_list(formats, "formats")
            if not formats or not all(isinstance(f, str) and "/" in f for f in formats):
                raise SpecViolation(f"formats must be MIME types: {formats!r}")
            if "text/xml" not in formats:
                raise SpecViolation("XML is a required format: text/xml must be listed")


_XML_READERS: dict[str, Callable[[Open311SpecClient, ElementTree.Element], Any]] = {
    "discovery": Open311SpecClient._xml_discovery,
    "services": Open311SpecClient._xml_services,
    "service_definition": Open311SpecClient._xml_definition,
    "service_requests": Open311SpecClient._xml_requests,
    "errors": Open311SpecClient._xml_errors,
}


def _root_for(method: str, path: str) -> str:
    first = path.split("/")[0].split(".")[0]
    if first == "discovery":
        return "discovery"
    if first == "services":
        return "service_definition" if "/" in path else "services"
    return "service_requests"  # requests, requests/{id}, tokens/{token}, POST requests


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    raise SpecViolation(f"no {name} header")


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _check_kind(value: Any, kind: str, where: str) -> None:
    ok = {
        STR: isinstance(value, str),
        BOOL: isinstance(value, bool),
        INT: isinstance(value, int) and not isinstance(value, bool),
        NUM: isinstance(value, int | float) and not isinstance(value, bool),
        ID: isinstance(value, str | int) and not isinstance(value, bool),
        DATETIME: isinstance(value, str) and bool(W3C_DATETIME.match(value)),
    }[kind]
    if not ok:
        raise SpecViolation(f"{where}: {value!r} is not a valid {kind}")


def _xml_value(text: str | None, kind: str, name: str) -> Any:
    """The typed value of an element's text, as the JSON of the same answer has it."""
    if text is None or text == "":
        return None
    if kind == BOOL:
        if text not in ("true", "false"):
            raise SpecViolation(f"<{name}>{text}</{name}>: a boolean is true or false")
        return text == "true"
    if kind == INT:
        if not re.fullmatch(r"-?\d+", text):
            raise SpecViolation(f"<{name}>{text}</{name}> is not an integer")
        return int(text)
    if kind == NUM:
        try:
            return float(text)
        except ValueError as exc:
            raise SpecViolation(f"<{name}>{text}</{name}> is not a number") from exc
    if kind == DATETIME and not W3C_DATETIME.match(text):
        raise SpecViolation(
            f"<{name}>{text}</{name}> is not a W3C date-time with a zone"
        )
    return text
