"""The PMQA pages with the test client: HQ records a unit's scores and the
all-agency averages; the page compares each category with the average and
says whether the 400-point stage is passed; others read what their reach
covers and get no form."""

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse as reverse_any
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.performance.models import PmqaAgencyAverage, PmqaAssessment, PmqaScore

pytestmark = pytest.mark.django_db


def reverse(name: str, args: Any = None) -> str:
    """The Thai address (no prefix), whatever language an earlier test left
    active."""
    with translation.override("th"):
        return reverse_any(name, args=args)


YEAR = 2569


def scores(own: str, assessor: str, **changes: str) -> dict[str, str]:
    data = {}
    for category in range(1, 8):
        data[f"category_{category}_self"] = own
        data[f"category_{category}_assessor"] = assessor
    data.update(changes)
    return data


def averages(value: str) -> dict[str, str]:
    return {f"category_{category}_average": value for category in range(1, 8)}


@pytest.fixture
def hq(make_staff, client_for):
    return client_for(make_staff(Role.HQ_ADMIN, "hq"))


def unit_url(unit: str, year: int = YEAR) -> str:
    return reverse("performance:pmqa-unit", args=[year, unit])


def test_hq_records_the_departments_scores_and_sees_the_stage_passed(hq):
    assert (
        hq.post(
            reverse("performance:pmqa-averages", args=[YEAR]), averages("380")
        ).status_code
        == 302
    )
    response = hq.post(unit_url("country"), scores("420", "405.5"))
    assert response.status_code == 302
    assessment = PmqaAssessment.objects.get(fiscal_year=YEAR, unit_level="country")
    assert PmqaScore.objects.filter(assessment=assessment).count() == 7
    assert AuditEvent.objects.filter(action="pmqa.record").count() == 2
    page = hq.get(unit_url("country"))
    text = page.content.decode()
    assert page.context["summary"].assessor_overall == Decimal("405.50")
    assert "+25.5" in text
    assert "ผ่านเกณฑ์ (400 คะแนนขึ้นไป)" in text


def test_an_overall_below_400_is_shown_as_below_the_stage(hq):
    hq.post(unit_url("50"), scores("390", "350"))
    text = hq.get(unit_url("50")).content.decode()
    assert "ต่ำกว่า 400 คะแนน" in text


def test_the_overall_waits_for_all_seven_categories(hq):
    hq.post(unit_url("50"), scores("390", "350", category_7_assessor=""))
    page = hq.get(unit_url("50"))
    assert page.context["summary"].assessor_overall is None
    assert page.context["summary"].self_overall == Decimal("390.00")
    assert "ยังมีคะแนนไม่ครบทุกหมวด" in page.content.decode()


def test_a_score_above_500_is_refused_on_its_field_and_nothing_is_saved(hq):
    response = hq.post(unit_url("country"), scores("420", "405", category_3_self="501"))
    assert response.status_code == 400
    assert "category_3_self" in response.context["form"].errors
    assert not PmqaAssessment.objects.exists()


def test_averages_must_all_be_given(hq):
    data = averages("380")
    data["category_4_average"] = ""
    response = hq.post(reverse("performance:pmqa-averages", args=[YEAR]), data)
    assert response.status_code == 400
    assert "category_4_average" in response.context["form"].errors
    assert not PmqaAgencyAverage.objects.exists()


def test_the_list_shows_the_years_assessments_the_viewer_reads(
    hq, make_staff, client_for
):
    hq.post(unit_url("country"), scores("420", "405"))
    hq.post(unit_url("10"), scores("300", "310"))
    hq.post(unit_url("5001"), scores("400", "410"))
    province = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))
    response = province.get(reverse("performance:pmqa"), {"year": YEAR})
    units = [row["key"] for row in response.context["rows"]]
    assert units == ["country", "5001"]
    assert response.context["unit_form"] is None
    assert province.get(unit_url("10")).status_code == 404
    page = province.get(unit_url("5001"))
    assert page.status_code == 200
    assert page.context["form"] is None
    assert 'name="category_1_self"' not in page.content.decode()


def test_only_hq_records_scores(hq, make_staff, client_for):
    province = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))
    assert province.post(unit_url("50"), scores("400", "400")).status_code == 404
    assert (
        province.post(
            reverse("performance:pmqa-averages", args=[YEAR]), averages("380")
        ).status_code
        == 403
    )
    assert not PmqaAssessment.objects.exists()
    assert not PmqaAgencyAverage.objects.exists()


def test_hq_opens_a_unit_from_the_lists_picker(hq):
    response = hq.get(reverse("performance:pmqa"), {"year": YEAR})
    assert response.context["unit_form"] is not None
    page = hq.get(unit_url("choose"), {"unit": "5002"})
    assert page.status_code == 200
    assert 'name="category_1_self"' in page.content.decode()


def test_an_unknown_unit_or_year_is_not_found(hq):
    assert hq.get(unit_url("777")).status_code == 404
    assert hq.get(unit_url("country", year=1999)).status_code == 404
    assert hq.get(reverse("performance:pmqa-averages", args=[3000])).status_code == 404


def test_the_english_page_names_the_threshold(hq):
    hq.post(unit_url("country"), scores("420", "405"))
    text = hq.get("/en" + unit_url("country")).content.decode()
    assert "Passes (400 or more)" in text
