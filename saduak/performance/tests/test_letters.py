"""A directive's official letter as PDF, read back as printed
(core/tests/pdf_reading.py): the Saraban layout's headings in Thai, the book
code and number in Thai digits (or Arabic when the directive says so), the
B.E. date with the full month name, the urgency and confidentiality stamps,
the internal memo's heading, a draft's mark; and the emblem setting's check."""

from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone, translation

from saduak.core.errors import InvalidInput
from saduak.core.tests.pdf_reading import read_as_printed
from saduak.performance.checks import letter_emblem_check
from saduak.performance.letters.content import letter_content, letter_date_text
from saduak.performance.letters.emblem import emblem_data_uri, emblem_problem
from saduak.performance.letters.pdf import directive_letter_pdf
from saduak.performance.models import Letterhead, RequestAttachment
from saduak.performance.tests.collection_files_data import (
    directive_round,
    shows,
    skeleton,
)

pytestmark = pytest.mark.django_db

# Tesseract reads Sarabun's Thai digits 0-5 reliably and mistakes 6-9 for
# others (test_reports_pdf.py), so the Thai-digit letter is dated
# 3 December 2012, B.E. 2555.
IN_2555 = date(2012, 12, 3)


def read(pdf: bytes, resolution: int = 200) -> str:
    return skeleton(read_as_printed(pdf, resolution=resolution))


def test_an_external_letter_prints_the_saraban_layout_in_thai_digits(small_map):
    data = directive_round(letter_date=IN_2555)
    with translation.override("en"):  # an English page still prints it in Thai
        printed = read(directive_letter_pdf(directive=data.directive))
    assert shows(printed, "ด่วนที่สุด")  # the urgency stamp
    assert shows(printed, "ที่ มท ๐๓๑๒.๓/ว ๑๒๓")  # book code and number, Thai digits
    assert shows(printed, "กรมการปกครอง", "ถนนอัษฎางค์", "กรุงเทพมหานคร ๑๐๒๐๐")
    assert shows(printed, "วาคม ๒๕๕๕")  # the date: B.E., Thai digits
    assert shows(printed, "เรื่อง ขอให้รายงานผลการให้บริการประชาชน")
    assert shows(printed, "เรียน ผู้ว่าราชการจังหวัด ทุกจังหวัด")
    assert shows(printed, "อ้างถึง หนังสือกรมการปกครอง")
    assert shows(printed, "สิ่งที่ส่งมาด้วย แบบรายงานผลการให้บริการ")
    assert shows(printed, "ด้วยกรมการปกครองประสงค์")  # the body
    assert shows(printed, "ขอแสดงความนับถือ", "(นายสมชาย ใจดี)", "อธิบดีกรมการปกครอง")
    assert shows(printed, "สำนักบริหารการทะเบียน", "โทรสาร")
    assert "saraban@dopa.example.go.th" in printed  # an address keeps its digits
    assert "ว123" not in printed and "2555" not in printed and "0312" not in printed
    assert "DRAFT" not in printed


def test_with_thai_digits_off_the_number_and_date_are_arabic_and_still_be(small_map):
    data = directive_round(thai_digits=False, urgency="urgent")
    printed = read(directive_letter_pdf(directive=data.directive))
    assert shows(printed, "ด่วน") and not shows(printed, "ด่วนที่สุด")
    assert shows(printed, "มท 0312.3/ว 123")
    assert shows(printed, "6 ธันวาคม 2569")  # B.E. either way
    assert "2026" not in printed
    assert "ว๑๒๓" not in printed


def test_confidentiality_is_stamped_at_the_top_and_the_bottom(small_map):
    data = directive_round(confidentiality="secret", urgency="very_urgent")
    printed = read(directive_letter_pdf(directive=data.directive), resolution=300)
    assert printed.count(skeleton("ลับมาก")) == 2  # noqa: PLR2004
    assert shows(printed, "ด่วนมาก")


def test_an_internal_memo_has_its_own_heading_lines(small_map):
    data = directive_round(letter_kind="internal", letter_date=IN_2555, urgency="")
    printed = read(directive_letter_pdf(directive=data.directive))
    assert shows(printed, "บันทึกข้อความ")
    assert shows(printed, "ส่วนราชการ กรมการปกครอง สำนักบริหารการทะเบียน")
    assert shows(printed, "มท ๐๓๑๒.๓/ว ๑๒๓", "วันที่ ๓ ธันวาคม ๒๕๕๕")
    assert shows(printed, "เรื่อง ขอให้รายงาน", "เรียน ผู้ว่าราชการจังหวัด")
    assert not shows(printed, "ขอแสดงความนับถือ")  # a memo has no closing
    assert not shows(printed, "ด่วน")


def test_a_draft_is_marked_and_has_no_number_yet(small_map, make_user):
    signer = make_user(first_name="สมชาย", last_name="ใจดี", position="อธิบดีกรมการปกครอง")
    data = directive_round(sent=False, signer=signer, thai_digits=False)
    printed = read(directive_letter_pdf(directive=data.directive))
    assert shows(printed, "ร่างหนังสือ / DRAFT")
    assert shows(printed, "มท 0312.3/ว") and "ว123" not in printed
    # Not signed yet: the signer's account as it is now.
    assert shows(printed, "(สมชาย ใจดี)", "อธิบดีกรมการปกครอง")
    letter = letter_content(directive=data.directive)
    assert letter.is_draft and letter.date == letter_date_text(None, digits=False)


def test_attached_files_are_listed_as_enclosures_numbered(small_map):
    data = directive_round(thai_digits=False)
    RequestAttachment.objects.create(
        request=data.request,
        description="ตารางสรุปผล",
        original_name="summary.xlsx",
        content_type="application/vnd.ms-excel",
        size=10,
        sha256="0" * 64,
        storage_name="test/summary",
        wrapped_key=b"x",
        master_key_id="k",
        uploaded_at=timezone.now(),
    )
    letter = letter_content(directive=data.directive)
    assert letter.enclosures == ["1. แบบรายงานผลการให้บริการ", "2. ตารางสรุปผล"]


def test_a_letter_without_the_issuers_letterhead_is_refused(small_map):
    data = directive_round()
    Letterhead.objects.filter(pk=data.letterhead.pk).delete()
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        directive_letter_pdf(directive=data.directive)
    assert "letterhead" in refused.value.message


def test_the_date_is_be_with_the_full_month_in_either_digits():
    assert letter_date_text(date(2026, 12, 6), digits=True) == "๖ ธันวาคม ๒๕๖๙"
    assert letter_date_text(date(2026, 12, 6), digits=False) == "6 ธันวาคม 2569"


def test_the_shipped_emblem_passes_the_check():
    assert emblem_problem() is None
    assert letter_emblem_check() == []
    assert emblem_data_uri().startswith("data:image/svg+xml;base64,")


def test_a_missing_or_unreadable_emblem_fails_the_system_check(settings, tmp_path):
    settings.PERFORMANCE_LETTER_EMBLEM = str(tmp_path / "missing.png")
    (error,) = letter_emblem_check()
    assert error.id == "performance.E001" and "cannot be read" in error.msg
    not_an_image = tmp_path / "emblem.png"
    not_an_image.write_text("hello")
    settings.PERFORMANCE_LETTER_EMBLEM = str(not_an_image)
    (error,) = letter_emblem_check()
    assert "not an SVG, PNG or JPEG" in error.msg


def test_a_png_emblem_is_printed(settings, tmp_path, small_map):
    png = tmp_path / "emblem.png"
    # A 1x1 PNG.
    png.write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
        )
    )
    settings.PERFORMANCE_LETTER_EMBLEM = str(png)
    assert emblem_problem(Path(png)) is None
    data = directive_round()
    letter = letter_content(directive=data.directive)
    assert letter.emblem.startswith("data:image/png;base64,")
    assert directive_letter_pdf(directive=data.directive).startswith(b"%PDF")
