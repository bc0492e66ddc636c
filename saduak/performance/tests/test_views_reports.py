"""The dashboard page: scores, trend and breakdown, each chart with its table
(readable without JavaScript), the unit checked against the viewer's reach;
the PDF and XLSX downloads answer for the rounds the framework has."""

import pytest
from django.urls import reverse

from saduak.accounts.choices import Role
from saduak.performance.tests.report_data import department

pytestmark = pytest.mark.django_db


def thai(path):
    return path.removeprefix("/en")


def english(path):
    return "/en" + thai(path)


def dashboard_url(data, query=""):
    path = reverse("performance-reports:dashboard", args=[data.framework.public_id])
    return thai(path) + query


def test_hq_sees_scores_trend_and_the_province_map_with_their_tables(
    make_staff, client_for
):
    data = department()
    page = client_for(make_staff(Role.HQ_ADMIN, "hq")).get(dashboard_url(data))
    assert page.status_code == 200
    html = page.content.decode()
    assert "คะแนนรวม" in html and "67.75" in html
    assert 'data-chart="bar"' in html and 'data-chart="map"' in html
    assert 'data-shape="cmi"' in html and 'data-value="84.0909"' in html
    assert "vendor/charts/thailand-provinces.json" in html
    assert "CC BY 4.0" in html
    assert "<script>" not in html  # no inline script: the CSP allows none


def test_the_english_page_and_another_round(make_staff, client_for):
    data = department()
    client = client_for(make_staff(Role.HQ_ADMIN, "hq"))
    html = client.get(english(dashboard_url(data, "?round=12"))).content.decode()
    assert "Overall score" in html and "Weight not reported yet" in html
    assert "100.00" in html
    assert client.get(dashboard_url(data, "?round=9")).status_code == 404


def test_a_province_sees_its_own_districts_and_not_the_country(make_staff, client_for):
    data = department()
    client = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))
    html = client.get(dashboard_url(data)).content.decode()
    assert "เมืองเชียงใหม่" in html and "พระนคร" not in html
    assert 'data-chart="map"' not in html
    assert client.get(dashboard_url(data, "?level=country")).status_code == 403


def test_a_district_cannot_open_its_provinces_view(make_staff, client_for):
    data = department()
    client = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    assert client.get(dashboard_url(data)).status_code == 200
    asked = client.get(dashboard_url(data, "?level=province&code=50"))
    assert asked.status_code == 403


def test_a_unit_outside_a_provinces_framework_is_refused_with_the_reason(
    make_staff, client_for
):
    data = department()
    data.framework.unit_level = "province"
    data.framework.unit_code = "50"
    data.framework.province_id = "50"
    data.framework.save()
    client = client_for(make_staff(Role.HQ_ADMIN, "hq"))
    page = client.get(english(dashboard_url(data, "?level=province&code=10")))
    assert page.status_code == 400
    assert "does not evaluate" in page.content.decode()


def test_an_unknown_framework_is_not_found(make_staff, client_for):
    client = client_for(make_staff(Role.HQ_ADMIN, "hq"))
    url = reverse(
        "performance-reports:dashboard", args=["00000000-0000-0000-0000-000000000000"]
    )
    assert client.get(thai(url)).status_code == 404


def test_the_downloads_answer_pdf_and_xlsx_and_refuse_bad_digits(
    make_staff, client_for
):
    data = department()
    client = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))
    pdf_url = reverse(
        "performance-reports:framework-pdf", args=[data.framework.public_id]
    )
    pdf = client.get(thai(pdf_url) + "?round=6&digits=thai")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get(thai(pdf_url) + "?digits=roman").status_code == 400
    kpi_url = reverse("performance-reports:kpi-pdf", args=[data.plan.public_id])
    assert client.get(thai(kpi_url)).content.startswith(b"%PDF")
    xlsx_url = reverse(
        "performance-reports:framework-xlsx", args=[data.framework.public_id]
    )
    xlsx = client.get(thai(xlsx_url) + "?round=6")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert "performance-2569-country-6.xlsx" in xlsx["Content-Disposition"]
