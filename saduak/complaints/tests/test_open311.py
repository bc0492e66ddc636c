"""Open311 GeoReport v2, the read side, through a client that knows only the spec
(open311_spec_client.py): discovery, services, definitions, GET requests with the
spec's filters and defaults, GET one request, tokens, the error format."""

import json
from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saduak.complaints.choices import ComplaintStatus, Outcome
from saduak.complaints.models import Complaint
from saduak.complaints.tests.open311_fixtures import (
    BASE,
    make_categories,
    make_complaint,
    make_key,
    spec_client,
)
from saduak.complaints.tests.open311_spec_client import SpecViolation

pytestmark = pytest.mark.django_db

BOTH = pytest.mark.parametrize("fmt", ["json", "xml"])


@pytest.fixture
def categories(small_map: None) -> dict:
    return make_categories()


# --- discovery and services --------------------------------------------------


@BOTH
def test_discovery_names_the_v2_endpoint_with_both_formats(fmt: str) -> None:
    answer = spec_client().discovery(fmt)
    assert answer.ok
    (endpoint,) = answer.data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert answer.data["key_service"]


def test_discovery_is_the_same_in_json_and_xml() -> None:
    client = spec_client()
    assert client.discovery("json").data == client.discovery("xml").data


@BOTH
def test_the_services_are_the_active_leaves_with_their_group(categories, fmt) -> None:
    answer = spec_client().services(fmt)
    assert answer.ok
    by_code = {s["service_code"]: s for s in answer.data}
    assert list(by_code) == ["pothole", "streetlight", "conduct"]
    pothole = by_code["pothole"]
    assert pothole == {
        "service_code": "pothole",
        "service_name": "ถนนชำรุด เป็นหลุมบ่อ",
        "description": "ผิวถนนแตก เป็นหลุม",
        "metadata": True,
        "type": "realtime",
        "keywords": "หลุม, ถนน, pothole",
        "group": "ถนนและทางเท้า",
    }
    assert by_code["streetlight"]["metadata"] is False
    assert by_code["streetlight"]["description"] is None


def test_services_follow_accept_language(categories) -> None:
    english = spec_client("en").services("json")
    assert english.data[0]["service_name"] == "Pothole"
    assert english.data[0]["group"] == "Roads and pavements"
    status, headers, _body = _raw("/services.json", HTTP_ACCEPT_LANGUAGE="en")
    assert headers["Content-Language"] == "en"


def test_services_are_the_same_in_json_and_xml(categories) -> None:
    client = spec_client()
    assert client.services("json").data == client.services("xml").data


def test_extensions_come_only_when_asked_and_a_strict_client_refuses_them(
    categories,
) -> None:
    plain = spec_client().services("json")
    assert "service_name_en" not in plain.data[0]
    with pytest.raises(SpecViolation, match="service_name_th"):
        spec_client().services("json", extensions="true")
    for fmt in ("json", "xml"):
        extended = spec_client(strict=False).services(fmt, extensions="true")
        assert extended.ok
        assert extended.data[0]["service_name_en"] == "Pothole"


@BOTH
def test_a_service_definition_lists_its_questions_in_order(categories, fmt) -> None:
    answer = spec_client().service_definition("pothole", fmt)
    assert answer.ok
    size, landmark = answer.data["attributes"]
    # Both are order 5 in the database; the spec wants distinct positive orders.
    assert (landmark["order"], size["order"]) == (1, 2) or (
        size["order"],
        landmark["order"],
    ) == (1, 2)
    first = answer.data["attributes"][0]
    assert first["order"] == 1
    by_code = {a["code"]: a for a in answer.data["attributes"]}
    assert by_code["size"]["datatype"] == "singlevaluelist"
    assert by_code["size"]["required"] is True
    assert by_code["size"]["values"] == [
        {"key": "small", "name": "เล็ก"},
        {"key": "large", "name": "ใหญ่"},
    ]
    assert by_code["landmark"]["datatype_description"] == "เช่น ร้านค้า วัด"
    assert "values" not in by_code["landmark"]


def test_a_service_without_questions_has_an_empty_definition(categories) -> None:
    for fmt in ("json", "xml"):
        answer = spec_client().service_definition("streetlight", fmt)
        assert answer.data == {"service_code": "streetlight", "attributes": []}


@BOTH
@pytest.mark.parametrize("code", ["nothing", "roads", "old-leaf"])
def test_an_unknown_service_code_is_404_in_the_spec_format(
    categories, fmt, code
) -> None:
    answer = spec_client().service_definition(code, fmt)
    assert answer.status == 404
    assert answer.error_codes() == ["404"]
    assert code in answer.error_text()


# --- GET requests --------------------------------------------------------------


@BOTH
def test_requests_default_to_the_last_90_days_newest_first(categories, fmt) -> None:
    now = timezone.now()
    old = make_complaint(categories["pothole"], received_at=now - timedelta(days=91))
    older = make_complaint(categories["pothole"], received_at=now - timedelta(days=80))
    newer = make_complaint(categories["conduct"], received_at=now - timedelta(days=1))
    answer = spec_client().requests(fmt)
    assert answer.ok
    ids = [r["service_request_id"] for r in answer.data]
    assert ids == [newer.reference, older.reference]
    assert old.reference not in ids


def test_datetimes_are_w3c_with_the_thai_offset(categories) -> None:
    make_complaint(categories["pothole"])
    (item,) = spec_client().requests("json").data
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert item[name].endswith("+07:00"), name


@BOTH
def test_the_status_maps_to_open_and_closed(categories, fmt) -> None:
    pothole = categories["pothole"]
    received = make_complaint(pothole)
    forwarded = make_complaint(
        pothole, status=ComplaintStatus.FORWARDED, forwarded_to="การไฟฟ้าส่วนภูมิภาค"
    )
    resolved = make_complaint(
        pothole, status=ComplaintStatus.RESOLVED, resolved_at=timezone.now()
    )
    closed = make_complaint(
        pothole,
        status=ComplaintStatus.CLOSED,
        outcome=Outcome.NOT_WITHIN_AUTHORITY,
        closed_at=timezone.now() - timedelta(minutes=5),
    )
    client = spec_client()
    open_ids = {
        r["service_request_id"] for r in client.requests(fmt, status="open").data
    }
    closed_ids = {
        r["service_request_id"] for r in client.requests(fmt, status="closed").data
    }
    both = client.requests(fmt, status="open,closed").data
    assert open_ids == {received.reference, forwarded.reference}
    assert closed_ids == {resolved.reference, closed.reference}
    assert len(both) == 4
    by_id = {r["service_request_id"]: r for r in both}
    assert "การไฟฟ้าส่วนภูมิภาค" in by_id[forwarded.reference]["status_notes"]
    closed_item = by_id[closed.reference]
    assert (
        closed_item["expected_datetime"] is None
        or "expected_datetime" not in closed_item
    )
    assert closed_item["updated_datetime"] == timezone.localtime(
        closed.closed_at
    ).isoformat(timespec="seconds")


@BOTH
def test_requests_filter_by_service_codes_and_dates(categories, fmt) -> None:
    now = timezone.localtime()
    a = make_complaint(categories["pothole"], received_at=now - timedelta(days=10))
    b = make_complaint(categories["conduct"], received_at=now - timedelta(days=5))
    make_complaint(categories["streetlight"], received_at=now - timedelta(days=5))
    client = spec_client()
    codes = client.requests(fmt, service_code="pothole,conduct").data
    assert {r["service_request_id"] for r in codes} == {a.reference, b.reference}
    start = (now - timedelta(days=7)).isoformat(timespec="seconds")
    end = now.isoformat(timespec="seconds")
    dated = client.requests(fmt, start_date=start, end_date=end, service_code="conduct")
    assert [r["service_request_id"] for r in dated.data] == [b.reference]
    utc = client.requests(
        fmt,
        start_date=(now - timedelta(days=11))
        .astimezone(UTC)
        .strftime("%Y-%m-%dT%H:%M:%SZ"),
        service_code="pothole",
    )
    assert [r["service_request_id"] for r in utc.data] == [a.reference]
    assert client.requests(fmt, service_code="nothing-like-it").data == []


def test_service_request_id_overrides_every_other_argument(categories) -> None:
    now = timezone.now()
    old = make_complaint(categories["pothole"], received_at=now - timedelta(days=400))
    new = make_complaint(categories["conduct"])
    answer = spec_client().requests(
        "xml",
        service_request_id=f"{old.reference},{new.reference},NOPE",
        service_code="streetlight",
        status="closed",
    )
    assert {r["service_request_id"] for r in answer.data} == {
        old.reference,
        new.reference,
    }


@BOTH
@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2026-13-40T00:00:00Z"}, "end_date"),
        ({"start_date": "2026-01-01T00:00:00"}, "start_date"),  # no time zone
        ({"start_date": "2026-03-01", "end_date": "2026-01-01"}, "start_date"),
        (
            {"start_date": "2026-01-01", "end_date": "2026-06-01"},
            "end_date",
        ),  # > 90 days
        ({"status": "pending"}, "status"),
        ({"page_size": "1001"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"extensions": "yes"}, "extensions"),
        ({"service_request_id": "a b"}, "service_request_id"),
    ],
)
def test_malformed_parameters_are_400_naming_them(
    categories, fmt, params, named
) -> None:
    answer = spec_client().requests(fmt, **params)
    assert answer.status == 400
    assert named in answer.error_text()


def test_a_date_alone_means_local_midnight(categories) -> None:
    today = timezone.localdate()
    yesterday_noon = timezone.make_aware(
        timezone.datetime.combine(
            today - timedelta(days=1), timezone.datetime.min.time()
        )
    ) + timedelta(hours=12)
    c = make_complaint(categories["pothole"], received_at=yesterday_noon)
    client = spec_client()
    assert [
        r["service_request_id"]
        for r in client.requests(
            "json", start_date=(today - timedelta(days=1)).isoformat()
        ).data
    ] == [c.reference]
    assert client.requests("json", start_date=today.isoformat()).data == []


def test_no_personal_data_and_no_text_for_the_public(categories) -> None:
    key, raw = make_key()
    mine = make_complaint(categories["pothole"], key=key)
    theirs = make_complaint(categories["pothole"])
    for fmt in ("json", "xml"):
        status, _headers, body = _raw(f"/requests.{fmt}")
        text = body.decode()
        for secret in (
            "สมชาย",
            "0812345678",
            "somchai@example.com",
            "ราชดำเนิน",
            "ซอยลับ",
        ):
            assert secret not in text, (fmt, secret)
    public = {r["service_request_id"]: r for r in spec_client().requests("json").data}
    assert public[mine.reference]["description"] is None
    assert public[mine.reference]["lat"] is None
    assert public[mine.reference]["address"] == "ตำบลศรีภูมิ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่"
    assert public[mine.reference]["address_id"] == "500101"
    assert public[mine.reference]["zipcode"] == "50200"
    # The partner that filed one sees its own request whole (never the contact).
    own = {
        r["service_request_id"]: r
        for r in spec_client().requests("json", api_key=raw).data
    }
    assert own[mine.reference]["description"] == mine.description
    assert own[mine.reference]["lat"] == 18.79
    assert own[mine.reference]["address"].startswith("123 ถนนราชดำเนิน, ตำบลศรีภูมิ")
    assert own[theirs.reference]["description"] is None
    status, _headers, body = _raw("/requests.json", api_key=raw)
    assert "0812345678" not in body.decode() and "สมชาย" not in body.decode()


@BOTH
def test_a_bad_api_key_on_a_get_is_403(categories, fmt) -> None:
    answer = spec_client().requests(fmt, api_key="not-a-key")
    assert answer.status == 403
    assert answer.error_codes() == ["403"]


def test_at_most_1000_requests_and_the_page_extension(categories) -> None:
    pothole = categories["pothole"]
    now = timezone.now()
    rows = [
        make_complaint(pothole, received_at=now - timedelta(minutes=i))
        for i in range(3)
    ]
    Complaint.objects.bulk_create(
        [
            _copy(
                rows[0],
                reference=f"B{i:07d}",
                received_at=now - timedelta(hours=1, seconds=i),
            )
            for i in range(1002)
        ]
    )
    client = spec_client()
    answer = client.requests("json")
    assert len(answer.data) == 1000
    assert [r["service_request_id"] for r in answer.data[:3]] == [
        r.reference for r in rows
    ]
    status, headers, _body = _raw("/requests.json")
    assert "page=2" in headers["Link"] and 'rel="next"' in headers["Link"]
    second = client.requests("json", page="2")
    assert len(second.data) == 5
    assert not {r["service_request_id"] for r in second.data} & {
        r["service_request_id"] for r in answer.data
    }
    small = client.requests("xml", page_size="2", page="2")
    assert [r["service_request_id"] for r in small.data] == [
        rows[2].reference,
        "B0000000",
    ]


def test_the_list_costs_the_same_number_of_queries_whatever_the_rows(
    categories, django_assert_max_num_queries
) -> None:
    key, raw = make_key()
    pothole = categories["pothole"]
    make_complaint(pothole, key=key)

    def count(**params: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert spec_client(strict=False).requests("json", **params).ok
        return len(queries)

    count(api_key=raw)  # the key's last use is written once in five minutes
    one = count(api_key=raw, extensions="true")
    for _i in range(40):
        make_complaint(pothole, key=key, subdistrict_code="500102")
        make_complaint(
            categories["conduct"], district_code="5002", subdistrict_code=None
        )
    assert count(api_key=raw, extensions="true") == one
    with django_assert_max_num_queries(3):
        spec_client(strict=False).requests(
            "xml", api_key=raw, extensions="true", service_code="pothole", status="open"
        )


# --- one request, tokens ---------------------------------------------------------


@BOTH
def test_one_request_and_an_unknown_one(categories, fmt) -> None:
    c = make_complaint(
        categories["pothole"], received_at=timezone.now() - timedelta(days=300)
    )
    client = spec_client()
    answer = client.request(c.reference, fmt)
    assert answer.data[0]["service_code"] == "pothole"
    assert answer.data[0]["agency_responsible"]
    missing = client.request("NOPE123", fmt)
    assert missing.status == 404
    assert "NOPE123" in missing.error_text()


def test_one_request_is_the_same_in_json_and_xml(categories) -> None:
    c = make_complaint(categories["pothole"])
    client = spec_client()
    assert (
        client.request(c.reference, "json").data
        == client.request(c.reference, "xml").data
    )


def test_extensions_on_a_request(categories) -> None:
    c = make_complaint(categories["pothole"], status=ComplaintStatus.IN_PROGRESS)
    (item,) = (
        spec_client(strict=False).request(c.reference, "json", extensions="true").data
    )
    assert item["extended_status"] == "in_progress"
    assert item["status"] == "open"
    assert item["service_name_en"] == "Pothole"
    assert item["request_token"] == str(c.public_id)
    with pytest.raises(SpecViolation, match="extended_status"):
        spec_client().request(c.reference, "xml", extensions="true")


@BOTH
def test_a_token_gives_its_request_id(categories, fmt) -> None:
    c = make_complaint(categories["pothole"])
    answer = spec_client().token(str(c.public_id), fmt)
    assert answer.data == [
        {"service_request_id": c.reference, "token": str(c.public_id)}
    ]
    for bad in ("not-a-token", "0b8e1a4c-0000-4000-8000-000000000000"):
        missing = spec_client().token(bad, fmt)
        assert missing.status == 404


# --- the envelope ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/nothing.json", "application/json; charset=utf-8"),
        ("/services.html", "text/xml; charset=utf-8"),
        ("/", "text/xml; charset=utf-8"),
        ("/requests/a/b.xml", "text/xml; charset=utf-8"),
    ],
)
def test_an_unknown_path_is_the_spec_404(small_map, path, content_type) -> None:
    status, headers, body = _raw(path)
    assert status == 404
    assert headers["Content-Type"] == content_type
    text = body.decode()
    assert "404" in text and (
        "<errors><error><code>404</code>" in text or text.startswith("[")
    )


def test_a_wrong_method_is_400_with_allow(categories) -> None:
    response = Client().delete(BASE + "/services.json")
    assert response.status_code == 400
    assert response["Allow"] == "GET"
    assert json.loads(response.content)[0]["code"] == 405


@BOTH
def test_jurisdiction_id_must_be_ours_when_given(categories, fmt) -> None:
    client = spec_client()
    assert client.services(fmt, jurisdiction_id="saduak.go.th").ok
    other = client.services(fmt, jurisdiction_id="city.gov")
    assert other.status == 404
    assert "city.gov" in other.error_text()


def test_text_that_cannot_be_stored_is_refused_in_the_spec_format(categories) -> None:
    answer = spec_client().requests("xml", service_code="pot\x00hole")
    assert answer.status == 400
    assert "service_code" in answer.error_text()


# --- helpers ----------------------------------------------------------------------


def _raw(path: str, **params: str):  # type: ignore[no-untyped-def]
    headers = {}
    if "HTTP_ACCEPT_LANGUAGE" in params:
        headers["Accept-Language"] = params.pop("HTTP_ACCEPT_LANGUAGE")
    response = Client().get(BASE + path, params, headers=headers)
    return response.status_code, dict(response.items()), response.content


def _copy(complaint: Complaint, **changes) -> Complaint:  # type: ignore[no-untyped-def]
    import secrets

    values = {
        f.attname: getattr(complaint, f.attname)
        for f in Complaint._meta.concrete_fields
        if f.attname not in ("id", "public_id")
    }
    values |= {
        "tracking_token": secrets.token_urlsafe(24),
        "fingerprint": secrets.token_hex(32),
    }
    values |= changes
    return Complaint(**values)
