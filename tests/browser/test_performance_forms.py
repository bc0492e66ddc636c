"""The report form editor in Chromium, on a phone: a province's staff build
the report form of their own draft directive request with the shared form
editor, in Thai then in English: a section, a table of visitors by service
with a number column, a note; a field asking for a password is refused with
the explanation. HQ's GECC readiness form opens in the same editor."""

import pytest
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.performance.models import ReportRequest
from saduak.performance.tests.form_factories import draft_request, draft_round
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


def sign_in(page, personal_id, prefix=""):
    page.goto(f"{prefix}/accounts/login/")
    page.fill("#id_username", personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def start_field(page, section, kind, button):
    block = page.locator(f"#section-{section}")
    block.locator("select[name=type]").select_option(kind)
    block.get_by_role("button", name=button).click()


def test_a_province_builds_a_report_form_with_a_table_in_thai_and_english(
    open_page, make_staff
):
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    report = draft_request("pao-50")
    editor = f"/staff/performance/forms/request/{report.public_id}/"

    # In Thai (the default language).
    page = open_page(viewport=PHONE, locale="th-TH")
    sign_in(page, staff.personal_id)
    page.goto(editor)
    expect(page.locator("h1")).to_have_text("รายงานผลการให้บริการ")
    expect(page.locator("h2").first).to_have_text("แบบฟอร์มรายงาน")
    assert_accessible(page, "performance-form-editor-empty-th")
    assert fits_the_screen(page)
    page.fill("#id_new-title_th", "จำนวนผู้มาติดต่อ")
    page.fill("#id_new-title_en", "Visitors")
    page.fill("#id_new-key", "visitors")
    page.locator("#new-section + form button[type=submit]").click()
    expect(page.locator("#section-visitors")).to_be_visible()
    # A report form offers no bank account and no declaration.
    options = page.locator("#section-visitors select[name=type] option")
    values = options.evaluate_all("(items) => items.map((item) => item.value)")
    assert "table" in values
    assert "bank_account" not in values
    assert "declaration" not in values

    start_field(page, "visitors", "table", "เพิ่มช่องข้อมูลที่นี่")
    expect(page.locator("#id_prefill")).to_have_count(0)
    page.fill("#id_key", "by_service")
    page.fill("#id_label_th", "ผู้มาติดต่อแยกตามงาน")
    page.fill("#id_label_en", "Visitors by service")
    page.fill("#id_col-0-key", "service")
    page.fill("#id_col-0-label_th", "งาน")
    page.fill("#id_col-0-label_en", "Service")
    page.fill("#id_col-1-key", "people")
    page.select_option("#id_col-1-type", "number")
    page.fill("#id_col-1-label_th", "จำนวนคน")
    page.fill("#id_col-1-label_en", "People")
    assert_accessible(page, "performance-form-editor-table-th")
    assert fits_the_screen(page)
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("#field-by_service")).to_contain_text("ผู้มาติดต่อแยกตามงาน")
    expect(page.locator("#field-by_service")).to_contain_text("งาน, จำนวนคน")
    assert_accessible(page, "performance-form-editor-th")
    assert fits_the_screen(page)

    # In English: a note, then a field asking for a password, refused.
    page = open_page(viewport=PHONE, locale="en-US")
    sign_in(page, staff.personal_id, prefix="/en")
    page.goto("/en" + editor)
    expect(page.locator("h2").first).to_have_text("Form of the report")
    start_field(page, "visitors", "textarea", "Add a field here")
    page.fill("#id_label_th", "หมายเหตุ")
    page.fill("#id_label_en", "Note")
    page.get_by_label("Required").uncheck()
    page.get_by_role("button", name="Add the field").click()
    expect(page.locator(".messages")).to_contain_text("The field is added.")

    start_field(page, "visitors", "text", "Add a field here")
    page.fill("#id_label_th", "ชื่อผู้ใช้และรหัสผ่านระบบงานทะเบียน")
    page.fill("#id_label_en", "Registry system username and password")
    page.get_by_role("button", name="Add the field").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("never asks an office for a password")
    assert_accessible(page, "performance-form-editor-secret-en")
    assert fits_the_screen(page)

    page.goto("/en" + editor)
    expect(page.locator("#field-by_service")).to_contain_text("Service, People")
    assert_accessible(page, "performance-form-editor-en")
    assert fits_the_screen(page)

    report.refresh_from_db()
    [section] = report.form["sections"]
    assert [field["key"] for field in section["fields"]] == ["by_service", "note"]
    table = section["fields"][0]
    assert [(c["key"], c["type"]) for c in table["columns"]] == [
        ("service", "text"),
        ("people", "number"),
    ]
    assert [
        event.after["form"]["edit"]
        for event in AuditEvent.objects.filter(action="report_request.update").order_by(
            "id"
        )
    ] == ["section_add", "field_add", "field_add"]
    assert ReportRequest.objects.get(pk=report.pk).status == "draft"


def test_hq_opens_the_gecc_readiness_form_in_the_same_editor(open_page, make_staff):
    admin = make_staff(Role.HQ_ADMIN, "hq")
    round = draft_round()
    page = open_page(viewport=PHONE, locale="en-US")
    sign_in(page, admin.personal_id, prefix="/en")
    page.goto(f"/en/staff/performance/forms/gecc/{round.public_id}/")
    expect(page.locator("h1")).to_have_text("Readiness form: GECC 2569")
    page.fill("#id_new-title_th", "ความพร้อม")
    page.fill("#id_new-title_en", "Readiness")
    page.get_by_role("button", name="Add the section").click()
    expect(page.locator(".messages")).to_contain_text("The section is added.")
    assert_accessible(page, "performance-gecc-readiness-form-en")
    assert fits_the_screen(page)
    round.refresh_from_db()
    assert [section["title"]["en"] for section in round.readiness_form["sections"]] == [
        "Readiness"
    ]
