from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.social.choices import Domain, HouseholdStatus, SourceKind
from saduak.social.models import CommunityForum, ServiceRecord
from saduak.social.services import targeting as services
from saduak.social.tests import targeting_setup as setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_staff):
    return make_staff(Role.SOCIAL_WORKER, "do-5001")


@pytest.fixture
def found(small_map):
    household = setup.household(
        sources=(SourceKind.BASIC_NEEDS, SourceKind.WELFARE_CARD),
        incomes=(1000, 5000),
        house_code="50010100042",
    )
    setup.rebuild()
    return household


def _url(name, *args):
    return reverse(f"social-targeting:{name}", args=args)


def test_a_social_worker_lands_on_their_districts_subdistricts(
    found, worker, client_for
):
    client = client_for(worker)
    response = client.get(_url("home"))
    assert response.status_code == 302
    assert response["Location"] == _url("district", setup.YEAR, "5001")
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "ศรีภูมิ" in text and "พระสิงห์" in text
    assert _url("subdistrict", setup.YEAR, "500101") in text


def test_the_subdistrict_page_lists_the_households_and_offers_the_forum(
    found, worker, client_for
):
    response = client_for(worker).get(_url("subdistrict", setup.YEAR, "500101"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "50010100042" in text
    assert _url("forum-new", setup.YEAR, "500101") in text
    assert _url("household", found.public_id) in text


def test_hq_sees_statistics_but_not_a_subdistricts_households(
    found, make_staff, client_for
):
    client = client_for(make_staff(Role.HQ_ADMIN, "hq"))
    assert client.get(_url("home"))["Location"] == _url("statistics")
    assert client.get(_url("statistics")).status_code == 200
    assert client.get(_url("subdistrict", setup.YEAR, "500101")).status_code == 403
    assert client.get(_url("household", found.public_id)).status_code == 403


def test_another_districts_worker_gets_not_found(found, make_staff, client_for):
    client = client_for(make_staff(Role.SOCIAL_WORKER, "do-5002"))
    assert client.get(_url("subdistrict", setup.YEAR, "500101")).status_code == 404
    assert client.get(_url("household", found.public_id)).status_code == 404
    assert client.get(_url("district", setup.YEAR, "5001")).status_code == 404


def test_recording_a_forum_through_the_page(found, worker, client_for):
    client = client_for(worker)
    url = _url("forum-new", setup.YEAR, "500101")
    assert client.get(url).status_code == 200
    tomorrow = timezone.localdate() + timedelta(days=1)
    refused = client.post(url, {"held_on": tomorrow.isoformat(), "minutes": "ประชุม"})
    assert refused.status_code == 400
    assert not CommunityForum.objects.exists()
    response = client.post(
        url,
        {
            "held_on": timezone.localdate().isoformat(),
            "attendees": "35",
            "minutes": "ที่ประชุมรับรอง",
        },
    )
    assert response.status_code == 302
    forum = CommunityForum.objects.get()
    assert forum.attendees == 35
    assert AuditEvent.objects.filter(action="social.forum.record").count() == 1


def test_the_household_page_shows_masked_people_and_why_they_were_found(
    found, worker, client_for
):
    response = client_for(worker).get(_url("household", found.public_id))
    assert response.status_code == 200
    text = response.content.decode()
    assert "x-xxxx-xxxxx-" in text
    assert "Rule low_income" in text or "เกณฑ์ low_income" in text
    from saduak.social.models import StagedPerson

    personal_id = StagedPerson.objects.filter(house_code=found.house_code).first()
    assert personal_id.personal_id not in text
    assert "1,000" in text and "5,000" in text
    assert AuditEvent.objects.filter(action="social.household.view").count() == 1


def test_deciding_selecting_and_serving_through_the_household_page(
    found, worker, client_for
):
    client = client_for(worker)
    forum = setup.forum(recorded_by=worker)
    decide = _url("decide", found.public_id)
    refused = client.post(
        decide, {"decision": "remove", "forum": str(forum.public_id), "reason": ""}
    )
    assert refused.status_code == 400
    found.refresh_from_db()
    assert found.status == HouseholdStatus.FOUND
    response = client.post(
        decide, {"decision": "confirm", "forum": str(forum.public_id)}
    )
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.status == HouseholdStatus.CONFIRMED
    today = timezone.localdate().isoformat()
    response = client.post(
        _url("service", found.public_id),
        {"domain": Domain.EDUCATION, "description": "ทุนการศึกษา", "provided_on": today},
    )
    assert response.status_code == 302
    assert ServiceRecord.objects.filter(household=found).count() == 1
    response = client.post(_url("select", found.public_id))
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.status == HouseholdStatus.SELECTED
    for action in (
        "social.household.confirm",
        "social.service.record",
        "social.household.select",
    ):
        assert AuditEvent.objects.filter(action=action).count() == 1


def test_a_provincial_officer_sees_the_household_but_cannot_decide(
    found, worker, make_staff, client_for
):
    forum = setup.forum(recorded_by=worker)
    client = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))
    page = client.get(_url("household", found.public_id))
    assert page.status_code == 200
    assert _url("decide", found.public_id) not in page.content.decode()
    response = client.post(
        _url("decide", found.public_id),
        {"decision": "confirm", "forum": str(forum.public_id)},
    )
    assert response.status_code in (400, 403)
    found.refresh_from_db()
    assert found.status == HouseholdStatus.FOUND
    assert not AuditEvent.objects.filter(action="social.household.confirm").exists()


def test_statistics_page_and_exports_carry_no_personal_ids(found, worker, client_for):
    forum = setup.forum(recorded_by=worker)
    services.household_confirm(household=found, forum=forum, actor=worker)
    client = client_for(worker)
    page = client.get(_url("statistics"))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-chart="bar"' in text
    assert found.house_code not in text
    for file_format in ("csv", "xlsx"):
        response = client.get(
            _url("statistics-export", file_format),
            {"year": setup.YEAR, "level": "district", "code": "5001"},
        )
        assert response.status_code == 200
        assert found.house_code.encode() not in response.content
    csv_text = client.get(_url("statistics-export", "csv")).content.decode("utf-8-sig")
    assert "500101" in csv_text
    assert client.get(_url("statistics-export", "pdf")).status_code == 404
    assert (
        client.get(_url("statistics"), {"level": "province", "code": "50"}).status_code
        == 403
    )


def test_the_staff_home_shows_social_match_to_the_roles_that_use_it(
    found, worker, make_staff, client_for
):
    home = reverse("areas:staff-home")
    assert _url("home") in client_for(worker).get(home).content.decode()
    hq = make_staff(Role.HQ_ADMIN, "hq")
    assert _url("home") in client_for(hq).get(home).content.decode()
    counter = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    assert _url("home") not in client_for(counter).get(home).content.decode()
