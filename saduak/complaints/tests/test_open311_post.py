"""Open311 GeoReport v2, POST requests, through the spec client: filing with a
partner's key, every refusal in the spec's format with nothing stored, the
Thai location rules, the double tap and the Idempotency-Key."""

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from saduak.areas.models import Subdistrict
from saduak.areas.sync import areas_sync
from saduak.audit.models import AuditEvent
from saduak.complaints.choices import Channel, ComplaintStatus
from saduak.complaints.models import Complaint, Open311Key
from saduak.complaints.tests.open311_fixtures import (
    BASE,
    make_categories,
    make_key,
    spec_client,
)
from saduak.notifications.models import Notification

pytestmark = pytest.mark.django_db

BOTH = pytest.mark.parametrize("fmt", ["json", "xml"])
PHONE = "0812345678"


@pytest.fixture
def world(small_map: None) -> dict[str, Any]:
    categories = make_categories()
    key, raw = make_key()
    return {"categories": categories, "key": key, "raw": raw}


def good(**changes: Any) -> dict[str, Any]:
    """A complete request for the pothole service in Si Phum (500101)."""
    fields: dict[str, Any] = {
        "service_code": "pothole",
        "description": "ถนนหน้าตลาดเป็นหลุมลึก รถจักรยานยนต์ล้ม",
        "address_id": "500101",
        "lat": "18.7904",
        "long": "98.9847",
        "address_string": "หน้าตลาดวโรรส",
        "first_name": "สมหญิง",
        "last_name": "รักดี",
        "phone": PHONE,
        "email": "somying@example.com",
        "account_id": "cm-app-42",
        "device_id": "device-1",
        "attributes": {"size": "large", "landmark": "ตลาดวโรรส"},
    }
    fields.update(changes)
    return {name: value for name, value in fields.items() if value is not None}


def nothing_stored() -> None:
    assert Complaint.objects.count() == 0
    assert not AuditEvent.objects.filter(action="complaint.file").exists()
    assert not Notification.objects.exists()


@BOTH
def test_a_partner_files_a_request_and_gets_its_id(world, fmt) -> None:
    answer = spec_client().post_request(fmt, api_key=world["raw"], **good())
    assert answer.ok, answer.errors
    (created,) = answer.data
    complaint = Complaint.objects.get()
    assert created["service_request_id"] == complaint.reference
    assert created["account_id"] == "cm-app-42"
    assert "15" in created["service_notice"]
    assert complaint.channel == Channel.OPEN311
    assert complaint.open311_key == world["key"]
    assert complaint.subdistrict_id == "500101" and complaint.district_id == "5001"
    assert complaint.office.code == "ddc-5001"
    assert complaint.contact_name == "สมหญิง รักดี"
    assert complaint.attribute_answers == {"size": "large", "landmark": "ตลาดวโรรส"}
    assert str(complaint.latitude) == "18.790400"
    assert complaint.address == "หน้าตลาดวโรรส"
    assert AuditEvent.objects.filter(action="complaint.file").count() == 1
    # It is at once in the spec's GET answers.
    (item,) = spec_client().request(complaint.reference, fmt).data
    assert item["status"] == "open"
    assert item["service_code"] == "pothole"


def test_a_multivaluelist_is_sent_as_attribute_code_brackets(world) -> None:
    from saduak.complaints.models import CategoryAttribute

    CategoryAttribute.objects.create(
        category=world["categories"]["pothole"],
        code="hazards",
        datatype="multivaluelist",
        description_th="อันตรายที่พบ",
        values=[
            {"key": "water", "name_th": "น้ำขัง"},
            {"key": "dark", "name_th": "มืด"},
            {"key": "traffic", "name_th": "รถมาก"},
        ],
    )
    answer = spec_client().post_request(
        "json",
        api_key=world["raw"],
        **good(attributes={"size": "small", "hazards": ["water", "dark"]}),
    )
    assert answer.ok, answer.errors
    assert Complaint.objects.get().attribute_answers["hazards"] == ["water", "dark"]


@BOTH
@pytest.mark.parametrize("api_key", [None, "", "o311_wrong", "revoked"])
def test_a_missing_bad_or_revoked_key_is_403_and_nothing_is_stored(
    world, fmt, api_key
) -> None:
    if api_key == "revoked":
        from django.utils import timezone

        Open311Key.objects.filter(pk=world["key"].pk).update(revoked_at=timezone.now())
        api_key = world["raw"]
    answer = spec_client().post_request(fmt, api_key=api_key, **good())
    assert answer.status == 403
    assert answer.error_codes() == ["403"]
    assert "api_key" in answer.error_text()
    nothing_stored()


def test_a_key_is_checked_before_the_request(world) -> None:
    answer = spec_client().post_request("json", api_key="o311_wrong", service_code=None)
    assert answer.status == 403


@BOTH
def test_an_unknown_service_code_is_404(world, fmt) -> None:
    answer = spec_client().post_request(
        fmt, api_key=world["raw"], **good(service_code="no-such-service")
    )
    assert answer.status == 404
    assert "no-such-service" in answer.error_text()
    nothing_stored()


@BOTH
@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"service_code": None}, "service_code"),
        ({"description": None}, "description"),
        ({"description": "ก" * 4001}, "4,000"),
        (
            {"address_id": None, "address_string": None, "lat": None, "long": None},
            "location",
        ),
        ({"address_id": None, "address_string": None}, "lat/long alone"),
        ({"address_id": "5001"}, "address_id"),
        ({"address_id": "999999"}, "999999"),
        ({"address_id": None, "address_string": "บ้านเลขที่ 5 หมู่ 2"}, "address_string"),
        ({"lat": "north"}, "lat"),
        ({"lat": "48.85", "long": "2.35"}, "Thailand"),
        ({"lat": "18.79", "long": None}, "lat"),
        ({"phone": "12345"}, "phone"),
        ({"phone": None}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"attributes": {"landmark": "x"}}, "attribute[size]"),
        ({"attributes": {"size": "huge"}}, "attribute[size]"),
        ({"attributes": {"size": "small", "colour": "red"}}, "attribute[colour]"),
        ({"jurisdiction_id": "city.gov"}, "jurisdiction_id"),
    ],
)
def test_bad_requests_are_refused_precisely_and_nothing_is_stored(
    world, fmt, changes, named
) -> None:
    answer = spec_client("en").post_request(
        fmt, api_key=world["raw"], **good(**changes)
    )
    assert answer.status in (400, 404), answer.status
    assert named in answer.error_text()
    nothing_stored()


def test_several_problems_are_listed_together(world) -> None:
    answer = spec_client().post_request(
        "json",
        api_key=world["raw"],
        **good(
            description=None, address_id=None, address_string=None, lat=None, long=None
        ),
    )
    assert answer.status == 400
    assert len(answer.errors) == 2
    text = answer.error_text()
    assert "description" in text and "location" in text


def test_errors_follow_accept_language(world) -> None:
    thai = spec_client().post_request(
        "json", api_key=world["raw"], **good(description=None)
    )
    english = spec_client("en").post_request(
        "json", api_key=world["raw"], **good(description=None)
    )
    assert "description: is required" in english.error_text()
    assert thai.error_text() != english.error_text()


# --- where it happened -------------------------------------------------------------


@pytest.fixture
def bigger_map(small_map: None) -> None:
    """The small map plus Bangkok's Chom Thong (a district named as Chiang Mai's)
    and its subdistrict Chom Thong, and Suthep in Mueang Chiang Mai."""
    from conftest import SMALL_MAP
    from saduak.areas.geography import AreaRow

    areas_sync(
        actor="test",
        rows=[
            *SMALL_MAP,
            AreaRow("district", "1035", "เขตจอมทอง", "Chom Thong", "10"),
            AreaRow("subdistrict", "103504", "จอมทอง", "Chom Thong", "1035", "10150"),
            AreaRow("subdistrict", "500105", "สุเทพ", "Suthep", "5001", "50200"),
        ],
    )


@pytest.mark.parametrize(
    ("address", "district", "subdistrict"),
    [
        ("ต.สุเทพ อ.เมืองเชียงใหม่ จ.เชียงใหม่ 50200", "5001", "500105"),
        ("ซอย 5 ถนนห้วยแก้ว ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่", "5001", "500105"),
        (
            "12 Huay Kaew Rd, Suthep, Mueang Chiang Mai, Chiang Mai 50200",
            "5001",
            "500105",
        ),
        ("Tambon Si Phum, Amphoe Mueang Chiang Mai", "5001", "500101"),
        ("หน้าที่ว่าการอำเภอจอมทอง จังหวัดเชียงใหม่", "5002", None),
        ("แขวงจอมทอง เขตจอมทอง กรุงเทพมหานคร", "1035", "103504"),
        ("บ้านหลวง", "5002", "500201"),
        (
            "Suthep Subdistrict, Mueang Chiang Mai District, Chiang Mai Province",
            "5001",
            "500105",
        ),
        ("Khet Chom Thong, Bangkok", "1035", None),
    ],
)
def test_an_address_string_is_placed_in_its_district(
    bigger_map, address, district, subdistrict
) -> None:
    from saduak.complaints.open311.location import place_from_address

    place = place_from_address(address)
    assert place.district.code == district
    assert (place.subdistrict.code if place.subdistrict else None) == subdistrict


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("จอมทอง", "ambiguous"),
        ("Chom Thong", "ambiguous"),
        ("123 Sukhumvit Road", "no subdistrict or district"),
        ("", "no subdistrict or district"),
    ],
)
def test_an_address_that_names_no_place_or_several_is_refused(
    bigger_map, address, says
):
    from saduak.complaints.open311.location import PlaceNotFound, place_from_address

    with translation.override("en"), pytest.raises(PlaceNotFound, match=says):
        place_from_address(address)


def test_a_request_placed_by_its_address_string(bigger_map) -> None:
    make_categories()
    _key, raw = make_key()
    answer = spec_client().post_request(
        "xml",
        api_key=raw,
        **good(address_id=None, address_string="ซอย 5 ต.สุเทพ อ.เมืองเชียงใหม่"),
    )
    assert answer.ok, answer.errors
    complaint = Complaint.objects.get()
    assert complaint.subdistrict == Subdistrict.objects.get(code="500105")
    assert complaint.address == "ซอย 5 ต.สุเทพ อ.เมืองเชียงใหม่"
    ambiguous = spec_client().post_request(
        "xml",
        api_key=raw,
        **good(address_id=None, address_string="จอมทอง", description="x"),
    )
    assert ambiguous.status == 400
    assert "1035" in ambiguous.error_text() and "5002" in ambiguous.error_text()
    assert Complaint.objects.count() == 1


# --- once ---------------------------------------------------------------------------


def test_a_double_tap_is_stored_once(world) -> None:
    client = spec_client()
    first = client.post_request("json", api_key=world["raw"], **good())
    second = client.post_request("json", api_key=world["raw"], **good())
    assert first.data[0]["service_request_id"] == second.data[0]["service_request_id"]
    assert Complaint.objects.count() == 1
    assert Notification.objects.count() == 1


def test_an_idempotency_key_replays_the_first_answer(world) -> None:
    client = spec_client()
    headers = {"Idempotency-Key": "cm-app-42-attempt-1"}
    first = client.post_request("json", api_key=world["raw"], headers=headers, **good())
    again = Client().post(
        BASE + "/requests.json",
        data=_form(world["raw"], good()),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
        headers=headers,
    )
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.body
    assert Complaint.objects.count() == 1
    # The same key with another request: refused in the spec's format (400).
    other = client.post_request(
        "xml", api_key=world["raw"], headers=headers, **good(description="อีกเรื่อง")
    )
    assert other.status == 400
    assert other.error_codes() == ["422"]
    assert Complaint.objects.count() == 1


def test_idempotency_keys_belong_to_their_partner(world) -> None:
    _other_key, other_raw = make_key("Lamphun Municipality")
    headers = {"Idempotency-Key": "same-key"}
    first = spec_client().post_request(
        "json", api_key=world["raw"], headers=headers, **good()
    )
    second = spec_client().post_request(
        "json", api_key=other_raw, headers=headers, **good(phone="0898765432")
    )
    assert first.ok and second.ok
    assert first.data[0]["service_request_id"] != second.data[0]["service_request_id"]


def test_a_partner_filing_too_fast_is_told_to_wait(world, settings) -> None:
    settings.OPEN311_POSTS_PER_SECOND = 1
    client = spec_client()
    client.post_request("json", api_key=world["raw"], **good())
    answer = client.post_request("json", api_key=world["raw"], **good(description="อีก"))
    # Both within one second is the usual case; a second boundary between them
    # lets the second through, which is right too.
    if answer.status == 400:
        assert answer.error_codes() == ["429"]
        assert Complaint.objects.count() == 1
    else:
        assert answer.ok


def test_a_get_on_requests_needs_no_key_but_a_post_does(world) -> None:
    assert spec_client().requests("json").ok
    assert spec_client().post_request("json", api_key=None, **good()).status == 403


def test_the_post_answer_carries_the_token_extension_when_asked(world) -> None:
    answer = spec_client(strict=False).post_request(
        "json", api_key=world["raw"], extensions="true", **good()
    )
    complaint = Complaint.objects.get()
    token = answer.data[0]["request_token"]
    assert token == str(complaint.public_id)
    assert spec_client().token(token, "json").data[0]["service_request_id"] == (
        complaint.reference
    )
    assert complaint.status == ComplaintStatus.RECEIVED


def _form(raw: str, fields: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    pairs = [("api_key", raw)]
    for name, value in fields.items():
        if name == "attributes":
            pairs += [(f"attribute[{code}]", v) for code, v in value.items()]
        else:
            pairs.append((name, value))
    return urlencode(pairs)


def test_a_partner_posts_without_cookies_or_csrf_token(world) -> None:
    strict_csrf = Client(enforce_csrf_checks=True)
    response = strict_csrf.post(
        BASE + "/requests.json",
        data=_form(world["raw"], good()),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )
    assert response.status_code == 200, response.content
    assert Complaint.objects.count() == 1
