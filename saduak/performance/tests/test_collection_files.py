"""The documents of report collection through their pages: the consolidated
report as PDF read back as printed (core/tests/pdf_reading.py), every answer
as XLSX opened with openpyxl cell by cell, the letter's download, and the
refusals: a draft or another province's request (404), a province outside
the viewer's reach (403), a letter without its letterhead (400), with
nothing audited when refused."""

import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from saduak.accounts.choices import Role
from saduak.accounts.units import COUNTRY, Unit, unit_get
from saduak.areas.models import Office
from saduak.audit.models import AuditEvent
from saduak.core.tests.pdf_reading import read_as_printed
from saduak.performance.choices import RequestStatus
from saduak.performance.models import Letterhead
from saduak.performance.reports.collection_content import consolidated_report
from saduak.performance.reports.collection_pdf import consolidated_report_pdf
from saduak.performance.tests.collection_files_data import (
    directive_round,
    letterhead_for,
    shows,
    skeleton,
)

pytestmark = pytest.mark.django_db

EXPORT = "report_request.export"


@pytest.fixture
def data(small_map):
    return directive_round()


@pytest.fixture
def hq(make_staff):
    return make_staff(Role.HQ_ADMIN, "hq")


@pytest.fixture
def chiang_mai(make_staff):
    return make_staff(Role.PROVINCIAL_STAFF, "pao-50")


def url(name, data, language="th", **query):
    with translation.override(language):
        path = reverse(
            f"performance-collection-files:{name}",
            kwargs={"public_id": data.request.public_id},
        )
    if query:
        path += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return path


def get(client, user, address):
    client.force_login(user)
    return client.get(address)


# ---------------------------------------------------------------- the PDF


def test_hqs_consolidated_report_prints_rates_sums_and_certifiers(data):
    with translation.override("th"):
        pdf = consolidated_report_pdf(request=data.request, unit=Unit(COUNTRY))
    printed = skeleton(read_as_printed(pdf, resolution=200))
    assert shows(printed, "รายงานภาพรวม", "ขอให้รายงานผลการให้บริการประชาชน")
    assert shows(printed, "ทั้งประเทศ")
    # do-5001 and do-5002 submitted (1 late) of 2 due; do-1001 excused.
    assert "100.0%" in printed and "50.0%" in printed
    assert "15,000.50" in printed  # the certified report's money, summed
    assert "550" in printed  # its table's people, 300 + 250
    assert shows(printed, "เครื่องพิมพ์บัตรเสีย")  # a text, collected
    assert not shows(printed, "ขาดแคลนบุคลากร")  # not certified: not added in
    assert shows(printed, "นางสาวมาลี", "ปลัดจังหวัดเชียงใหม่")  # the certifier
    assert shows(printed, "ล่าช้า")  # the late mark
    assert shows(printed, "ปรับปรุงอาคาร")  # the excuse (its end: the cell wraps)
    assert "2569" in printed and "2026" not in printed  # B.E. dates


def test_a_provinces_consolidated_report_holds_only_its_districts(data, chiang_mai):
    unit = unit_get(viewer=chiang_mai, level="province", code="50")
    report = consolidated_report(request=data.request, unit=unit)
    assert [a.office.code for a in report.answers] == ["do-5001", "do-5002"]
    assert [row.code for row in report.progress.rows] == ["5001", "5002"]
    assert report.due_on == data.legs["50"].due_on  # the province's deadline
    assert report.certified == 1
    with translation.override("en"):
        report = consolidated_report(request=data.request, unit=unit)
        fields = {field.label: field for field in report.fields}
        pdf = consolidated_report_pdf(request=data.request, unit=unit)
    assert fields["Staff"].total == "12" and fields["Staff"].answered == 1
    assert fields["Budget spent"].total == "15,000.50"
    assert [(line.label, line.value) for line in fields["Ready"].lines] == [
        ("Yes", "1"),
        ("No", "0"),
    ]
    table = fields["Visitors by month"].table
    assert table.rows[0][:2] == ["ตุลาคม", "300"] and table.totals == ["", "550"]
    printed = read_as_printed(pdf, resolution=200)
    assert "Consolidatedreport" in printed and "ChiangMai" in printed
    assert "18December2026" in printed  # the province's deadline
    assert "PhraNakhon" not in printed and "Bangkok" not in printed


# ---------------------------------------------------------------- the XLSX


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_hqs_workbook_has_a_row_per_office_and_a_sheet_of_table_rows(client, data, hq):
    data.answers["do-5002"].answers["problems"] = '=HYPERLINK("http://x")'
    data.answers["do-5002"].save()
    response = get(client, hq, url("answers-xlsx", data))  # in Thai
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["คำตอบ", "ผู้มารับบริการรายเดือน"]
    answers = rows(book["คำตอบ"])
    assert answers[0] == [
        "จังหวัด",
        "อำเภอ/เขต",
        "รหัสหน่วยงาน",
        "หน่วยงาน",
        "สถานะ",
        "เปิดอ่าน",
        "รับทราบ",
        "ส่งแล้ว",
        "รับรองแล้ว",
        "ล่าช้า",
        "ผู้รับรอง",
        "ตำแหน่งผู้รับรอง",
        "เหตุผลที่ยกเว้น",
        "จำนวนเจ้าหน้าที่",
        "งบประมาณที่ใช้",
        "พร้อมให้บริการ",
        "ปัญหาอุปสรรค",
        "ผู้มารับบริการรายเดือน: จำนวนคน (รวม)",
    ]
    by_office = {row[2]: row for row in answers[1:]}
    assert list(by_office) == ["do-1001", "do-5001", "do-5002"]
    certified = by_office["do-5001"]
    assert certified[:4] == [
        "เชียงใหม่",
        "เมืองเชียงใหม่",
        "do-5001",
        "ที่ว่าการอำเภอเมืองเชียงใหม่",
    ]
    assert certified[5:9] == [
        datetime(2026, 12, 8, 9, 0),
        datetime(2026, 12, 8, 9, 5),
        datetime(2026, 12, 19, 16, 0),  # Bangkok time
        datetime(2026, 12, 20, 11, 0),
    ]
    assert certified[9:12] == ["ล่าช้า", "นางสาวมาลี ตรวจดี", "ปลัดจังหวัดเชียงใหม่"]
    assert certified[13:] == [12, Decimal("15000.5"), "ใช่", "เครื่องพิมพ์บัตรเสีย", 550]
    assert isinstance(certified[14], float | int | Decimal)
    on_time = by_office["do-5002"]
    assert on_time[9] is None and on_time[10] is None
    assert on_time[13:] == [7, 2000, "ไม่ใช่", '=HYPERLINK("http://x")', 120]
    excused = by_office["do-1001"]
    assert excused[12] == "อยู่ระหว่างปรับปรุงอาคาร" and excused[13:] == [None] * 5
    formula = next(
        row[16] for row in book["คำตอบ"].iter_rows() if row[2].value == "do-5002"
    )
    assert formula.data_type == "s"  # text that looks like a formula stays text
    table_rows = rows(book["ผู้มารับบริการรายเดือน"])
    assert table_rows[0] == [
        "จังหวัด",
        "อำเภอ/เขต",
        "รหัสหน่วยงาน",
        "หน่วยงาน",
        "แถว",
        "เดือน",
        "จำนวนคน",
    ]
    assert [row[2:] for row in table_rows[1:]] == [
        ["do-5001", "ที่ว่าการอำเภอเมืองเชียงใหม่", 1, "ตุลาคม", 300],
        ["do-5001", "ที่ว่าการอำเภอเมืองเชียงใหม่", 2, "พฤศจิกายน", 250],
        ["do-5002", "ที่ว่าการอำเภอจอมทอง", 1, "ตุลาคม", 120],
    ]
    event = AuditEvent.objects.get(action=EXPORT)
    assert event.actor_id == hq.pk and event.target_id == str(data.request.pk)
    assert event.after == {"format": "xlsx", "level": COUNTRY, "code": "", "answers": 3}
    assert event.office_id == Office.objects.get(code="hq").pk


def test_a_province_exports_only_its_own_offices_answers(client, data, chiang_mai):
    response = get(client, chiang_mai, url("answers-xlsx", data, language="en"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    answers = rows(book["Answers"])
    assert answers[0][:5] == ["Province", "District", "Office code", "Office", "Status"]
    assert answers[0][-1] == "Visitors by month: People (total)"
    assert [row[2] for row in answers[1:]] == ["do-5001", "do-5002"]
    event = AuditEvent.objects.get(action=EXPORT)
    assert event.province_code == "50" and event.after["answers"] == 2


# ---------------------------------------------------------------- the pages


def test_the_letter_and_the_report_download_for_those_who_read_the_request(
    client, data, hq, chiang_mai
):
    letter = get(client, hq, url("letter", data))
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")
    assert 'filename="letter-2570-123.pdf"' in letter["Content-Disposition"]
    # The province the letter was sent to reads it too.
    assert get(client, chiang_mai, url("letter", data)).status_code == 200
    report = get(client, chiang_mai, url("consolidated", data, province="50"))
    assert report.status_code == 200 and report.content.startswith(b"%PDF")
    assert not AuditEvent.objects.filter(action=EXPORT).exists()


def test_a_draft_is_not_found_for_the_provinces(client, small_map, hq, chiang_mai):
    data = directive_round(sent=False)
    assert data.request.status == RequestStatus.DRAFT
    assert get(client, hq, url("letter", data)).status_code == 200
    for name in ("letter", "consolidated", "answers-xlsx"):
        assert get(client, chiang_mai, url(name, data)).status_code == 404
    assert not AuditEvent.objects.filter(action=EXPORT).exists()


def test_another_provinces_own_request_is_not_found(client, small_map, make_staff):
    data = directive_round()
    data.request.issuer = Office.objects.get(code="pao-50")
    data.request.province_id = "50"
    data.request.save()
    letterhead_for(Office.objects.get(code="pao-50"))
    data.answers["do-1001"].delete()
    data.legs["10"].delete()
    bangkok = make_staff(Role.PROVINCIAL_STAFF, "pao-10")
    for name in ("letter", "consolidated", "answers-xlsx"):
        assert get(client, bangkok, url(name, data)).status_code == 404


def test_a_province_outside_the_reach_is_refused(client, data, chiang_mai):
    for name in ("consolidated", "answers-xlsx"):
        response = get(client, chiang_mai, url(name, data, province="10"))
        assert response.status_code == 403
    assert (
        get(client, chiang_mai, url("consolidated", data, province="99")).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(action=EXPORT).exists()


def test_a_letter_without_its_letterhead_says_where_to_set_it(client, data, hq):
    Letterhead.objects.filter(pk=data.letterhead.pk).delete()
    response = get(client, hq, url("letter", data, language="en"))
    assert response.status_code == 400
    assert "letterhead" in response.content.decode()


def test_a_request_without_a_letter_has_no_letter_page(client, data, hq):
    data.directive.delete()
    assert get(client, hq, url("letter", data)).status_code == 404
    assert get(client, hq, url("consolidated", data)).status_code == 200


def test_the_documents_are_for_signed_in_staff(client, data, citizen):
    for name in ("letter", "consolidated", "answers-xlsx"):
        client.logout()
        assert client.get(url(name, data)).status_code == 302
        assert get(client, citizen, url(name, data)).status_code == 403
