import json

import pytest
from django.test import Client

from saduak.accounts.choices import Role
from saduak.accounts.services import api_token_create
from saduak.areas.models import Office
from saduak.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture
def api(small_map):
    return Client()


def test_provinces_are_paginated_with_a_count(api):
    body = api.get("/api/v1/areas/provinces", {"page_size": 1}).json()
    assert body["count"] == 2
    assert [p["code"] for p in body["items"]] == ["10"]


def test_districts_of_a_province_are_searchable_in_thai_and_english(api):
    thai = api.get(
        "/api/v1/areas/districts", {"province": "50", "search": "จอมทอง"}
    ).json()
    english = api.get(
        "/api/v1/areas/districts", {"province": "50", "search": "chom"}
    ).json()
    assert (
        [d["code"] for d in thai["items"]]
        == [d["code"] for d in english["items"]]
        == ["5002"]
    )


def test_area_search_returns_levels(api):
    found = api.get("/api/v1/areas/search", {"q": "Si Phum"}).json()
    assert found == [
        {
            "level": "subdistrict",
            "code": "500101",
            "name_th": "ศรีภูมิ",
            "name_en": "Si Phum",
        }
    ]


def test_subdistricts_carry_their_postal_codes(api):
    body = api.get("/api/v1/areas/subdistricts/500101").json()
    assert body["postal_codes"] == ["50200"]
    assert body["district_code"] == "5001"


def test_an_unknown_area_code_answers_404_with_a_problem_body(api):
    response = api.get("/api/v1/areas/districts/9999")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert (
        body["code"] == "not-found"
        and body["status"] == 404
        and "9999" in body["title"]
    )


@pytest.mark.parametrize(
    "path,params,name",
    [
        ("/api/v1/areas/provinces", {"page": "abc"}, "page"),
        ("/api/v1/areas/provinces", {"page": "0"}, "page"),
        ("/api/v1/areas/provinces", {"page": "92233720368547760"}, "page"),
        ("/api/v1/areas/provinces", {"page_size": "1000"}, "page_size"),
        ("/api/v1/areas/districts", {"province": "5x"}, "province"),
        ("/api/v1/areas/subdistricts", {"postal_code": "123"}, "postal_code"),
        ("/api/v1/areas/search", {}, "q"),
        ("/api/v1/areas/search", {"q": "x", "limit": "500"}, "limit"),
        ("/api/v1/offices", {"kind": "palace"}, "kind"),
    ],
)
def test_a_malformed_query_answers_400_naming_the_parameter(api, path, params, name):
    response = api.get(path, params)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert [p["name"] for p in response.json()["invalid_params"]] == [name]


def test_an_office_shows_its_hours_and_counters(api):
    body = api.get("/api/v1/offices/reg-5001").json()
    assert body["kind"] == "district_registry"
    assert len(body["opening_hours"]) == 5 and len(body["counters"]) == 3


def test_changing_an_office_needs_a_signed_in_caller(api):
    response = api.patch(
        "/api/v1/offices/reg-5001", {"phone": "1"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_a_machine_token_of_a_district_admin_changes_its_own_office(api, make_staff):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    _, token = api_token_create(user=admin, name="script", actor="test")

    response = api.patch(
        "/api/v1/offices/reg-5001",
        {"phone": "053 000 111"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert response.status_code == 200
    assert response.json()["phone"] == "053 000 111"


def test_an_officer_of_one_district_cannot_change_another_district_through_the_api(
    api, make_staff, client_for
):
    other = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5002"))

    response = other.patch(
        "/api/v1/offices/reg-5001", {"phone": "1"}, content_type="application/json"
    )
    hours = other.put(
        "/api/v1/offices/reg-5001/opening-hours",
        json.dumps([{"weekday": 0, "opens": "08:00", "closes": "09:00"}]),
        content_type="application/json",
    )

    assert response.status_code == hours.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Office.objects.get(code="reg-5001").phone == ""
    assert Office.objects.get(code="reg-5001").opening_hours.count() == 5


def test_a_revoked_token_is_refused(api, make_staff):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    record, token = api_token_create(user=admin, name="old", actor="test")
    record.revoked_at = record.created_at
    record.save(update_fields=["revoked_at"])
    response = api.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_bad_opening_hours_answer_400_naming_the_field(api, make_staff, client_for):
    admin = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    response = admin.put(
        "/api/v1/offices/reg-5001/opening-hours",
        json.dumps([{"weekday": 0, "opens": "12:00", "closes": "08:00"}]),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "closes"


def test_a_counter_is_saved_through_the_api(api, make_staff, client_for):
    admin = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    response = admin.put(
        "/api/v1/offices/reg-5001/counters/9",
        {"label_th": "ช่อง 9", "label_en": "Counter 9"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {
        "number": 9,
        "label_th": "ช่อง 9",
        "label_en": "Counter 9",
        "is_active": True,
    }
    assert AuditEvent.objects.filter(action="counter.save").exists()


def test_hq_adds_a_national_holiday_and_a_duplicate_is_409(api, make_staff, client_for):
    hq = client_for(make_staff(Role.HQ_ADMIN, "hq"))
    payload = {"date": "2026-12-24", "name_th": "วันหยุดพิเศษ"}
    first = hq.post("/api/v1/areas/holidays", payload, content_type="application/json")
    second = hq.post("/api/v1/areas/holidays", payload, content_type="application/json")
    assert first.status_code == 201
    assert (
        second.status_code == 409
        and second.json()["invalid_params"][0]["name"] == "date"
    )
    assert [h["date"] for h in api.get("/api/v1/areas/holidays").json()] == [
        "2026-12-24"
    ]


def test_me_shows_the_callers_roles(api, make_staff, client_for):
    body = (
        client_for(make_staff(Role.COUNTER_OFFICER, "reg-5001"))
        .get("/api/v1/accounts/me")
        .json()
    )
    assert body["roles"] == [
        {
            "role": "counter_officer",
            "office_code": "reg-5001",
            "office_name_th": "สำนักทะเบียนอำเภอเมืองเชียงใหม่",
        }
    ]
    assert body["personal_id_masked"].startswith("x-xxxx")


def test_a_browser_session_cannot_write_through_the_api_without_the_csrf_token(
    small_map, make_staff
):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_staff(Role.DISTRICT_ADMIN, "do-5001"))

    response = browser.patch(
        "/api/v1/offices/reg-5001", {"phone": "1"}, content_type="application/json"
    )

    assert response.status_code in (401, 403)
    assert response["Content-Type"] == PROBLEM
    assert Office.objects.get(code="reg-5001").phone == ""
