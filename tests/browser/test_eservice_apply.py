"""Applying online in Chromium on a phone: a citizen finds the low-income
subsidy, reads its manual, applies with the digital ID's data filled in,
fills every section (the address lists follow the province, a table gets a
row, a bank account, real documents), puts a mistake right, leaves a draft
and comes back, checks the answers, declares and sends, follows the
application and answers the officer's return with a new document; the same
in English. axe-core checks every page."""

import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.core.uploads.sample_files import one_page_pdf, png_of_one_colour
from saduak.eservices.catalogue import builtin_services_install
from saduak.eservices.choices import Action, ApplicationStatus
from saduak.eservices.models import Application, Attachment
from saduak.eservices.services.applications import application_act
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"
SERVICE = "เงินสงเคราะห์ครอบครัวผู้มีรายได้น้อยและผู้ไร้ที่พึ่ง"


def th(message: str) -> str:
    with translation.override("th"):
        return gettext(message)


@pytest.fixture
def documents(tmp_path: Path) -> dict[str, Path]:
    book = tmp_path / "bank-book.pdf"
    book.write_bytes(one_page_pdf())
    photo = tmp_path / "home.png"
    photo.write_bytes(png_of_one_colour(1))
    wrong = tmp_path / "notes.pdf"
    wrong.write_bytes(b"just some text, not a PDF at all\n" * 20)
    return {"book": book, "photo": photo, "wrong": wrong}


@pytest.fixture
def private_storage(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.CLAMD_ADDRESS = ""


@pytest.fixture
def somsri(small_map: None, private_storage: None) -> User:
    """The demo registry's sample citizen, so her birth date is known."""
    builtin_services_install()
    return User.objects.create_user(
        "1100000000016",
        PASSWORD,
        first_name="สมศรี",
        last_name="ใจดี",
        phone="0812345678",
    )


def sign_in(page, personal_id: str, language: str = "") -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{language}/accounts/login/")
    page.fill("#id_username", personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def fits_the_phone(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    )


def check_page(page, name: str) -> None:  # type: ignore[no-untyped-def]
    assert fits_the_phone(page), name
    assert_accessible(page, name)


def on_page(page, key: str) -> None:  # type: ignore[no-untyped-def]
    """At the page `key` (a fragment may stay from a link followed before)."""
    expect(page).to_have_url(re.compile(rf".*/{key}/(#.*)?$"))


def continue_(page, *, mistaken: bool = False) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.locator(".eform-actions button[name=continue]").click()
    if not mistaken:
        problems = page.locator(".error-summary li")
        assert problems.count() == 0, problems.all_inner_texts()


def test_a_citizen_applies_on_a_phone_and_answers_a_return(
    chromium, live_server, somsri, documents, make_staff
):  # type: ignore[no-untyped-def]
    context = chromium.new_context(
        base_url=live_server.url, viewport=PHONE, bypass_csp=True, locale="th-TH"
    )
    page = context.new_page()
    sign_in(page, somsri.personal_id)

    # Find the service and read its manual.
    page.goto("/eservices/")
    check_page(page, "eservice-catalogue-th")
    page.fill("#id_q", "ครอบครัว")
    page.locator("main form[role=search] button").click()
    page.get_by_role("link", name=SERVICE).click()
    expect(page.locator("h1")).to_have_text(SERVICE)
    expect(page.locator("main")).to_contain_text("ไม่ต้องถ่ายสำเนา")
    check_page(page, "eservice-manual-th")

    # Choose the office and apply.
    page.select_option("#id_province", "50")
    page.locator("form[action='#apply'] button").click()
    page.select_option("#id_office", "do-5001")
    page.locator("form[action$='/apply/'] button[type=submit]").click()
    on_page(page, "applicant")
    application = Application.objects.get()

    # Zero Copy: the digital ID's data is there already.
    expect(page.locator("#id_full_name")).to_have_value("สมศรี ใจดี")
    expect(page.locator("#id_personal_id")).to_have_value("1100000000016")
    expect(page.locator("#id_birth_date")).to_have_value("14/03/2528")
    check_page(page, "eservice-applicant-th")

    # A mistake is shown at the top and at the field, and nothing is lost.
    page.fill("#id_phone", "12345")
    page.fill("#id_address__line", "12 หมู่ 3 ถนนช้างคลาน")
    continue_(page, mistaken=True)
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.locator("#id_phone-error")).to_be_visible()
    expect(page.locator("#id_phone")).to_have_value("12345")
    expect(page.locator("#id_address__line")).to_have_value("12 หมู่ 3 ถนนช้างคลาน")
    check_page(page, "eservice-applicant-error-th")
    summary.locator("a[href='#id_phone']").click()
    expect(page.locator("#id_phone")).to_be_focused()
    page.fill("#id_phone", "0812345678")

    # The address lists follow the province and district (JavaScript).
    page.select_option("#id_address__province", "50")
    expect(page.locator("#id_address__district option[value='5001']")).to_have_count(1)
    expect(page.locator("#id_address__district option[value='1001']")).to_have_count(0)
    page.select_option("#id_address__district", "5001")
    expect(
        page.locator("#id_address__subdistrict option[value='500101']")
    ).to_have_count(1)
    page.select_option("#id_address__subdistrict", "500101")
    expect(page.locator("#id_address__postal_code")).to_have_value("50200")
    continue_(page)
    on_page(page, "household")

    # Household: a condition, a multiple choice and a table row added.
    page.fill("#id_household_size", "4")
    page.fill("#id_monthly_income", "2,500")
    other = page.locator("[data-field=income_source_other]")
    expect(other).to_be_hidden()
    page.get_by_label("อื่น ๆ", exact=True).check()
    expect(other).to_be_visible()
    page.get_by_label("รับจ้างรายวัน").check()
    expect(other).to_be_hidden()
    page.get_by_label("ผู้สูงอายุ").check()
    page.get_by_label("เช่า", exact=True).check()
    page.locator("#id_has_welfare_card_1").check()
    page.fill("#id_members-0-name", "สมชาย ใจดี")
    page.fill("#id_members-0-relation", "สามี")
    page.fill("#id_members-0-age", "45")
    page.locator("button[name=add_row][value=members]").click()
    page.fill("#id_members-1-name", "ด.ญ. มะลิ ใจดี")
    page.fill("#id_members-1-relation", "ลูก")
    page.fill("#id_members-1-age", "7")
    check_page(page, "eservice-household-th")
    continue_(page)
    on_page(page, "request")

    page.fill("#id_reason", "รายได้ไม่พอเลี้ยงครอบครัว ลูกต้องไปโรงเรียน")
    page.fill("#id_requested_amount", "3000")
    continue_(page)
    on_page(page, "payment")

    # The bank account, then leave a draft and come back to it.
    page.select_option("#id_bank_account__bank", "006")
    page.fill("#id_bank_account__number", "123-4-56789-0")
    check_page(page, "eservice-payment-th")
    page.locator("button[name=save_leave]").click()
    on_page(page, f"eservices/applications/{application.reference}")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.answers["members"][1]["age"] == 7
    assert application.answers["bank_account"]["number"] == "1234567890"
    page.goto("/eservices/applications/")
    check_page(page, "eservice-mine-th")
    page.locator(f"a[href$='/{application.reference}/']").first.click()
    page.locator("main a.button[href*='/documents/']").click()
    on_page(page, "documents")

    # Documents: a file that is not what it says is refused, real ones kept.
    page.set_input_files("#id_bank_book", str(documents["wrong"]))
    page.locator("button[name=upload][value=bank_book]").click()
    expect(page.locator("#id_bank_book-error")).to_contain_text("PDF, JPG, PNG")
    page.set_input_files("#id_bank_book", str(documents["book"]))
    page.set_input_files("#id_house_photos", str(documents["photo"]))
    check_page(page, "eservice-documents-th")
    continue_(page)
    on_page(page, "check")
    assert Attachment.objects.filter(application=application).count() == 2

    # Check the answers, declare and send.
    main = page.locator("main")
    expect(main).to_contain_text("14 มี.ค. 2528")
    expect(main).to_contain_text("xxxxxx7890")
    expect(main).to_contain_text("bank-book.pdf")
    expect(main).to_contain_text("ด.ญ. มะลิ ใจดี")
    check_page(page, "eservice-check-th")
    page.locator("#id_declaration").check()
    page.locator("main form button[type=submit]").last.click()
    on_page(page, "submitted")
    expect(page.locator(".eform-reference")).to_have_text(application.reference)
    check_page(page, "eservice-submitted-th")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_PROGRESS

    page.locator("main a.button").last.click()
    on_page(page, f"eservices/applications/{application.reference}")
    expect(page.locator("[aria-current=step]")).to_contain_text("รับคำขอ")
    check_page(page, "eservice-tracking-th")

    # The officer asks for more; the applicant adds a photo and sends it back.
    officer = make_staff(Role.COUNTER_OFFICER, "do-5001")
    application_act(
        application=application,
        action=Action.RETURN,
        actor=officer,
        message="ขอรูปถ่ายสภาพบ้านด้านหน้าเพิ่มเติม",
    )
    page.reload()
    request = page.locator("#answer")
    expect(request).to_contain_text("ขอรูปถ่ายสภาพบ้านด้านหน้าเพิ่มเติม")
    check_page(page, "eservice-returned-th")
    request.locator("a[href*='/documents/']").click()
    page.set_input_files("#id_house_photos", str(documents["photo"]))
    page.locator("button[name=upload][value=house_photos]").click()
    expect(page.locator("[data-field=house_photos] .eform-files li")).to_have_count(2)
    continue_(page)
    on_page(page, f"eservices/applications/{application.reference}")
    page.fill("#f-message", "ส่งรูปเพิ่มแล้วค่ะ")
    page.locator("#answer button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("ส่งรูปเพิ่มแล้วค่ะ")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_PROGRESS
    context.close()


def test_the_journey_reads_in_english(chromium, live_server, somsri):  # type: ignore[no-untyped-def]
    context = chromium.new_context(
        base_url=live_server.url, viewport=PHONE, bypass_csp=True
    )
    page = context.new_page()
    sign_in(page, somsri.personal_id, "/en")
    page.goto("/en/eservices/")
    page.get_by_role(
        "link", name="Assistance for low-income families and the destitute"
    ).click()
    expect(page.locator("h1")).to_have_text(
        "Assistance for low-income families and the destitute"
    )
    expect(page.locator("main")).to_contain_text("No photocopies")
    check_page(page, "eservice-manual-en")
    page.select_option("#id_province", "50")
    page.locator("form[action='#apply'] button").click()
    page.select_option("#id_office", "do-5001")
    page.locator("form[action$='/apply/'] button[type=submit]").click()
    on_page(page, "applicant")
    expect(page.locator("label[for=id_full_name]")).to_contain_text("Full name")
    expect(page.locator("#id_birth_date")).to_have_value("14/03/1985")
    page.fill("#id_birth_date", "31/02/1985")
    continue_(page, mistaken=True)
    expect(page.locator("#id_birth_date-error")).to_contain_text("Enter a real date")
    check_page(page, "eservice-applicant-en")
    context.close()


def test_the_form_works_without_javascript(chromium, live_server, somsri):  # type: ignore[no-untyped-def]
    context = chromium.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, somsri.personal_id, "/en")
    page.goto("/en/eservices/low-income-family-assistance/?province=50")
    page.select_option("#id_office", "do-5001")
    page.locator("form[action$='/apply/'] button[type=submit]").click()
    on_page(page, "applicant")
    # The district and subdistrict lists come from the server.
    page.select_option("#id_address__province", "50")
    page.locator("button[name=update][value=address]").click()
    page.select_option("#id_address__district", "5002")
    page.locator("button[name=update][value=address]").click()
    page.select_option("#id_address__subdistrict", "500201")
    page.fill("#id_address__line", "5 Moo 1")
    continue_(page)
    on_page(page, "household")
    expect(page.locator("h1")).to_have_text("Household")
    # Adding a row goes through the server and keeps what was typed.
    page.fill("#id_members-0-name", "Somchai")
    page.locator("button[name=add_row][value=members]").click()
    expect(page.locator("#id_members-1-name")).to_be_visible()
    expect(page.locator("#id_members-0-name")).to_have_value("Somchai")
    # Every conditional question is shown, saying when it applies.
    expect(page.locator("[data-field=income_source_other]")).to_be_visible()
    expect(page.locator("#id_income_source_other-condition")).to_be_visible()
    assert fits_the_phone(page)
    application = Application.objects.get()
    assert application.answers["address"]["postal_code"] == "50160"
    context.close()
