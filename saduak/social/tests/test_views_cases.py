import pytest
from django.urls import reverse
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.identity.models import DataAccess
from saduak.social.choices import CaseStatus
from saduak.social.models import Case, FollowUp, PlanStep, Referral
from saduak.social.services import cases
from saduak.social.tests.case_setup import household, opened, today

pytestmark = pytest.mark.django_db


def en(name, *args):
    """The English page's address (Thai is the default language)."""
    from django.utils import translation

    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture
def worker(make_staff):
    return make_staff(Role.SOCIAL_WORKER, "do-5001")


@pytest.fixture
def client(worker, client_for):
    return client_for(worker)


def test_the_open_form_opens_a_case_for_a_selected_household(client, worker):
    home = household()
    url = reverse("social-cases:open", args=[home.public_id])
    page = client.get(url)
    assert page.status_code == 200
    assert worker.get_full_name() in page.content.decode()
    answer = client.post(
        url, {"case_worker": str(worker.pk), "follow_up_frequency": "monthly"}
    )
    case = Case.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("social-cases:detail", args=[case.reference])
    assert AuditEvent.objects.filter(action="social.case.open").count() == 1


def test_a_second_open_case_is_refused_on_the_form(client, worker):
    case = opened(worker)
    answer = client.post(
        en("social-cases:open", case.household.public_id),
        {"case_worker": str(worker.pk), "follow_up_frequency": "monthly"},
    )
    assert answer.status_code == 409
    assert "already has an open case" in answer.content.decode()
    assert Case.objects.count() == 1


def test_the_case_list_shows_the_districts_open_cases_due_first(client, worker):
    later = opened(worker, frequency="yearly")
    sooner = opened(worker)
    cases.assessment_record(
        case=sooner,
        assessed_on=today(),
        capability="B",
        needs={"health": "x"},
        actor=worker,
    )
    with translation.override("en"):
        page = client.get(reverse("social-cases:list"))
    body = page.content.decode()
    assert "Assessed once so far: 1 case" in body
    assert page.status_code == 200
    assert body.index(sooner.reference) < body.index(later.reference)
    cases.case_close(case=later, outcome="other", note="ย้าย", actor=worker)
    closed = client.get(reverse("social-cases:list") + "?status=closed").content
    assert later.reference in closed.decode()
    assert sooner.reference not in closed.decode()


def test_the_case_page_shows_the_household_through_privacy(client, worker, make_user):
    member = make_user()
    case = opened(worker, home=household(people=[member.personal_id]))
    page = client.get(reverse("social-cases:detail", args=[case.reference]))
    body = page.content.decode()
    assert page.status_code == 200
    assert member.personal_id not in body
    assert AuditEvent.objects.filter(action="social.household.view").count() == 1
    assert DataAccess.objects.filter(citizen=member).count() == 1


def test_another_districts_worker_gets_not_found(worker, make_staff, client_for):
    case = opened(worker)
    away = client_for(make_staff(Role.SOCIAL_WORKER, "do-5002"))
    assert (
        away.get(reverse("social-cases:detail", args=[case.reference])).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(action="social.household.view").exists()


def test_each_form_records_on_the_case(client, worker):
    case = opened(worker)
    detail = reverse("social-cases:detail", args=[case.reference])
    day = today().isoformat()
    posts = [
        (
            "social-cases:assess",
            {"assessed_on": day, "capability": "C", "need_health": "ติดเตียง"},
        ),
        (
            "social-cases:plan-step",
            {
                "domain": "health",
                "goal": "ได้รับการดูแล",
                "service": "เยี่ยมบ้าน",
                "agency": "sub-district-hospital",
                "starts_on": day,
                "due_on": day,
            },
        ),
        (
            "social-cases:refer",
            {"agency": "dep", "reason": "บัตรคนพิการ", "sent_on": day},
        ),
        (
            "social-cases:follow-up",
            {"done_on": day, "note": "เยี่ยมแล้ว", "capability": "B"},
        ),
    ]
    for name, data in posts:
        assert client.get(reverse(name, args=[case.reference])).status_code == 200
        answer = client.post(reverse(name, args=[case.reference]), data)
        assert answer.status_code == 302, (name, answer.content.decode()[:2000])
        assert answer["Location"] == detail
    step = PlanStep.objects.get()
    referral = Referral.objects.get()
    answer = client.post(
        reverse("social-cases:plan-step-update", args=[case.reference, step.public_id]),
        {"status": "in_progress", "due_on": day},
    )
    assert answer.status_code == 302
    answer = client.post(
        reverse(
            "social-cases:referral-answer", args=[case.reference, referral.public_id]
        ),
        {"status": "accepted", "answered_on": day, "answer": "รับแล้ว"},
    )
    assert answer.status_code == 302
    assert FollowUp.objects.filter(case=case).count() == 2
    page = client.get(detail).content.decode()
    assert "ติดเตียง" in page and "บัตรคนพิการ" in page and "รับแล้ว" in page
    assert AuditEvent.objects.filter(action__startswith="social.case.").count() == 7


def test_a_bad_post_shows_the_error_and_changes_nothing(client, worker):
    case = opened(worker)
    answer = client.post(
        reverse("social-cases:refer", args=[case.reference]),
        {"agency": "", "reason": "", "sent_on": ""},
    )
    assert answer.status_code == 400
    assert not Referral.objects.exists()
    answer = client.post(
        reverse("social-cases:plan-step", args=[case.reference]),
        {
            "domain": "health",
            "goal": "g",
            "service": "s",
            "agency": "dop",
            "starts_on": "2026-05-02",
            "due_on": "2026-05-01",
        },
    )
    assert answer.status_code == 400
    assert not PlanStep.objects.exists()


def test_closing_makes_the_case_read_only(client, worker):
    case = opened(worker)
    answer = client.post(
        reverse("social-cases:close", args=[case.reference]),
        {"outcome": "returned_to_community", "note": "กลับสู่ชุมชน"},
    )
    assert answer.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert AuditEvent.objects.filter(action="social.case.close").count() == 1
    refused = client.post(
        en("social-cases:follow-up", case.reference),
        {"done_on": today().isoformat(), "note": "x"},
    )
    assert refused.status_code == 409
    assert "is closed" in refused.content.decode()
    shown = client.get(reverse("social-cases:assess", args=[case.reference]))
    assert shown.status_code == 302
    assert not FollowUp.objects.filter(done_on__isnull=False).exists()
    page = client.get(reverse("social-cases:detail", args=[case.reference]))
    assert reverse("social-cases:follow-up", args=[case.reference]) not in (
        page.content.decode()
    )


def test_the_pages_speak_thai_by_default_and_english_under_en(client, worker):
    from django.utils import translation

    case = opened(worker)
    with translation.override("th"):
        thai = client.get(reverse("social-cases:detail", args=[case.reference]))
    with translation.override("en"):
        url = reverse("social-cases:detail", args=[case.reference])
    english = client.get(url)
    assert english.status_code == 200
    assert "Family development plan" in english.content.decode()
    assert "แผนพัฒนาครอบครัว" in thai.content.decode()


def test_a_district_admin_starts_an_application_and_the_case_links_to_it(
    make_staff, make_user, client_for
):
    from saduak.eservices.models import Service

    service = Service.objects.filter(
        is_active=True, versions__status="published"
    ).first()
    if service is None:
        pytest.skip("no published e-service in the test database")
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    member = make_user()
    case = opened(admin, home=household(people=[member.personal_id]))
    step = cases.plan_step_add(
        case=case,
        domain="social_services",
        goal="เบี้ยยังชีพ",
        service="ยื่นคำขอ",
        agency_code="pshso",
        starts_on=today(),
        due_on=today(),
        actor=admin,
    )
    client = client_for(admin)
    url = reverse(
        "social-cases:plan-step-application", args=[case.reference, step.public_id]
    )
    form = client.get(url)
    assert form.status_code == 200
    assert member.personal_id not in form.content.decode()
    from saduak.social.views.cases import _person_key

    person = _person_key(case, member.personal_id)
    assert f'value="{person}"' in form.content.decode()
    answer = client.post(url, {"person": person, "service": service.code})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    step.refresh_from_db()
    page = client.get(reverse("social-cases:detail", args=[case.reference]))
    link = reverse("eservices-staff:application", args=[step.application_reference])
    assert link in page.content.decode()


def test_a_social_worker_is_not_offered_the_application(client, worker, make_user):
    case = opened(worker, home=household(people=[make_user().personal_id]))
    step = cases.plan_step_add(
        case=case,
        domain="health",
        goal="g",
        service="s",
        agency_code="dop",
        starts_on=today(),
        due_on=today(),
        actor=worker,
    )
    page = client.get(reverse("social-cases:detail", args=[case.reference]))
    url = reverse(
        "social-cases:plan-step-application", args=[case.reference, step.public_id]
    )
    assert url not in page.content.decode()
