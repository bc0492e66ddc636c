import pytest
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.social.choices import HouseholdStatus, SourceKind
from saduak.social.models import CommunityForum, ServiceRecord, StagedPerson
from saduak.social.tests import targeting_setup as setup

pytestmark = pytest.mark.django_db

BASE = "/api/v1/social/targeting"


@pytest.fixture
def worker(make_staff):
    return make_staff(Role.SOCIAL_WORKER, "do-5001")


@pytest.fixture
def found(small_map):
    household = setup.household(
        sources=(SourceKind.BASIC_NEEDS, SourceKind.FAMILY), need_score=9
    )
    setup.household(need_score=2)
    setup.rebuild()
    return household


def test_statistics_answer_counts_per_area_without_personal_data(
    found, make_staff, client_for
):
    client = client_for(make_staff(Role.HQ_ADMIN, "hq"))
    response = client.get(f"{BASE}/statistics")
    assert response.status_code == 200
    body = response.json()
    assert body["level"] == "country"
    assert body["totals"]["found"] == 2
    [chiang_mai] = [child for child in body["children"] if child["code"] == "50"]
    assert chiang_mai["found"] == 2
    family = {row["source"]: row for row in body["by_source"]}["family"]
    assert family["found"] == 1
    assert found.house_code not in response.content.decode()
    district = client.get(f"{BASE}/statistics", {"level": "district", "code": "5001"})
    assert [child["code"] for child in district.json()["children"]] == [
        "500101",
        "500102",
    ]


def test_statistics_outside_the_reach_are_refused(found, worker, client_for):
    client = client_for(worker)
    response = client.get(f"{BASE}/statistics", {"level": "country"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert client.get(f"{BASE}/statistics").json()["code"] == "5001"


def test_a_subdistricts_households_come_ranked_without_personal_ids(
    found, worker, client_for
):
    response = client_for(worker).get(
        f"{BASE}/{setup.YEAR}/subdistricts/500101/households"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["rank"] for item in body["items"]] == [1, 2]
    first = body["items"][0]
    assert first["house_code"] == found.house_code
    assert first["sources"] == ["basic_needs", "family"]
    text = response.content.decode()
    for row in StagedPerson.objects.all():
        assert row.personal_id not in text


def test_hq_cannot_list_a_subdistricts_households(found, make_staff, client_for):
    client = client_for(make_staff(Role.HQ_ADMIN, "hq"))
    response = client.get(f"{BASE}/{setup.YEAR}/subdistricts/500101/households")
    assert response.status_code == 403


def test_a_household_answers_masked_people_and_is_recorded(found, worker, client_for):
    response = client_for(worker).get(f"{BASE}/households/{found.public_id}")
    assert response.status_code == 200
    [person] = response.json()["people"]
    assert person["personal_id"].startswith("x-xxxx-xxxxx-")
    assert person["reasons"][0]["rule"] == "low_income"
    assert person["reasons"][0]["sources"] == ["basic_needs", "family"]
    assert AuditEvent.objects.filter(action="social.household.view").count() == 1


def test_forum_decision_select_and_service_through_the_api(found, worker, client_for):
    client = client_for(worker)
    response = client.post(
        f"{BASE}/{setup.YEAR}/subdistricts/500101/forums",
        {"held_on": timezone.localdate().isoformat(), "minutes": "ประชาคมหมู่ 2"},
        content_type="application/json",
    )
    assert response.status_code == 201
    forum_id = response.json()["id"]
    assert CommunityForum.objects.filter(public_id=forum_id).exists()
    decision = f"{BASE}/households/{found.public_id}/decision"
    refused = client.post(
        decision,
        {"decision": "remove", "forum": forum_id, "reason": ""},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["invalid_params"][0]["name"] == "reason"
    response = client.post(
        decision,
        {"decision": "confirm", "forum": forum_id},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == HouseholdStatus.CONFIRMED
    agency = setup.agency()
    unknown = client.post(
        f"{BASE}/households/{found.public_id}/services",
        {
            "domain": "health",
            "description": "ตรวจสุขภาพ",
            "provided_on": timezone.localdate().isoformat(),
            "agency": "nowhere",
        },
        content_type="application/json",
    )
    assert unknown.status_code == 400
    response = client.post(
        f"{BASE}/households/{found.public_id}/services",
        {
            "domain": "health",
            "description": "ตรวจสุขภาพ",
            "provided_on": timezone.localdate().isoformat(),
            "agency": agency.code,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["agency"] == agency.code
    assert ServiceRecord.objects.count() == 1
    response = client.post(f"{BASE}/households/{found.public_id}/select")
    assert response.status_code == 200
    assert response.json()["status"] == HouseholdStatus.SELECTED
    again = client.post(
        decision,
        {"decision": "remove", "forum": forum_id, "reason": "ย้ายออก"},
        content_type="application/json",
    )
    assert again.status_code == 409
    for action in (
        "social.forum.record",
        "social.household.confirm",
        "social.service.record",
        "social.household.select",
    ):
        assert AuditEvent.objects.filter(action=action).count() == 1
    assert not AuditEvent.objects.filter(action="social.household.remove").exists()


def test_another_districts_worker_cannot_decide_through_the_api(
    found, worker, make_staff, client_for
):
    forum = setup.forum(recorded_by=worker)
    client = client_for(make_staff(Role.SOCIAL_WORKER, "do-5002"))
    response = client.post(
        f"{BASE}/households/{found.public_id}/decision",
        {"decision": "confirm", "forum": str(forum.public_id)},
        content_type="application/json",
    )
    assert response.status_code == 404
    found.refresh_from_db()
    assert found.status == HouseholdStatus.FOUND
