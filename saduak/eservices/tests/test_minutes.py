import re
import zlib
from datetime import date
from decimal import Decimal

import pytest

from saduak.eservices.minutes import minutes_context, minutes_html, minutes_pdf
from saduak.eservices.services.committee import (
    DecisionInput,
    committee_cases_add,
    committee_decisions_set,
    committee_meeting_create,
    committee_meeting_decide,
)
from saduak.eservices.tests.pipeline import committee_application

pytestmark = pytest.mark.django_db


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated (pypdf is not installed;
    the text is glyph ids, but font names and page counts can be read)."""
    inflated = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            inflated.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(inflated)


@pytest.fixture
def decided_meeting(
    builtin_services, make_user, officer, district_admin, district_office
):
    approved = committee_application(
        applicant=make_user(first_name="มานี", last_name="มีนา"),
        office=district_office,
        officer=officer,
    )
    rejected = committee_application(
        applicant=make_user(first_name="ปิติ", last_name="ชูใจ"),
        office=district_office,
        officer=officer,
    )
    meeting = committee_meeting_create(
        office=district_office,
        title="ประชุมคณะกรรมการ ครั้งที่ 3/2569",
        meets_on=date(2026, 1, 27),
        members="นายอำเภอเมืองเชียงใหม่ ประธาน\nปลัดอำเภอ กรรมการและเลขานุการ",
        actor=district_admin,
    )
    committee_cases_add(
        meeting=meeting, applications=[approved, rejected], actor=district_admin
    )
    committee_decisions_set(
        meeting=meeting,
        decisions=[
            DecisionInput(approved.pk, "approve", Decimal("2500")),
            DecisionInput(rejected.pk, "reject", None, "รายได้เกินเกณฑ์"),
        ],
        actor=district_admin,
    )
    committee_meeting_decide(meeting=meeting, actor=district_admin)
    meeting.refresh_from_db()
    return meeting, approved, rejected


def test_the_minutes_are_a_pdf(decided_meeting):
    meeting, _approved, _rejected = decided_meeting

    pdf = minutes_pdf(meeting)

    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5000
    objects = pdf_objects(pdf)
    assert b"Sarabun" in objects  # the Thai font is embedded
    assert b"/Type /Page" in objects or b"/Type/Page" in objects


def test_the_minutes_show_the_office_date_members_cases_and_totals_in_thai(
    decided_meeting,
):
    meeting, approved, rejected = decided_meeting

    html = minutes_html(meeting)

    assert "ที่ว่าการอำเภอเมืองเชียงใหม่" in html
    assert "๒๗ มกราคม ๒๕๖๙" in html
    assert "นายอำเภอเมืองเชียงใหม่ ประธาน" in html
    assert approved.reference in html and rejected.reference in html
    assert "มานี มีนา" in html and "ปิติ ชูใจ" in html
    assert "รายได้เกินเกณฑ์" in html
    assert "๒,๕๐๐.๐๐" in html
    assert "อนุมัติ ๑ ราย ไม่อนุมัติ ๑ ราย" in html
    assert "ประธานกรรมการ" in html and "กรรมการและเลขานุการ" in html
    assert "ร่าง" not in html


def test_an_open_meeting_prints_as_a_draft(
    builtin_services, district_admin, district_office
):
    meeting = committee_meeting_create(
        office=district_office,
        title="ประชุมเตรียมการ",
        meets_on=date(2026, 2, 3),
        members="",
        actor=district_admin,
    )

    context = minutes_context(meeting)

    assert context["draft"] is True
    assert context["rows"] == []
    assert "ร่าง ยังไม่ได้ลงมติ" in minutes_html(meeting)


def test_the_minutes_print_their_latin_digits_readably(decided_meeting):
    from saduak.core.tests.pdf_reading import read_as_printed

    meeting, _approved, _rejected = decided_meeting

    printed = read_as_printed(minutes_pdf(meeting), resolution=200)

    # The meeting's title and the page numbers are in Latin digits (amounts
    # and dates print in Thai digits, as official documents do).
    assert "3/2569" in printed
    assert "1/1" in printed
