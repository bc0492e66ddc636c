"""The spec client itself: it must refuse what GeoReport v2 does not allow, or the
tests that use it could not fail. A stand-in transport answers what each test
gives it (no server, no database)."""

import json

import pytest

from saduak.complaints.tests.open311_spec_client import Open311SpecClient, SpecViolation

JSON = "application/json; charset=utf-8"
XML = "text/xml; charset=utf-8"
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

REQUEST = {
    "service_request_id": "T1",
    "status": "open",
    "service_name": "Pothole",
    "service_code": "pothole",
    "description": None,
    "requested_datetime": "2026-12-06T13:46:28+07:00",
    "updated_datetime": "2026-12-06T13:46:28+07:00",
    "address": "Si Phum",
    "address_id": "500101",
    "zipcode": "50200",
    "lat": None,
    "long": None,
    "media_url": None,
}


def client_answering(
    status: int, content_type: str, body: str | bytes, **kw
) -> Open311SpecClient:
    content = body.encode() if isinstance(body, str) else body

    def transport(method, path, query, sent, headers):  # type: ignore[no-untyped-def]
        return status, {"Content-Type": content_type}, content

    return Open311SpecClient(transport, "/open311/v2", **kw)


def test_a_valid_request_list_passes_in_both_formats() -> None:
    assert client_answering(200, JSON, json.dumps([REQUEST])).requests("json").ok
    xml = (
        DECLARATION
        + "<service_requests><request>"
        + "".join(f"<{k}>{'' if v is None else v}</{k}>" for k, v in REQUEST.items())
        + "</request></service_requests>"
    )
    answer = client_answering(200, XML, xml).requests("xml")
    assert answer.data == [REQUEST]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"requested_datetime": "2026-12-06T13:46:28"}, "requested_datetime"),
        ({"requested_datetime": "06/12/2026"}, "requested_datetime"),
        ({"status": "in_progress"}, "status"),
        ({"lat": "18.7"}, "lat"),
        ({"lat": 18.7}, "lat and long"),
        ({"contact_name": "Somchai"}, "contact_name"),
        ({"service_request_id": ""}, "service_request_id"),
    ],
)
def test_a_request_that_breaks_the_spec_is_refused(change, says) -> None:
    body = json.dumps([{**REQUEST, **change}])
    with pytest.raises(SpecViolation, match=says):
        client_answering(200, JSON, body).requests("json")


def test_a_missing_field_is_refused() -> None:
    item = {k: v for k, v in REQUEST.items() if k != "updated_datetime"}
    with pytest.raises(SpecViolation, match="updated_datetime is missing"):
        client_answering(200, JSON, json.dumps([item])).requests("json")


def test_a_non_strict_client_ignores_extra_fields() -> None:
    body = json.dumps([{**REQUEST, "extended_status": "received"}])
    assert client_answering(200, JSON, body, strict=False).requests("json").ok


@pytest.mark.parametrize(
    ("content_type", "body", "says"),
    [
        ("application/json", "[]", "charset"),
        ("text/html; charset=utf-8", "[]", "Content-Type"),
        (JSON, "{", "not JSON"),
        (JSON, b"\xff", "UTF-8"),
    ],
)
def test_the_envelope_is_checked(content_type, body, says) -> None:
    with pytest.raises(SpecViolation, match=says):
        client_answering(200, content_type, body).requests("json")


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("<services/>", "XML must start with"),
        (DECLARATION + "<service_list/>", "root element"),
        (DECLARATION + "<services><item/></services>", "expected <service>"),
        (
            DECLARATION + '<services xmlns="http://example.com/x"/>',
            "foreign namespace",
        ),
        (
            DECLARATION
            + "<services><service><service_code>a</service_code><service_name>A"
            "</service_name><description/><metadata>yes</metadata><type>realtime</type>"
            "<keywords/><group/></service></services>",
            "boolean",
        ),
        (
            DECLARATION
            + "<services><service><service_code>a</service_code><service_name>A"
            "</service_name><description/><metadata>true</metadata><type>sometimes</type>"
            "<keywords/><group/></service></services>",
            "service.type",
        ),
    ],
)
def test_xml_is_checked_by_the_spec_element_names(body, says) -> None:
    with pytest.raises(SpecViolation, match=says):
        client_answering(200, XML, body).services("xml")


@pytest.mark.parametrize(
    ("status", "body", "says"),
    [
        (500, "[]", "status 500"),
        (401, '[{"code": 401, "description": "x"}]', "status 401"),
        (400, "[]", "at least one error"),
        (400, '{"code": 400, "description": "x"}', "list"),
        (403, '[{"code": 403}]', "description is missing"),
    ],
)
def test_errors_must_have_the_spec_format_and_status(status, body, says) -> None:
    with pytest.raises(SpecViolation, match=says):
        client_answering(status, JSON, body).requests("json")


def test_a_definition_needs_distinct_orders_and_values_for_lists() -> None:
    attribute = {
        "variable": True,
        "code": "size",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": None,
        "order": 1,
        "description": "How big?",
    }
    no_values = {"service_code": "pothole", "attributes": [attribute]}
    with pytest.raises(SpecViolation, match="needs values"):
        client_answering(200, JSON, json.dumps(no_values)).service_definition("pothole")
    twice = {
        "service_code": "pothole",
        "attributes": [
            {**attribute, "values": [{"key": "s", "name": "Small"}]},
            {**attribute, "code": "other", "values": [{"key": "s", "name": "Small"}]},
        ],
    }
    with pytest.raises(SpecViolation, match="order"):
        client_answering(200, JSON, json.dumps(twice)).service_definition("pothole")


def test_a_created_request_has_an_id_or_a_token_not_both() -> None:
    both = json.dumps([{"service_request_id": "T1", "token": "abc"}])
    with pytest.raises(SpecViolation, match="exactly one"):
        client_answering(200, JSON, both).post_request(
            "json", api_key="k", service_code="pothole"
        )
