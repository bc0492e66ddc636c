"""The report inbox in Chromium on a 390-px phone. In Thai, a district
acknowledges HQ's request forwarded by its province, fills the report with
a table (adding a row), attaches an evidence file and submits it. In
English, the province sends a report back with a comment, the district
corrects and submits it again, the province certifies it (its name and
position taken from its account) and submits the consolidated report.
axe-core checks every page."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from saduak.accounts.models import User
from saduak.core.uploads.sample_files import one_page_pdf
from saduak.performance.choices import AnswerStatus, LegStatus
from saduak.performance.models import AnswerEvidence, ReportAnswer, RequestLeg
from saduak.performance.services import collection
from saduak.performance.tests.collection_setup import (
    SYSTEM,
    answer_of,
    filled,
    forwarded,
    leg_of,
    people,
    sent,
    today,
)
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    root = tmp_path / "private"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    settings.CLAMD_ADDRESS = ""
    settings.ESERVICES_MASTER_KEYS = ""
    return root


def with_password(user: User) -> User:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def sign_in(page: Any, user: User, prefix: str) -> None:
    page.goto(f"{prefix}/accounts/login/")
    page.fill("#id_username", user.personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def checked(page: Any, name: str) -> None:
    """The page fits a phone and passes axe-core."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        name
    )
    assert_accessible(page, name)


def test_a_district_in_thai_acknowledges_fills_a_table_attaches_and_submits(
    open_page, make_staff, tmp_path
):
    who = people(make_staff)
    district = with_password(who.district)
    request = forwarded()
    answer = answer_of(request, "do-5001")
    phone = open_page(viewport=PHONE, locale="th-TH")
    sign_in(phone, district, "")

    phone.goto("/staff/")
    tile = phone.locator(".card", has_text="กล่องรายงาน")
    expect(tile).to_contain_text("ใหม่ 1 เรื่อง")
    tile.locator("a").click()
    expect(phone.locator("h1")).to_have_text("กล่องรายงาน")
    expect(phone.locator("tbody")).to_contain_text("ใหม่")
    checked(phone, "performance-inbox-list-th-phone")

    phone.locator("tbody a", has_text="รายงานผลการให้บริการ").click()
    expect(phone.locator("h1")).to_have_text("รายงานผลการให้บริการ")
    expect(phone.locator("#answer-status")).to_contain_text("อ่านแล้ว")
    checked(phone, "performance-inbox-answer-th-phone")
    phone.locator("#answer-status button", has_text="รับทราบเรื่อง").click()
    expect(phone.locator("#answer-status")).to_contain_text("รับทราบแล้วเมื่อ")
    assert ReportAnswer.objects.get(pk=answer.pk).status == AnswerStatus.ACKNOWLEDGED

    phone.fill("#id_served", "120")
    phone.fill("#id_budget", "4500.50")
    phone.locator("label[for=id_ready_0]").click()
    phone.fill("#id_note", "ให้บริการตามปกติ")
    phone.fill("#id_items-0-name", "แบบคำร้อง")
    phone.fill("#id_items-0-qty", "40")
    phone.locator("button[name=add_row]").click()
    phone.locator("[data-row='1'] input").first.fill("ป้ายประชาสัมพันธ์")
    phone.locator("[data-row='1'] input").nth(1).fill("2")
    checked(phone, "performance-inbox-filling-th-phone")
    phone.locator("button", has_text="บันทึกร่าง").last.click()
    expect(phone.locator(".messages")).to_contain_text("บันทึกร่างรายงานแล้ว")
    saved = ReportAnswer.objects.get(pk=answer.pk).answers
    assert saved["items"] == [
        {"name": "แบบคำร้อง", "qty": 40},
        {"name": "ป้ายประชาสัมพันธ์", "qty": 2},
    ]

    evidence = Path(tmp_path) / "photo-evidence.pdf"
    evidence.write_bytes(one_page_pdf(b"% the counter on the day " * 40))
    phone.set_input_files("#id_upload", str(evidence))
    phone.fill("#id_description", "ภาพจุดบริการ")
    phone.locator("#evidence button[type=submit]", has_text="เพิ่มไฟล์").click()
    expect(phone.locator("#evidence")).to_contain_text("photo-evidence.pdf")
    assert AnswerEvidence.objects.filter(answer=answer).count() == 1
    checked(phone, "performance-inbox-evidence-th-phone")

    phone.locator("button", has_text="ส่งรายงานให้จังหวัด").click()
    expect(phone.locator(".messages")).to_contain_text("ส่งรายงานให้จังหวัดแล้ว")
    expect(phone.locator("#answer-status")).to_contain_text("จังหวัดกำลังตรวจ")
    expect(phone.locator("#history-title + ol")).to_contain_text("ส่งแล้ว")
    checked(phone, "performance-inbox-submitted-th-phone")
    assert ReportAnswer.objects.get(pk=answer.pk).status == AnswerStatus.SUBMITTED


def test_the_province_in_english_sends_back_then_certifies_and_submits_up(
    open_page, make_staff
):
    who = people(make_staff)
    province = with_password(who.province)
    province.position = "Deputy Governor of Chiang Mai"
    province.save(update_fields=["position"])
    district = with_password(who.district)
    request = forwarded()
    answer = collection.answer_submit(
        actor=SYSTEM, answer=filled(answer_of(request, "do-5001"), served=7)
    )
    collection.answer_excuse(
        actor=SYSTEM, answer=answer_of(request, "do-5002"), reason="Office flooded"
    )

    office = open_page(viewport=PHONE, locale="en-GB")
    sign_in(office, province, "/en")
    office.goto(f"/en/staff/performance/inbox/{request.public_id}/provinces/50/")
    expect(office.locator("#answers-title")).to_be_visible()
    expect(office.locator("#submit-title + p")).to_contain_text("neither certified")
    checked(office, "performance-inbox-leg-waiting-en-phone")

    office.locator("a", has_text="Review the report of").click()
    expect(office.locator("h1")).to_contain_text("The report of")
    checked(office, "performance-inbox-review-en-phone")
    office.fill("#id_comment", "The number served does not match the register.")
    office.locator("button", has_text="Send it back").click()
    expect(office.locator(".messages")).to_contain_text("sent back to the district")
    assert ReportAnswer.objects.get(pk=answer.pk).status == AnswerStatus.RETURNED

    desk = open_page(viewport=PHONE, locale="en-GB")
    sign_in(desk, district, "/en")
    desk.goto(f"/en/staff/performance/inbox/answers/{answer.public_id}/")
    expect(desk.locator("#answer-status")).to_contain_text(
        "does not match the register"
    )
    checked(desk, "performance-inbox-returned-en-phone")
    desk.fill("#id_served", "9")
    desk.locator("button", has_text="Submit to the province").click()
    expect(desk.locator(".messages")).to_contain_text("submitted to the province")

    office.goto(f"/en/staff/performance/inbox/answers/{answer.public_id}/review/")
    expect(office.locator("#certify-title + p")).to_contain_text(
        "Deputy Governor of Chiang Mai"
    )
    office.locator("#certify-title ~ form button").click()
    expect(office.locator(".messages")).to_contain_text("The report is certified.")
    expect(office.locator("main")).to_contain_text("Certified by")
    checked(office, "performance-inbox-certified-en-phone")
    certified = ReportAnswer.objects.get(pk=answer.pk)
    assert certified.certifier_position == "Deputy Governor of Chiang Mai"
    assert certified.answers["served"] == 9

    office.goto(f"/en/staff/performance/inbox/{request.public_id}/provinces/50/")
    office.locator("button", has_text="Submit the consolidated report to HQ").click()
    expect(office.locator(".messages")).to_contain_text(
        "The consolidated report is submitted."
    )
    checked(office, "performance-inbox-leg-submitted-en-phone")
    assert RequestLeg.objects.get(request=request, province_id="50").status == (
        LegStatus.SUBMITTED
    )


def test_certifying_without_a_position_leads_to_the_account_and_back(
    open_page, make_staff
):
    who = people(make_staff)
    province = with_password(who.province)
    province.position = ""
    province.save(update_fields=["position"])
    request = forwarded()
    answer = collection.answer_submit(
        actor=SYSTEM, answer=filled(answer_of(request, "do-5001"))
    )
    phone = open_page(viewport=PHONE, locale="th-TH")
    sign_in(phone, province, "")
    phone.goto(f"/staff/performance/inbox/answers/{answer.public_id}/review/")
    phone.locator("a", has_text="เพิ่มตำแหน่งในบัญชีของท่าน").click()
    expect(phone.locator("#position-title")).to_be_visible()
    checked(phone, "performance-inbox-position-th-phone")
    phone.fill("#id_position", "ปลัดจังหวัดเชียงใหม่")
    phone.locator("#position button[type=submit]").click()
    expect(phone.locator(".messages")).to_contain_text("บันทึกตำแหน่งแล้ว")
    expect(phone.locator("#certify-title + p")).to_contain_text("ปลัดจังหวัดเชียงใหม่")
    phone.locator("#certify-title ~ form button").click()
    expect(phone.locator(".messages")).to_contain_text("รับรองรายงานแล้ว")
    assert ReportAnswer.objects.get(pk=answer.pk).certifier_position == (
        "ปลัดจังหวัดเชียงใหม่"
    )


def test_the_province_in_thai_forwards_with_an_earlier_deadline_and_leaves_one_out(
    open_page, make_staff
):
    who = people(make_staff)
    province = with_password(who.province)
    request = sent(due_in=10)
    phone = open_page(viewport=PHONE, locale="th-TH")
    sign_in(phone, province, "")
    phone.goto("/staff/performance/inbox/")
    phone.locator("tbody a", has_text="รายงานผลการให้บริการ").click()
    expect(phone.locator("#forward-title")).to_be_visible()
    checked(phone, "performance-inbox-forward-th-phone")
    phone.fill("#id_due_on", (today() + timedelta(days=5)).isoformat())
    phone.fill("#id_cover_note", "โปรดรายงานภายในกำหนด")
    phone.locator("#id_exclude_5002").check()
    phone.locator("button", has_text="ส่งต่อให้อำเภอ").last.click()
    # No reason for the district left out: shown again, nothing forwarded.
    expect(phone.locator(".error-summary")).to_contain_text("โปรดระบุเหตุผล")
    checked(phone, "performance-inbox-forward-refused-th-phone")
    assert leg_of(request, "50").status == LegStatus.RECEIVED
    phone.fill("#id_reason_5002", "อยู่ระหว่างย้ายที่ทำการ")
    phone.locator("button", has_text="ส่งต่อให้อำเภอ").last.click()
    expect(phone.locator(".messages")).to_contain_text("ส่งต่อเรื่องให้อำเภอแล้ว")
    expect(phone.locator("#answers-title + p + div")).to_contain_text(
        "อยู่ระหว่างย้ายที่ทำการ"
    )
    checked(phone, "performance-inbox-forwarded-th-phone")
    leg = leg_of(request, "50")
    assert leg.status == LegStatus.FORWARDED
    assert leg.due_on == today() + timedelta(days=5)
    assert answer_of(request, "do-5002").status == AnswerStatus.EXCUSED
