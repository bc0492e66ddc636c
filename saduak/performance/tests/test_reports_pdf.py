"""The KPI report and the organisation report as PDF, read back as printed
(core/tests/pdf_reading.py): Thai text, the scores in Arabic digits or, with
the Thai-digit option, in Thai digits, and B.E. dates."""

import pytest
from django.utils import translation

from saduak.core.tests.pdf_reading import read_as_printed
from saduak.performance.reports.pdf import framework_report_pdf, kpi_report_pdf
from saduak.performance.tests.report_data import department

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(small_map):
    return department()


def test_the_organisation_report_prints_thai_scores_and_be_dates(data):
    with translation.override("th"):
        pdf = framework_report_pdf(
            framework=data.framework, round=data.six, digits="arabic"
        )
    printed = read_as_printed(pdf, resolution=200)
    assert "ระยะเวลารอเฉลี่ย" in printed
    assert "บุคลากรไม่เพียงพอ" in printed  # an obstacle
    assert "67.75" in printed and "52.75" in printed
    assert "2569" in printed  # the fiscal year and the dates, B.E.
    assert "2026" not in printed


def test_the_thai_digit_option_prints_every_number_in_thai_digits(small_map):
    # Fiscal year 2555: Tesseract reads the Thai digits 0-5 reliably in
    # Sarabun but mistakes 6-9 for others, so the figures checked use those.
    data = department(2555)
    with translation.override("th"):
        pdf = kpi_report_pdf(kpi=data.served, round=data.six, digits="thai")
    printed = read_as_printed(pdf, resolution=300)
    assert "ให้บริการแล้วเสร็จ" in printed
    assert "ปี๒๕๕๕" in printed  # the fiscal year, B.E.
    assert "๓๑มีนาคม" in printed  # the round's end
    assert "๑๐๐" in printed  # the advanced target's points
    assert "๒/๒" in printed  # the page numbers
    assert "2555" not in printed and "31" not in printed and "100" not in printed
