"""E-service reports over applications made on known days: counts by group,
the median days to decision, amounts, the reach, the
period, and the CSV and XLSX downloads."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from saduak.accounts.choices import Role
from saduak.areas.models import Office
from saduak.core.errors import PermissionDeniedError
from saduak.eservices.models import Application
from saduak.eservices.selectors.reports import (
    ReportFilters,
    applications_report,
    report_table,
)
from saduak.eservices.tests.pipeline import *  # noqa: F403 (fixtures)
from saduak.eservices.tests.pipeline import (
    decide,
    pay_through_bank,
    submitted_application,
)

pytestmark = pytest.mark.django_db

BANGKOK = ZoneInfo("Asia/Bangkok")
FY_2569 = ReportFilters(start=date(2025, 10, 1), end=date(2026, 9, 30))


def on(day: int, month: int = 11, year: int = 2025) -> time_machine.travel:
    return time_machine.travel(datetime(year, month, day, 10, 0, tzinfo=BANGKOK))


@pytest.fixture
def history(builtin_services, make_user, office_people, finance_officer):
    """November 2025 (fiscal year 2569):
    - paid: do-5001, submitted on the 3rd, approved on the 13th (10 days), paid
    - rejected: do-5001, submitted on the 3rd, rejected on the 7th (4 days)
    - approved: do-5002, submitted on the 4th, approved on the 10th (6 days)
    - open: do-5001, submitted on the 5th, at intake
    - bangkok: do-1001, submitted on the 3rd, approved on the 5th (2 days)
    - last_year: do-5001, submitted on 2 September 2025 (fiscal year 2568)
    """
    made: dict[str, Application] = {}

    def submit(name: str, code: str) -> None:
        made[name] = submitted_application(
            applicant=make_user(phone="0810000000"),
            office=Office.objects.get(code=code),
        )

    def decided(name: str, code: str, amount: str | None) -> None:
        officer, committee_member = office_people(code)
        made[name] = decide(
            made[name],
            officer=officer,
            committee_member=committee_member,
            amount=Decimal(amount) if amount else None,
        )

    with on(2, 9):
        submit("last_year", "do-5001")
    with on(3):
        submit("paid", "do-5001")
        submit("rejected", "do-5001")
        submit("bangkok", "do-1001")
    with on(4):
        submit("approved", "do-5002")
    with on(5):
        submit("open", "do-5001")
        decided("bangkok", "do-1001", "1000.00")
    with on(7):
        decided("rejected", "do-5001", None)
    with on(10):
        decided("approved", "do-5002", "2000.00")
    with on(13):
        decided("paid", "do-5001", "3000.00")
        pay_through_bank(applications=[made["paid"]], actor=finance_officer)
    return made


@pytest.fixture
def provincial(make_staff):
    return make_staff(Role.PROVINCIAL_STAFF, "pao-50")


def by_office(report):
    return {row.labels["office"]: row for row in report.rows}


def test_counts_medians_and_amounts_by_office_in_the_viewers_province(
    history, provincial
):
    with translation.override("en"):
        report = applications_report(
            viewer=provincial,
            filters=ReportFilters(
                start=FY_2569.start, end=FY_2569.end, group_by=("office",)
            ),
        )
    rows = by_office(report)
    assert set(rows) == {
        "Mueang Chiang Mai District Office",
        "Chom Thong District Office",
    }
    mueang = rows["Mueang Chiang Mai District Office"]
    assert (mueang.received, mueang.in_progress, mueang.approved) == (3, 1, 1)
    assert (mueang.rejected, mueang.paid, mueang.decided) == (1, 1, 2)
    assert mueang.median_days == pytest.approx(7.0)  # 10 and 4 days
    assert mueang.amount_approved == Decimal("3000.00")
    assert mueang.amount_paid == Decimal("3000.00")
    chom_thong = rows["Chom Thong District Office"]
    assert (chom_thong.received, chom_thong.in_progress, chom_thong.approved) == (
        1,
        1,
        1,
    )
    assert chom_thong.median_days == pytest.approx(6.0)
    assert chom_thong.amount_paid == Decimal(0)
    assert report.total.received == 4
    assert report.total.median_days == pytest.approx(6.0)  # 10, 4 and 6 days
    assert report.total.amount_approved == Decimal("5000.00")


def test_headquarters_sees_every_province_and_groups_by_service_and_stage(
    history, make_staff
):
    headquarters = make_staff(Role.HQ_ADMIN, "hq")
    with translation.override("en"):
        report = applications_report(
            viewer=headquarters,
            filters=ReportFilters(
                start=FY_2569.start, end=FY_2569.end, group_by=("service", "stage")
            ),
        )
    stages = {row.labels["stage"]: row.received for row in report.rows}
    assert stages == {"Intake": 1, "Payment": 2, "Closed": 2}
    assert {row.labels["service"] for row in report.rows} == {
        "Assistance for low-income families and the destitute"
    }
    assert report.total.received == 5
    assert report.total.median_days == pytest.approx(5.0)  # 2, 4, 6, 10


def test_the_period_selects_by_the_day_of_submission(history, provincial):
    september = applications_report(
        viewer=provincial,
        filters=ReportFilters(start=date(2025, 9, 1), end=date(2025, 9, 30)),
    )
    assert september.total.received == 1
    assert september.total.median_days is None
    third = applications_report(
        viewer=provincial,
        filters=ReportFilters(
            start=date(2025, 11, 3), end=date(2025, 11, 3), group_by=("month",)
        ),
    )
    assert third.total.received == 2
    assert [row.labels["month"] for row in third.rows] == ["พ.ย. 2568"]


def test_months_are_listed_in_time_order(history, provincial):
    report = applications_report(
        viewer=provincial,
        filters=ReportFilters(
            start=date(2025, 9, 1), end=date(2025, 11, 30), group_by=("month",)
        ),
    )
    assert [row.labels["month"] for row in report.rows] == ["ก.ย. 2568", "พ.ย. 2568"]
    assert [row.received for row in report.rows] == [1, 4]


def test_medians_come_from_the_minutes_to_decision(history, provincial):
    report = applications_report(
        viewer=provincial,
        filters=ReportFilters(start=FY_2569.start, end=FY_2569.end, group_by=()),
    )
    assert report.total.median_days == pytest.approx(6.0)  # 10, 4 and 6 days
    assert report.rows == []


def test_the_report_is_refused_to_people_without_a_staff_role(history, citizen):
    with pytest.raises(PermissionDeniedError):
        applications_report(viewer=citizen, filters=FY_2569)


def test_the_table_has_a_header_the_groups_and_a_total(history, provincial):
    with translation.override("en"):
        report = applications_report(
            viewer=provincial,
            filters=ReportFilters(
                start=FY_2569.start, end=FY_2569.end, group_by=("office",)
            ),
        )
        header, rows = report_table(report)
    assert header[:3] == ["Office", "Received", "In progress"]
    assert rows[-1][:2] == ["Total", 4]
    assert rows[-1][8] == 6.0


def report_url(file_format: str = "") -> str:
    with translation.override("en"):
        if file_format:
            return reverse("eservices-reports:report-export", args=[file_format])
        return reverse("eservices-reports:report")


QUERY = {"start": "2025-10-01", "end": "2026-09-30", "group_by": ["office"]}


def test_the_report_page_shows_the_groups_in_reach(history, provincial, client_for):
    page = client_for(provincial).get(report_url(), QUERY)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Mueang Chiang Mai District Office" in html
    assert "Phra Nakhon" not in html
    assert "3,000.00" in html


def test_the_report_defaults_to_this_fiscal_year(history, provincial, client_for):
    with on(20):
        page = client_for(provincial).get(report_url())
    assert page.status_code == 200
    assert 'value="2569" selected' in page.content.decode()


def test_a_period_ending_before_it_starts_is_shown_as_an_error(
    history, provincial, client_for
):
    page = client_for(provincial).get(
        report_url(), {"start": "2026-01-02", "end": "2026-01-01"}
    )
    assert page.status_code == 400
    assert "The period must start before it ends." in page.content.decode()


def test_the_csv_download_opens_with_the_same_numbers(history, provincial, client_for):
    response = client_for(provincial).get(report_url("csv"), QUERY)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["Office", "Received"]
    assert rows[-1][:2] == ["Total", "4"]


def test_the_xlsx_download_opens_in_openpyxl(history, provincial, client_for):
    response = client_for(provincial).get(report_url("xlsx"), QUERY)
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("Office", "Received")
    assert rows[-1][:2] == ("Total", 4)
    assert {row[0] for row in rows[1:-1]} == {
        "Mueang Chiang Mai District Office",
        "Chom Thong District Office",
    }
