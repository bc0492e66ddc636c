"""The GECC pages with the test client: HQ prepares, names targets (picked
or pasted), opens a round and follows it; a district's administrator names
the responsible person by picking an account, the office's staff assess
items with notes and photos, fill the readiness form and the district sends
the reports. Others get 403 or 404; no GECC page has a password field."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse as reverse_any
from django.utils import timezone, translation

from saduak.accounts.choices import Role
from saduak.areas.models import Office
from saduak.audit.models import AuditEvent
from saduak.core.uploads.sample_files import png_of_one_colour
from saduak.performance.choices import AnswerStatus, GeccRoundStatus, RequestKind
from saduak.performance.models import (
    GeccAssessment,
    GeccEvidence,
    GeccParticipant,
    GeccRound,
    ReportAnswer,
)
from saduak.performance.tests.gecc_setup import YEAR, draft_round, open_round, photo

pytestmark = pytest.mark.django_db


def reverse(name: str, args: Any = None) -> str:
    with translation.override("th"):
        return reverse_any(name, args=args)


def office_url(code: str = "reg-5001", name: str = "office", *extra: Any) -> str:
    return reverse(f"performance-gecc:{name}", args=[YEAR, code, *extra])


def no_password_field(response: Any) -> None:
    html = response.content.decode()
    assert 'type="password"' not in html and "type='password'" not in html


def named(user: Any, first: str, last: str) -> Any:
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def hq(make_staff: Any, client_for: Any) -> Client:
    return client_for(make_staff(Role.HQ_ADMIN, "hq"))


@pytest.fixture
def district(make_staff: Any, client_for: Any) -> Client:
    return client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))


def test_hq_prepares_names_targets_and_opens_a_round(hq: Client) -> None:
    listing = hq.get(reverse("performance-gecc:list"))
    assert listing.status_code == 200
    picked = hq.get(reverse("performance-gecc:list"), {"year": YEAR})
    assert picked.status_code == 302
    assert picked["Location"] == reverse("performance-gecc:prepare", args=[YEAR])
    today = timezone.localdate()
    prepare = reverse("performance-gecc:prepare", args=[YEAR])
    no_password_field(hq.get(prepare))
    refused = hq.post(
        prepare,
        {
            "title_th": "รอบ 2570",
            "registration_due_on": (today + timedelta(days=10)).isoformat(),
            "progress_due_on": (today + timedelta(days=5)).isoformat(),
        },
    )
    assert refused.status_code == 400 and not GeccRound.objects.exists()
    made = hq.post(
        prepare,
        {
            "title_th": "รอบ 2570",
            "registration_due_on": (today + timedelta(days=10)).isoformat(),
            "progress_due_on": (today + timedelta(days=30)).isoformat(),
        },
    )
    assert made.status_code == 302
    round = GeccRound.objects.get()
    assert round.criteria.count() == 67
    targets = reverse("performance-gecc:targets", args=[YEAR])
    wrong = hq.post(targets, {"codes": "reg-5001 reg-9999 do-5001"})
    assert wrong.status_code == 400 and "reg-9999" in wrong.content.decode()
    assert not round.participants.exists()
    assert hq.post(targets, {"codes": "reg-5001\nreg-1001"}).status_code == 302
    assert sorted(round.participants.values_list("office__code", flat=True)) == [
        "reg-1001",
        "reg-5001",
    ]
    page = hq.get(reverse("performance-gecc:round", args=[YEAR]))
    assert reverse("performance-forms:edit", args=["gecc", round.public_id]) in (
        page.content.decode()
    )
    assert hq.post(reverse("performance-gecc:open", args=[YEAR])).status_code == 302
    round.refresh_from_db()
    assert round.status == GeccRoundStatus.OPEN
    sent = ReportAnswer.objects.filter(request__in=[round.registration, round.progress])
    assert sent.count() == 4
    assert AuditEvent.objects.filter(action="gecc_round.open").count() == 1
    for name in ("progress", "criteria-share"):
        response = hq.get(reverse(f"performance-gecc:{name}", args=[YEAR]))
        assert response.status_code == 200
        no_password_field(response)
    assert (
        hq.get(
            reverse("performance-gecc:progress", args=[YEAR]), {"province": "50"}
        ).status_code
        == 200
    )


def test_only_hq_reaches_the_preparation_and_progress_pages(
    small_map: None, district: Client
) -> None:
    draft_round()
    for name in ("prepare", "targets", "progress", "criteria-share"):
        assert (
            district.get(reverse(f"performance-gecc:{name}", args=[YEAR])).status_code
            == 403
        )
    assert (
        district.post(reverse("performance-gecc:open", args=[YEAR])).status_code == 403
    )
    assert GeccRound.objects.get().status == GeccRoundStatus.DRAFT


def test_the_office_names_its_responsible_person_and_assesses_items(
    small_map: None, make_staff: Any, client_for: Any, district: Client
) -> None:
    open_round()
    clerk = named(make_staff(Role.COUNTER_OFFICER, "reg-5001"), "สมชาย", "รักงาน")
    outsider = named(make_staff(Role.COUNTER_OFFICER, "reg-5002"), "สมหญิง", "นอกเขต")
    page = district.get(office_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert clerk.full_name in html and outsider.full_name not in html
    no_password_field(page)
    refused = district.post(
        office_url(name="responsible"), {"responsible": outsider.pk}
    )
    assert refused.status_code == 400
    assert GeccParticipant.objects.get(office__code="reg-5001").responsible is None
    chosen = district.post(office_url(name="responsible"), {"responsible": clerk.pk})
    assert chosen.status_code == 302
    assert GeccParticipant.objects.get(office__code="reg-5001").responsible == clerk
    office_staff = client_for(clerk)
    saved = office_staff.post(
        office_url("reg-5001", "assess", "P01"),
        {"P01-status": "met", "P01-note": "ป้ายใหญ่ชัดเจน"},
    )
    assert saved.status_code == 302 and saved["Location"].endswith("#item-P01")
    assessment = GeccAssessment.objects.get(criterion__code="P01")
    assert (assessment.status, assessment.note) == ("met", "ป้ายใหญ่ชัดเจน")
    office_staff.post(
        office_url("reg-5001", "assess", "P02"), {"P02-status": "sometimes"}
    )
    assert not GeccAssessment.objects.filter(criterion__code="P02").exists()
    added = office_staff.post(
        office_url("reg-5001", "evidence-add", "P01"),
        {"P01-file-upload": photo(), "P01-file-description": "ป้ายหน้าสำนักงาน"},
    )
    assert added.status_code == 302
    evidence = GeccEvidence.objects.get()
    download = office_staff.get(office_url("reg-5001", "evidence", evidence.public_id))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == png_of_one_colour(8)
    shown = office_staff.get(office_url()).content.decode()
    assert "ป้ายหน้าสำนักงาน" in shown and 'value="met" checked' in shown
    assert office_staff.post(office_url("reg-5001", "outcomes")).status_code == 302
    assert (
        GeccAssessment.objects.filter(criterion__group="outcome")
        .exclude(measured_at=None)
        .count()
        == 3
    )
    readiness = office_staff.get(office_url(name="readiness"))
    assert readiness.status_code == 200
    no_password_field(readiness)
    bad = office_staff.post(
        office_url(name="readiness"), {"counters_open": "สาม", "plan_ready": "yes"}
    )
    assert bad.status_code == 400
    good = office_staff.post(
        office_url(name="readiness"), {"counters_open": "3", "plan_ready": "yes"}
    )
    assert good.status_code == 302
    sent = district.post(
        office_url(name="report"), {"kind": RequestKind.GECC_REGISTRATION}
    )
    assert sent.status_code == 302
    answer = ReportAnswer.objects.get(
        office__code="reg-5001", request__kind=RequestKind.GECC_REGISTRATION
    )
    assert answer.status == AnswerStatus.SUBMITTED
    assert answer.answers["responsible_name"] == clerk.full_name
    district.post(office_url(name="report"), {"kind": RequestKind.GECC_PROGRESS})
    progress = ReportAnswer.objects.get(
        office__code="reg-5001", request__kind=RequestKind.GECC_PROGRESS
    )
    assert (
        progress.answers["physical_met"] == 1
        and progress.answers["readiness_done"] == "yes"
    )


def test_another_districts_staff_do_not_find_the_office(
    small_map: None, make_staff: Any, client_for: Any
) -> None:
    open_round()
    other = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5002"))
    assert other.get(office_url()).status_code == 404
    assert (
        other.post(
            office_url("reg-5001", "assess", "P01"), {"P01-status": "met"}
        ).status_code
        == 404
    )
    assert not GeccAssessment.objects.exists()


def test_a_district_volunteers_from_the_round_page(
    small_map: None, make_staff: Any, client_for: Any
) -> None:
    open_round()
    admin = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5002"))
    page = admin.get(reverse("performance-gecc:round", args=[YEAR]))
    assert "reg-5002" in page.content.decode()
    joined = admin.post(
        reverse("performance-gecc:volunteer", args=[YEAR]),
        {"office": Office.objects.get(code="reg-5002").pk},
    )
    assert joined.status_code == 302
    assert joined["Location"] == office_url("reg-5002")
    assert GeccParticipant.objects.filter(
        office__code="reg-5002", participation="volunteer"
    ).exists()


def test_the_staff_home_links_to_the_gecc_rounds(
    small_map: None, district: Client
) -> None:
    home = district.get(reverse("areas:staff-home"))
    assert reverse("performance-gecc:list") in home.content.decode()


def test_hq_closes_an_open_round_from_its_page_and_a_district_cannot(
    small_map: None, hq: Client, district: Client
) -> None:
    open_round()
    url = reverse("performance-gecc:close", args=[YEAR])
    assert district.post(url).status_code == 403
    assert GeccRound.objects.get().status == GeccRoundStatus.OPEN
    page = hq.get(reverse("performance-gecc:round", args=[YEAR]))
    assert url in page.content.decode()
    response = hq.post(url)
    assert response.status_code == 302
    assert GeccRound.objects.get().status == GeccRoundStatus.CLOSED
    assert AuditEvent.objects.filter(action="gecc_round.close").count() == 1
    again = hq.post(url, follow=True)
    assert GeccRound.objects.get().status == GeccRoundStatus.CLOSED
    assert again.status_code == 200
    assert AuditEvent.objects.filter(action="gecc_round.close").count() == 1
