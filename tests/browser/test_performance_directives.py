"""Directives in Chromium, on a phone. HQ, in Thai: from the staff home's
tile, writes a most urgent directive with its signer, builds its report form
in the form editor, is told the letterhead is missing, sets it, sends the
directive (the confirmation says it goes to both provinces), follows it up
by province, returns and then accepts Chiang Mai's consolidated report, and
drills down to its districts. Chiang Mai's provincial staff, in English,
writes its own directive to its district offices, sets its letterhead,
sends it and sees a row per district. axe-core checks every page; each page
must fit the 390-px screen."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.performance.choices import LegStatus, RequestStatus
from saduak.performance.models import Directive, ReportAnswer, RequestLeg
from saduak.performance.services import collection
from saduak.performance.tests.directive_factories import report_form
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"
SYSTEM = "test:browser"


def person(make_staff: Any, role: Role, office: str, first: str, position: str) -> User:
    user = make_staff(role, office)
    user.first_name, user.last_name, user.position = first, "ทดสอบ", position
    user.set_password(PASSWORD)
    user.save(update_fields=["first_name", "last_name", "position", "password"])
    return user


def sign_in(page: Any, user: User, prefix: str) -> None:
    page.goto(f"{prefix}/accounts/login/")
    page.fill("#id_username", user.personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def checked(page: Any, name: str) -> None:
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, f"{name} is wider than the phone"
    assert_accessible(page, name)


def submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def due_in(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def set_letterhead(page: Any, book_code: str, name: str) -> None:
    page.fill("#id_book_code", book_code)
    page.fill("#id_issuer_name", name)
    page.fill("#id_address", "ถนนอัษฎางค์ แขวงวังบูรพาภิรมย์ เขตพระนคร กรุงเทพมหานคร 10200")
    page.fill("#id_owner_unit", "กองวิชาการและแผนงาน")
    page.fill("#id_phone", "0 2222 1141")
    submit(page, "main form")


def test_hq_writes_sends_and_follows_up_a_directive_in_thai(open_page, make_staff):
    hq = person(make_staff, Role.HQ_ADMIN, "hq", "สมชาย", "อธิบดีกรมการปกครอง")
    certifier = person(
        make_staff, Role.PROVINCIAL_STAFF, "pao-50", "สมหญิง", "ปลัดจังหวัดเชียงใหม่"
    )
    page = open_page(viewport=PHONE, locale="th-TH")
    sign_in(page, hq, "")

    page.goto("/staff/")
    with page.expect_navigation():
        page.get_by_role("link", name="หนังสือสั่งการและการติดตามรายงาน").click()
    expect(page.locator("h1")).to_contain_text("หนังสือสั่งการ")
    with page.expect_navigation():
        page.get_by_role("link", name="เขียนหนังสือสั่งการ").click()
    checked(page, "directives-write-th-phone")

    # A bad deadline first: the page says why and keeps what was typed.
    page.fill("#id_title_th", "ขอให้รายงานผลการให้บริการประชาชน")
    page.fill("#id_addressee", "ผู้ว่าราชการจังหวัด ทุกจังหวัด")
    page.fill(
        "#id_body",
        "ด้วยกรมการปกครองขอให้จังหวัดรายงานผลการให้บริการประชาชน\nจึงเรียนมาเพื่อโปรดดำเนินการ",
    )
    page.select_option("#id_urgency", "most_urgent")
    page.select_option("#id_signer", str(hq.pk))
    page.fill("#id_due_on", "2020-01-01")
    submit(page, "form.pd-form")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_title_th")).to_have_value("ขอให้รายงานผลการให้บริการประชาชน")
    checked(page, "directives-write-refused-th-phone")
    page.fill("#id_due_on", due_in(14))
    submit(page, "form.pd-form")
    expect(page.locator(".messages")).to_contain_text("บันทึกหนังสือสั่งการเป็นร่างแล้ว")
    expect(page.locator(".pd-next")).to_contain_text("แบบรายงานยังไม่มีช่องให้กรอก")
    expect(page.locator(".pd-next")).to_contain_text("หน่วยงานยังไม่มีหัวหนังสือ")
    checked(page, "directives-draft-th-phone")
    detail = page.url

    # The report form, in the shared form editor.
    with page.expect_navigation():
        page.get_by_role("link", name="สร้างแบบรายงาน").click()
    page.fill("#id_new-title_th", "ผลการให้บริการ")
    page.fill("#id_new-title_en", "Services")
    submit(page, "form:has(#id_new-title_th)")
    page.locator("#section-services select[name=type]").select_option("number")
    submit(page, "#section-services form.eb-add-field")
    page.fill("#id_label_th", "จำนวนผู้รับบริการ")
    page.fill("#id_label_en", "People served")
    submit(page, "form:has(#id_label_th)")
    directive = Directive.objects.select_related("request").get()
    assert directive.request.form["sections"][0]["fields"][0]["type"] == "number"

    # Sending without a letterhead is refused with where to set it.
    page.goto(detail)
    with page.expect_navigation():
        page.get_by_role("link", name="ส่งหนังสือสั่งการ").click()
    submit(page, "main form")
    expect(page.locator(".error-summary")).to_contain_text("หัวหนังสือ")
    page.goto(detail)
    with page.expect_navigation():
        page.locator(".pd-next").get_by_role("link", name="กำหนดหัวหนังสือ").click()
    checked(page, "directives-letterhead-th-phone")
    set_letterhead(page, "มท 0309.2", "กรมการปกครอง")
    expect(page.locator(".messages")).to_contain_text("บันทึกหัวหนังสือแล้ว")

    page.goto(detail)
    with page.expect_navigation():
        page.get_by_role("link", name="ส่งหนังสือสั่งการ").click()
    expect(page.locator(".pd-recipients")).to_contain_text("ส่งถึง 2 จังหวัด")
    checked(page, "directives-send-th-phone")
    submit(page, "main form")
    expect(page.locator(".messages")).to_contain_text("ส่งหนังสือสั่งการเลขที่ 1 แล้ว")
    directive.refresh_from_db()
    assert directive.number == "1"
    assert directive.signer_position == "อธิบดีกรมการปกครอง"
    assert directive.request.status == RequestStatus.SENT
    expect(page.locator("tbody tr")).to_have_count(2)
    checked(page, "directives-dashboard-th-phone")

    # Chiang Mai forwards, one district reports, the other is excused, and
    # the province submits its consolidated report.
    leg = RequestLeg.objects.get(province_id="50")
    collection.leg_forward(actor=SYSTEM, leg=leg)
    first, second = ReportAnswer.objects.filter(leg=leg).order_by("office__code")
    collection.answer_save(actor=SYSTEM, answer=first, answers={"people_served": 40})
    collection.answer_submit(actor=SYSTEM, answer=first)
    collection.answer_certify(actor=certifier, answer=first)
    collection.answer_excuse(actor=SYSTEM, answer=second, reason="ปิดปรับปรุงอาคาร")
    collection.leg_submit(actor=certifier, leg=RequestLeg.objects.get(pk=leg.pk))

    page.reload()
    chiang_mai = page.locator("tbody tr", has_text="เชียงใหม่")
    expect(chiang_mai).to_contain_text("100%")
    with page.expect_navigation():
        chiang_mai.get_by_role("link", name="พิจารณารายงานของเชียงใหม่").click()
    checked(page, "directives-decide-th-phone")
    page.check("input[name=decision][value=return]")
    submit(page, "main form")
    expect(page.locator(".error-summary")).to_be_visible()
    page.check("input[name=decision][value=return]")
    page.fill("#id_comment", "โปรดระบุจำนวนผู้รับบริการแยกตามเดือน")
    submit(page, "main form")
    assert RequestLeg.objects.get(pk=leg.pk).status == LegStatus.RETURNED
    collection.leg_submit(actor=certifier, leg=RequestLeg.objects.get(pk=leg.pk))
    page.goto(f"{detail}provinces/50/decide/")
    page.check("input[name=decision][value=accept]")
    submit(page, "main form")
    assert RequestLeg.objects.get(pk=leg.pk).status == LegStatus.ACCEPTED

    # Down to Chiang Mai's districts.
    with page.expect_navigation():
        page.locator("tbody").get_by_role("link", name="เชียงใหม่", exact=True).click()
    expect(page.locator("tbody tr")).to_have_count(2)
    checked(page, "directives-dashboard-province-th-phone")


def test_a_province_writes_and_sends_its_own_directive_in_english(
    open_page, make_staff
):
    staff = person(
        make_staff, Role.PROVINCIAL_STAFF, "pao-50", "Somsri", "Deputy Governor"
    )
    page = open_page(viewport=PHONE, locale="en-GB")
    sign_in(page, staff, "/en")

    page.goto("/en/staff/performance/")
    with page.expect_navigation():
        page.get_by_role("link", name="Directives and their reports").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Write a directive").click()
    page.fill("#id_title_th", "ขอให้อำเภอรายงานผลการให้บริการ")
    page.fill("#id_title_en", "Districts to report on their services")
    page.fill("#id_addressee", "นายอำเภอ ทุกอำเภอ")
    page.fill("#id_body", "ขอให้อำเภอรายงานผลการให้บริการภายในกำหนด")
    page.select_option("#id_signer", str(staff.pk))
    page.fill("#id_due_on", due_in(7))
    # Another province's office is refused, naming it.
    page.check("input[name=route][value=direct]")
    page.fill("#id_office_codes", "reg-1001")
    submit(page, "form.pd-form")
    expect(page.locator(".error-summary")).to_contain_text("reg-1001")
    checked(page, "directives-write-refused-en-phone")
    page.check("input[name=route][value=through_provinces]")
    page.fill("#id_office_codes", "")
    submit(page, "form.pd-form")
    expect(page.locator(".messages")).to_contain_text(
        "The directive is saved as a draft"
    )
    directive = Directive.objects.select_related("request").get()
    collection.request_update(
        actor=SYSTEM, request=directive.request, form=report_form()
    )
    detail = page.url

    page.goto("/en/staff/performance/directives/letterhead/")
    set_letterhead(page, "ชม 0017.3", "Chiang Mai Provincial Hall")
    page.goto(detail)
    checked(page, "directives-draft-en-phone")
    with page.expect_navigation():
        page.get_by_role("link", name="Send the directive").click()
    expect(page.locator(".pd-recipients")).to_contain_text(
        "It goes to 2 offices in 1 province."
    )
    checked(page, "directives-send-en-phone")
    submit(page, "main form")
    expect(page.locator(".messages")).to_contain_text("Directive number 1 is sent.")
    expect(page.locator("caption")).to_contain_text("Reports by district")
    expect(page.locator("tbody tr")).to_have_count(2)
    checked(page, "directives-dashboard-en-phone")
    assert sorted(ReportAnswer.objects.values_list("office__code", flat=True)) == [
        "do-5001",
        "do-5002",
    ]
