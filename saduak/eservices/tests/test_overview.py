import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from saduak.accounts.choices import Role
from saduak.areas.models import Office
from saduak.eservices.models import StageVisit
from saduak.eservices.selectors.overview import _median, overview
from saduak.eservices.tests.pipeline import (
    approved_application,
    rejected_application,
    submitted_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(
    builtin_services, make_user, officer, district_admin, district_office, make_staff
):
    approved_application(
        applicant=make_user(),
        office=district_office,
        amount=Decimal("3000"),
        officer=officer,
        committee_member=district_admin,
    )
    rejected_application(
        applicant=make_user(),
        office=district_office,
        officer=officer,
        committee_member=district_admin,
    )
    submitted_application(applicant=make_user(), office=district_office)
    other = Office.objects.get(code="do-5002")
    submitted_application(applicant=make_user(), office=other)
    bangkok = Office.objects.get(code="do-1001")
    submitted_application(applicant=make_user(), office=bangkok)


def this_year() -> tuple[date, date]:
    today = timezone.localdate()
    return today - timedelta(days=30), today


def test_the_province_sees_its_offices_counts_and_stage_times(activity, make_staff):
    provincial = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    start, end = this_year()

    rows = {
        row.office.code: row for row in overview(user=provincial, start=start, end=end)
    }

    assert set(rows) == {"do-5001", "do-5002"}
    mine = rows["do-5001"]
    assert (mine.received, mine.decided, mine.approved, mine.rejected) == (3, 2, 1, 1)
    assert mine.backlog == 2  # at intake, and at payment
    intake = mine.stages["intake"]
    assert intake.visits == 2
    assert intake.median_days == 0
    assert intake.share_within_target == 1.0
    assert rows["do-5002"].backlog == 1


def test_the_overview_takes_a_fixed_number_of_queries(
    activity, make_staff, django_assert_max_num_queries
):
    hq = make_staff(Role.HQ_ADMIN, "hq")
    start, end = this_year()
    hq.staff_roles.first()

    with django_assert_max_num_queries(5):
        rows = overview(user=hq, start=start, end=end)

    assert {row.office.code for row in rows} == {"do-5001", "do-5002", "do-1001"}


def test_medians_are_read_from_grouped_counts():
    assert _median({}) is None
    assert _median({3: 1}) == 3
    assert _median({1: 2, 5: 2}) == 3
    assert _median({0: 5, 10: 1}) == 0


def test_the_overview_downloads_as_csv(activity, make_staff, client_for):
    hq = make_staff(Role.HQ_ADMIN, "hq")
    with translation.override("en"):
        url = reverse("eservices-staff:overview-export", args=["csv"])

    response = client_for(hq).get(url)

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response.status_code == 200
    assert rows[0][:8] == [
        "Office code",
        "Office",
        "Service",
        "Received",
        "Decided",
        "Approved",
        "Rejected",
        "Open now",
    ]
    assert "Intake: median working days" in rows[0]
    assert {row[0] for row in rows[1:]} == {"do-5001", "do-5002", "do-1001"}


def test_the_overview_page_shows_the_period_and_the_offices(
    activity, make_staff, client_for
):
    hq = make_staff(Role.HQ_ADMIN, "hq")
    with translation.override("en"):
        url = reverse("eservices-staff:overview")

    page = client_for(hq).get(url).content.decode()

    assert "Mueang Chiang Mai District Office" in page
    assert "Open now" in page
    assert StageVisit.objects.exists()
