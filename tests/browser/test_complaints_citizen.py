"""Complaints in Chromium on a phone (390×844): a signed-in citizen files in
Thai with a photo and "use my location", gets the reference and the tracking
link, follows it to an officer's answer, rates the handling after closing
and reopens; someone without an account files with JavaScript off (the
pickers refresh by a button); the same in English with a mistake put right;
the form inside LINE with the console verifier. axe-core checks every page."""

import time
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.complaints.choices import Channel, ComplaintStatus, Outcome
from saduak.complaints.models import Complaint
from saduak.complaints.services import handling
from saduak.complaints.tests.citizen_helpers import DESCRIPTION, make_tree, photo
from saduak.feedback.tests.line_fakes import LINE_USER, fake_line_server
from tests.browser.conftest import ARTIFACTS, PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"
# Wat Phra Singh, Chiang Mai.
WHERE = {"latitude": 18.788611, "longitude": 98.981944}


def th(message: str) -> str:
    with translation.override("th"):
        return gettext(message)


@pytest.fixture
def tree(small_map):  # type: ignore[no-untyped-def]
    return make_tree()


@pytest.fixture
def photo_file(tmp_path: Path) -> Path:
    path = tmp_path / "pothole.png"
    path.write_bytes(photo().read())
    return path


@pytest.fixture
def officer(make_staff):  # type: ignore[no-untyped-def]
    return make_staff(Role.DISTRICT_ADMIN, "do-5001")


def sign_in(page, personal_id: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.fill("#id_username", personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def check_page(page, name: str) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        name
    )
    assert_accessible(page, name)


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Without JavaScript axe-core cannot run: the picture only (the same
    pages are checked by axe in the other journeys)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def choose_place(page) -> None:  # type: ignore[no-untyped-def]
    page.select_option("#id_province", "50")
    expect(page.locator("#id_district option[value='5001']")).to_have_count(1)
    page.select_option("#id_district", "5001")
    expect(page.locator("#id_subdistrict option[value='500101']")).to_have_count(1)
    page.select_option("#id_subdistrict", "500101")


def test_a_citizen_files_in_thai_follows_rates_and_reopens(
    tree, citizen, officer, photo_file, open_page
):
    page = open_page(
        viewport=PHONE,
        locale="th-TH",
        geolocation=WHERE,
        permissions=["geolocation"],
    )
    sign_in(page, citizen.personal_id)
    page.goto("/")
    page.get_by_role("link", name=th("Complaints"), exact=True).click()
    expect(page.locator("h1")).to_have_text(th("Complaints and petitions"))
    check_page(page, "complaints-landing-th-phone")

    page.locator("main").get_by_role(
        "link", name=th("File a complaint"), exact=True
    ).first.click()
    expect(page.locator("h1")).to_have_text(th("File a complaint"))
    page.select_option("#id_category", "road-damaged")
    page.get_by_label("ช่องซ้าย").check()
    page.fill("#id_description", DESCRIPTION)
    expect(page.locator("#id_description-count")).to_contain_text(str(len(DESCRIPTION)))
    choose_place(page)
    page.fill("#id_address", "หน้าตลาดวโรรส")
    page.get_by_role("button", name=th("Use my location")).click()
    expect(page.locator("#id_latitude")).to_have_value("18.788611")
    expect(page.locator("#id_longitude")).to_have_value("98.981944")
    page.set_input_files("#id_documents", str(photo_file))
    expect(page.locator("#id_show_name")).not_to_be_checked()
    check_page(page, "complaints-file-th-phone")
    page.get_by_role("button", name=th("Send the complaint")).click()

    expect(page.locator("h1")).to_have_text(th("Your complaint is in"))
    complaint = Complaint.objects.get()
    expect(page.locator("[data-reference]")).to_have_text(complaint.reference)
    link = page.locator("#tracking-link").input_value()
    assert link.endswith(f"/complaints/t/{complaint.tracking_token}/")
    assert complaint.channel == Channel.WEB
    assert complaint.attachments.count() == 1
    assert str(complaint.latitude) == "18.788611"
    check_page(page, "complaints-filed-th-phone")

    handling.complaint_answer(
        complaint=complaint, officer=officer, text="เจ้าหน้าที่ลงพื้นที่ตรวจสอบแล้ว"
    )
    page.goto(f"/complaints/t/{complaint.tracking_token}/")
    expect(page.locator(".complaint-timeline")).to_contain_text(
        "เจ้าหน้าที่ลงพื้นที่ตรวจสอบแล้ว"
    )
    expect(page.locator("main")).to_contain_text("pothole.png")
    check_page(page, "complaints-track-answered-th-phone")

    complaint.refresh_from_db()
    handling.complaint_resolve(complaint=complaint, officer=officer, text="ซ่อมแล้ว")
    complaint.refresh_from_db()
    handling.complaint_close(
        complaint=complaint, officer=officer, outcome=Outcome.RESOLVED, text="ปิดเรื่อง"
    )
    page.reload()
    page.locator("label[for='id_stars_4']").click()
    page.fill("#id_comment", "รวดเร็วดี ขอบคุณครับ")
    check_page(page, "complaints-track-closed-th-phone")
    page.get_by_role("button", name=th("Send my rating")).click()
    expect(page.locator(".messages")).to_contain_text(th("Thank you for your rating."))
    expect(page.locator("[data-rating]")).to_contain_text(
        th("%(stars)s of 5") % {"stars": 5}
    )
    complaint.refresh_from_db()
    assert complaint.rating == 5

    page.fill("#id_reason", "ถนนกลับมาเป็นหลุมอีกแล้ว")
    page.get_by_role("button", name=th("Reopen the complaint")).click()
    expect(page.locator("[data-status]")).to_contain_text(th("Reopened"))
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.REOPENED

    page.goto("/complaints/mine/")
    expect(page.locator("main")).to_contain_text(complaint.reference)
    check_page(page, "complaints-mine-th-phone")


def test_someone_without_an_account_files_with_javascript_off(tree, open_page):
    page = open_page(viewport=PHONE, locale="th-TH", java_script_enabled=False)
    page.goto("/complaints/new/")
    page.select_option("#id_category", "road-damaged")
    page.select_option("#id_province", "50")
    page.get_by_role("button", name=th("Show the districts and subdistricts")).click()
    page.select_option("#id_district", "5001")
    page.get_by_role("button", name=th("Show the districts and subdistricts")).click()
    page.select_option("#id_subdistrict", "500102")
    page.get_by_label("ช่องขวา").check()
    page.fill("#id_description", "มีคนทิ้งขยะริมถนนทุกคืน")
    page.fill("#id_contact_phone", "0891234567")
    screenshot(page, "complaints-file-anonymous-nojs-th-phone")
    page.get_by_role("button", name=th("Send the complaint")).click()

    expect(page.locator("h1")).to_have_text(th("Your complaint is in"))
    complaint = Complaint.objects.get()
    assert complaint.complainant is None
    assert complaint.contact_phone == "0891234567"
    assert complaint.subdistrict_id == "500102"
    assert complaint.attribute_answers == {"lane": "right"}
    expect(page.locator("main")).to_contain_text(
        th("We have also sent it to you by SMS.")
    )
    screenshot(page, "complaints-filed-anonymous-nojs-th-phone")


def test_the_same_in_english_with_a_mistake_put_right(tree, open_page):
    page = open_page(viewport=PHONE, locale="en-GB")
    page.goto("/en/complaints/")
    expect(page.locator("h1")).to_have_text("Complaints and petitions")
    page.locator("main").get_by_role("link", name="File a complaint").first.click()
    page.select_option("#id_category", "noise")
    page.fill(
        "#id_description", "Loud music from the karaoke bar every night until 3 a.m."
    )
    page.fill("#id_contact_phone", "0812345678")
    page.get_by_role("button", name="Send the complaint").click()

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Choose the district where it happened")
    assert not Complaint.objects.exists()
    check_page(page, "complaints-file-error-en-phone")

    choose_place(page)
    page.get_by_role("button", name="Send the complaint").click()
    expect(page.locator("h1")).to_have_text("Your complaint is in")
    complaint = Complaint.objects.get()
    assert complaint.language == "en"
    page.get_by_role("link", name="Follow your complaint").click()
    expect(page.locator("h1")).to_contain_text(complaint.reference)
    expect(page.locator("[data-holder]")).to_contain_text("Damrongdham")
    check_page(page, "complaints-track-en-phone")


def test_the_liff_form_with_the_console_verifier(tree, settings, phone):
    settings.LINE_LOGIN_BACKEND = "console"
    settings.COMPLAINTS_LIFF_ID = ""
    phone.goto("/complaints/liff/")
    expect(phone.locator("h1")).to_have_text(th("File a complaint"))
    phone.select_option("#id_category", "noise")
    phone.fill("#id_description", "เสียงดังจากโรงงานตลอดคืน")
    choose_place(phone)
    check_page(phone, "complaints-liff-th-phone")

    # Without a LINE token the page says why and sends nothing.
    phone.get_by_role("button", name=th("Send the complaint")).click()
    expect(phone.locator(".error-summary")).to_contain_text(
        th(
            "Open this page from the LINE app: we could not confirm your LINE "
            "sign-in, so your complaint was not sent."
        )
    )
    assert not Complaint.objects.exists()

    phone.fill("#id_id_token", f"console:{LINE_USER}")
    phone.get_by_role("button", name=th("Send the complaint")).click()
    expect(phone.locator("h1")).to_have_text(th("Your complaint is in"))
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.LINE
    assert complaint.line_user_id == LINE_USER
    expect(phone.locator("main")).to_contain_text(
        th("We have also sent it to you in LINE.")
    )
    check_page(phone, "complaints-liff-filed-th-phone")


# Stands in for the LIFF SDK: LINE's servers cannot be reached from the tests.
FAKE_SDK = """
window.liff = {
  init: () => Promise.resolve(),
  isLoggedIn: () => true,
  login: () => { throw new Error("not expected"); },
  getIDToken: () => "eyJ.token-from-liff.sig",
};
"""


def test_inside_line_the_sdks_token_is_verified_by_the_server(tree, settings, phone):
    with fake_line_server() as line:
        settings.LINE_LOGIN_BACKEND = "line"
        settings.LINE_LOGIN_API_HOST = line.url
        settings.LINE_LOGIN_CHANNEL_ID = "1657000000"
        settings.COMPLAINTS_LIFF_ID = "1657000000-Cmpl4int"
        line.respond(
            200,
            {
                "iss": "https://access.line.me",
                "sub": LINE_USER,
                "aud": "1657000000",
                "exp": int(time.time()) + 600,
            },
        )
        phone.route(
            "**/static/vendor/liff/liff.js",
            lambda route: route.fulfill(content_type="text/javascript", body=FAKE_SDK),
        )
        # How LINE first opens the endpoint URL of https://liff.line.me/{liffId}.
        phone.goto("/complaints/liff/?liff.state=%2F")
        expect(phone.locator("#id_id_token")).to_have_count(0)
        phone.select_option("#id_category", "noise")
        phone.fill("#id_description", "เสียงดังจากโรงงานตลอดคืน")
        choose_place(phone)
        check_page(phone, "complaints-liff-in-line-th-phone")
        phone.get_by_role("button", name=th("Send the complaint")).click()

        expect(phone.locator("h1")).to_have_text(th("Your complaint is in"))
    [asked] = line.requests
    assert asked.form()["id_token"] == ["eyJ.token-from-liff.sig"]
    assert Complaint.objects.get().line_user_id == LINE_USER
