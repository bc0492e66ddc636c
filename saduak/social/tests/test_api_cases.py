import pytest

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.social.models import Case, Referral
from saduak.social.tests.case_setup import household, opened, today

pytestmark = pytest.mark.django_db

BASE = "/api/v1/social/cases"


@pytest.fixture
def worker(make_staff):
    return make_staff(Role.SOCIAL_WORKER, "do-5001")


@pytest.fixture
def api(worker, client_for):
    return client_for(worker)


def test_a_case_is_opened_and_worked_through_the_api(api, worker):
    home = household()
    answer = api.post(
        BASE,
        {
            "household": str(home.public_id),
            "case_worker_id": worker.pk,
            "follow_up_frequency": "monthly",
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    reference = answer.json()["reference"]
    day = today().isoformat()
    steps = [
        (
            "assessments",
            {"assessed_on": day, "capability": "B", "needs": {"health": "x"}},
        ),
        (
            "plan-steps",
            {
                "domain": "health",
                "goal": "g",
                "service": "s",
                "agency": "dop",
                "starts_on": day,
                "due_on": day,
            },
        ),
        ("referrals", {"agency": "dep", "reason": "บัตรคนพิการ", "sent_on": day}),
        ("follow-ups", {"done_on": day, "note": "เยี่ยมแล้ว"}),
    ]
    for path, body in steps:
        answer = api.post(
            f"{BASE}/{reference}/{path}", body, content_type="application/json"
        )
        assert answer.status_code == 201, (path, answer.content)
    record = answer.json()
    assert record["assessments"][0]["baseline"] is True
    assert len(record["follow_ups"]) == 2
    referral = record["referrals"][0]["id"]
    answer = api.post(
        f"{BASE}/{reference}/referrals/{referral}/answer",
        {"status": "declined", "answered_on": day, "answer": "ไม่เข้าเกณฑ์"},
        content_type="application/json",
    )
    assert answer.json()["referrals"][0]["status"] == "declined"
    answer = api.post(
        f"{BASE}/{reference}/close",
        {"outcome": "self_reliant", "note": "พึ่งตนเองได้"},
        content_type="application/json",
    )
    assert answer.json()["status"] == "closed"
    assert AuditEvent.objects.filter(action__startswith="social.case.").count() == 7
    listed = api.get(BASE, {"district": "5001", "status": "closed"}).json()
    assert [row["reference"] for row in listed["results"]] == [reference]


def test_a_follow_up_on_a_closed_case_is_a_conflict(api, worker):
    case = opened(worker)
    api.post(
        f"{BASE}/{case.reference}/close",
        {"outcome": "other", "note": "x"},
        content_type="application/json",
    )
    answer = api.post(
        f"{BASE}/{case.reference}/follow-ups",
        {"done_on": today().isoformat(), "note": "x"},
        content_type="application/json",
    )
    assert answer.status_code == 409
    assert case.reference in answer.content.decode()


def test_a_referral_to_an_unknown_agency_is_refused_with_its_field(api, worker):
    case = opened(worker)
    answer = api.post(
        f"{BASE}/{case.reference}/referrals",
        {"agency": "acme", "reason": "x", "sent_on": today().isoformat()},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "agency" in answer.content.decode()
    assert not Referral.objects.exists()


def test_the_people_are_masked_and_recorded(api, worker, make_user):
    member = make_user()
    case = opened(worker, home=household(people=[member.personal_id]))
    people = api.get(f"{BASE}/{case.reference}/people").json()
    assert people[0]["personal_id"] != member.personal_id
    assert AuditEvent.objects.filter(action="social.household.view").count() == 1


def test_another_district_cannot_read_a_case(worker, make_staff, client_for):
    case = opened(worker)
    away = client_for(make_staff(Role.SOCIAL_WORKER, "do-5002"))
    assert away.get(f"{BASE}/{case.reference}").status_code == 404
    assert Case.objects.count() == 1


def test_the_movement_counts_are_given_per_district(api, worker):
    from saduak.social.services import cases

    case = opened(worker)
    for level in ("C", "B"):
        cases.assessment_record(
            case=case,
            assessed_on=today(),
            capability=level,
            needs={"health": "x"},
            actor=worker,
        )
    rows = api.get(f"{BASE}/movement", {"province": "50", "district": "5001"}).json()
    assert rows == [
        {
            "district_code": "5001",
            "pairs": [{"from": "C", "to": "B", "cases": 1}],
            "up": 1,
            "stayed": 0,
            "down": 0,
            "assessed_once": 0,
        }
    ]
