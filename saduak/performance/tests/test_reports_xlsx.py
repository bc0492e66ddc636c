"""The organisation report as XLSX: one sheet per part, figures as numbers,
dates as dates, text that looks like a formula kept as text."""

import io
from datetime import datetime

import pytest
from django.utils import translation
from openpyxl import load_workbook

from saduak.performance.reports.xlsx import framework_report_xlsx
from saduak.performance.tests.report_data import department

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(small_map):
    data = department()
    data.results["served"].obstacles = '=HYPERLINK("http://x")'
    data.results["served"].save()
    with translation.override("en"):
        content = framework_report_xlsx(framework=data.framework, round=data.six)
    return load_workbook(io.BytesIO(content))


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_one_sheet_per_part_of_the_report(book):
    assert book.sheetnames == [
        "Scores",
        "Definitions",
        "Criteria",
        "Results",
        "Computation",
        "Three-year trend",
        "Measures, factors, obstacles",
        "Evidence",
    ]


def test_scores_are_numbers_a_spreadsheet_can_add_up(book):
    scores = rows(book["Scores"])
    assert scores[0][:3] == ["Code", "Name", "Weight"]
    served = next(row for row in scores if row[0] == "1.1")
    assert served[2:] == [40, 87, 85, 34]
    assert all(isinstance(cell, int | float) for cell in served[2:])
    assert scores[-2][0] == "Overall score" and scores[-2][-1] == 67.75
    assert scores[-1][0] == "Weight not reported yet" and scores[-1][2] == 0


def test_criteria_results_and_dates(book):
    criteria = [row for row in rows(book["Criteria"]) if row[0] == "1.2"]
    assert [(row[3], row[4]) for row in criteria] == [(50, 10), (75, 7), (100, 5)]
    results = [row for row in rows(book["Results"]) if row[0] == "1.1"]
    assert results[0][1] == 6 and results[0][2] == datetime(2026, 3, 31)
    assert results[0][3:6] == [870, 1000, 87]
    assert results[1][3] is None  # the 12-month round has no result yet
    plan = next(row for row in rows(book["Criteria"]) if row[0] == "2.1")
    assert plan[3] == 50 and plan[5] == "แต่งตั้งคณะทำงาน"


def test_texts_and_evidence_and_a_formula_stays_text(book):
    texts = rows(book["Measures, factors, obstacles"])
    served = next(row for row in texts if row[0] == "1.1")
    assert served[1] == "เปิดจุดบริการเพิ่ม"
    assert served[3] == '=HYPERLINK("http://x")'
    cell = next(
        row[3]
        for row in book["Measures, factors, obstacles"].iter_rows()
        if row[0].value == "1.1"
    )
    assert cell.data_type == "s"
    evidence = rows(book["Evidence"])
    assert evidence[1][0] == "2.1" and "12/2569" in evidence[1][1]
