"""The e-service builder in Chromium: an e-service administrator defines a
second service through the builder alone (manual, two sections with a text, a
choice, a yes/no with a question shown only on yes, a date, a file upload and
a declaration; a workflow intake → review → closed), previews and publishes
it; then a citizen finds it in the catalogue. On a phone, in English."""

import pytest
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.eservices.choices import VersionStatus
from saduak.eservices.models import Service
from saduak.eservices.services.builder import form_check, workflow_check
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"
CODE = "low-income-certificate"


def sign_in(page, personal_id, prefix="/en"):
    page.goto(f"{prefix}/accounts/login/")
    page.fill("#id_username", personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def saved(page, message):
    expect(page.locator(".messages")).to_contain_text(message)


def add_section(page, thai, english):
    page.fill("#id_new-title_th", thai)
    page.fill("#id_new-title_en", english)
    page.get_by_role("button", name="Add the section").click()
    saved(page, "The section is added.")


def start_field(page, section, kind):
    block = page.locator(f"#section-{section}")
    block.locator("select[name=type]").select_option(kind)
    block.get_by_role("button", name="Add a field here").click()
    expect(page.locator("h2")).to_contain_text("Add a field")


def label(page, thai, english):
    page.fill("#id_label_th", thai)
    page.fill("#id_label_en", english)


def add_the_field(page):
    page.get_by_role("button", name="Add the field").click()
    saved(page, "The field is added.")


def add_stage(page, code, kind, thai, english, roles, days):
    box = page.locator("#new-stage")
    box.locator("summary").click()
    page.fill("#id_new-code", code)
    page.select_option("#id_new-kind", kind)
    page.fill("#id_new-name_th", thai)
    page.fill("#id_new-name_en", english)
    for role in roles:
        box.get_by_label(role, exact=True).check()
    page.fill("#id_new-target_days", str(days))
    box.get_by_role("button", name="Add the stage").click()
    saved(page, "The stage is added.")


def add_transition(page, source, action, target):
    page.select_option("#id_tr-source", source)
    page.select_option("#id_tr-action", action)
    page.select_option("#id_tr-target", target)
    page.get_by_role("button", name="Add the transition").click()
    saved(page, "The transition is added.")


def test_an_eservice_administrator_defines_publishes_and_a_citizen_finds_a_service(
    open_page, make_staff, make_user
):
    admin = make_staff(Role.ESERVICE_ADMIN, "hq")
    page = open_page(viewport=PHONE, locale="en-US")
    sign_in(page, admin.personal_id)

    page.goto("/en/staff/eservices/builder/")
    expect(page.locator("h1")).to_have_text("E-service builder")
    expect(page.locator("main")).to_contain_text("Built in")
    assert_accessible(page, "eservice-builder-list-en")
    assert fits_the_screen(page)

    page.get_by_role("link", name="Define a new service").click()
    page.fill("#id_code", CODE)
    page.fill("#id_name_th", "หนังสือรับรองผู้มีรายได้น้อย")
    page.fill("#id_name_en", "Certificate of low income")
    page.fill("#id_summary_en", "A letter that you live on a low income.")
    page.fill("#id_bureau_th", "สำนักบริหารการทะเบียน")
    page.fill("#id_bureau_en", "Bureau of Registration Administration")
    page.get_by_role("button", name="Create the service").click()
    saved(page, "The service is created")
    assert_accessible(page, "eservice-builder-service-en")
    assert fits_the_screen(page)

    # The manual.
    page.get_by_role("link", name="Version 1").click()
    page.fill("#id_eligibility_th", "ผู้มีรายได้ไม่เกิน ๑๐๐,๐๐๐ บาทต่อปี")
    page.fill("#id_eligibility_en", "People earning under 100,000 THB a year.")
    page.fill("#id_steps_th", "ยื่นคำขอออนไลน์\nเจ้าหน้าที่ตรวจสอบ\nรับหนังสือรับรอง")
    page.fill(
        "#id_steps_en", "Apply online\nAn officer checks\nReceive the certificate"
    )
    page.fill("#id_processing_days", "5")
    page.fill("#id_documents_th", "บัตรประชาชน (แสดงเท่านั้น)")
    page.fill("#id_documents_en", "ID card (shown only)")
    page.fill("#id_fees_th", "ไม่มีค่าธรรมเนียม")
    page.fill("#id_fees_en", "No fee")
    page.fill("#id_legal_basis_th", "ระเบียบกรมการปกครอง")
    page.fill("#id_complaints_th", "ศูนย์ดำรงธรรมอำเภอ หรือสายด่วน ๑๕๖๗")
    page.fill("#id_complaints_en", "The district Damrongdham center, or 1567")
    page.get_by_role("button", name="Save the manual").click()
    saved(page, "The manual is saved.")
    assert_accessible(page, "eservice-builder-manual-en")
    assert fits_the_screen(page)

    # The form: two sections.
    page.locator(".eb-tabs").get_by_role("link", name="Form").click()
    add_section(page, "ผู้ยื่นคำขอ", "Applicant")
    add_section(page, "เอกสารและคำรับรอง", "Documents and declaration")

    start_field(page, "applicant", "text")
    label(page, "อาชีพ", "Occupation")
    page.fill("#id_max_length", "100")
    add_the_field(page)

    start_field(page, "applicant", "choice")
    label(page, "รายได้หลักมาจาก", "Main source of income")
    page.fill(
        "#id_choices",
        "wage|รับจ้างรายวัน|Daily wages\nfarming|เกษตรกรรม|Farming\nnone|ไม่มีรายได้|No income",
    )
    add_the_field(page)

    start_field(page, "applicant", "yesno")
    label(page, "มีบัตรสวัสดิการแห่งรัฐ", "Holds a state welfare card")
    add_the_field(page)

    start_field(page, "applicant", "text")
    label(page, "เลขที่บัตรสวัสดิการ", "Welfare card number")
    page.select_option(
        "#id_show_if", label="When “Holds a state welfare card” is “Yes”"
    )
    add_the_field(page)

    start_field(page, "applicant", "date")
    label(page, "วันที่เริ่มมีรายได้น้อย", "Since when your income is low")
    add_the_field(page)

    start_field(page, "documents_and_declaration", "file")
    label(page, "หลักฐานรายได้", "Proof of income")
    page.get_by_label("PDF", exact=True).check()
    page.get_by_label("JPG", exact=True).check()
    page.fill("#id_max_size_mb", "5")
    page.fill("#id_max_files", "2")
    add_the_field(page)

    start_field(page, "documents_and_declaration", "declaration")
    label(
        page,
        "ข้าพเจ้าขอรับรองว่าข้อความข้างต้นเป็นความจริง",
        "I declare that the above is true.",
    )
    add_the_field(page)
    expect(page.locator("#field-welfare_card_number")).to_contain_text(
        "Shown only when “Holds a state welfare card” is “Yes”."
    )
    assert_accessible(page, "eservice-builder-form-en")
    assert fits_the_screen(page)

    # The workflow: intake → review (approve / return / reject) → closed.
    page.locator(".eb-tabs").get_by_role("link", name="Workflow").click()
    add_stage(page, "intake", "intake", "รับคำขอ", "Intake", ["Counter officer"], 1)
    add_stage(
        page, "review", "review", "พิจารณา", "Review", ["District administrator"], 3
    )
    add_stage(page, "closed", "end", "ปิดเรื่อง", "Closed", [], 0)
    expect(page.locator(".eb-problems")).to_contain_text("Before publishing")
    add_transition(page, "intake", "forward", "review")
    add_transition(page, "review", "approve", "closed")
    add_transition(page, "review", "return", "review")
    add_transition(page, "review", "reject", "closed")
    expect(page.locator(".eb-problems")).to_have_count(0)
    assert_accessible(page, "eservice-builder-workflow-en")
    assert fits_the_screen(page)

    # The preview, page by page; the yes/no question opens the next one.
    page.locator(".eb-tabs").get_by_role("link", name="Preview").click()
    expect(page.locator(".eb-preview")).to_contain_text(
        "The district Damrongdham center"
    )
    page.get_by_role("link", name="Next page").click()
    expect(page.locator(".eb-preview h3")).to_have_text("Applicant")
    card = page.get_by_label("Welfare card number")
    expect(card).to_be_hidden()
    page.locator("[data-field=holds_a_state_welfare_card]").get_by_label("Yes").check()
    expect(card).to_be_visible()
    assert_accessible(page, "eservice-builder-preview-en")
    assert fits_the_screen(page)

    page.locator(".eb-tabs").get_by_role("link", name="Publish").click()
    page.get_by_label("I understand that a published version can never change").check()
    page.get_by_role("button", name="Publish this version").click()
    saved(page, "Version 1 is published.")

    service = Service.objects.get(code=CODE)
    version = service.versions.get()
    assert version.status == VersionStatus.PUBLISHED
    form_check(version.form, complete=True)
    assert [
        stage["code"]
        for stage in workflow_check(version.workflow, complete=True)["stages"]
    ] == [
        "intake",
        "review",
        "closed",
    ]

    # The published version is read only; a new version is offered instead.
    page.goto(f"/en/staff/eservices/builder/{CODE}/v1/form/")
    expect(page.get_by_role("button", name="Make a new version")).to_be_visible()
    expect(page.get_by_role("button", name="Add a field here")).to_have_count(0)

    # A citizen finds it in the catalogue.
    citizen = make_user(first_name="สมศรี", last_name="ใจดี")
    reader = open_page(viewport=PHONE, locale="en-US")
    sign_in(reader, citizen.personal_id)
    reader.goto("/en/eservices/")
    reader.get_by_role("link", name="Certificate of low income").click()
    expect(reader.locator("main")).to_contain_text("Receive the certificate")
    expect(reader.locator("main")).to_contain_text(
        "Bureau of Registration Administration"
    )
