"""Complaint figures in Chromium: provincial staff open their dashboard on a
phone, drill down to a district and its subdistricts, and download the
figures; a visitor reads the public figures on a phone in Thai and in
English, and no complainant's name, phone or words appear."""

import csv
import io
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.complaints.choices import Channel
from saduak.complaints.services.intake import Contact
from saduak.complaints.tests.factories import file_complaint, make_category
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"
SECRET_NAME = "นางสาวลับเฉพาะ ไม่ควรเห็น"
SECRET_PHONE = "0819990011"
SECRET_TEXT = "เจ้าหน้าที่เรียกเงินใต้โต๊ะที่ตลาดสดหน้าอำเภอ"


def th(message, context=""):
    with translation.override("th"):
        return pgettext(context, message) if context else gettext(message)


def sign_in(page, personal_id):
    page.goto("/accounts/login/")
    page.fill("#id_username", personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def some_complaints():
    roads = make_category()
    bribe = make_category(
        "bribery", group="officials", name_th="เรียกรับเงิน", name_en="Bribes"
    )
    for number, (district, category, channel) in enumerate(
        [
            ("5001", roads, Channel.WEB),
            ("5001", roads, Channel.LINE),
            ("5001", bribe, Channel.WEB),
            ("5002", roads, Channel.WEB),
            ("1001", bribe, Channel.WEB),
        ]
    ):
        file_complaint(
            category=category,
            district_code=district,
            channel=channel,
            description=f"{SECRET_TEXT} {number}",
            contact=Contact(name=SECRET_NAME, phone=SECRET_PHONE)
            if channel == Channel.WEB
            else Contact(line_user_id=f"U{number:032d}"),
        )


def test_province_staff_drill_down_and_download(open_page, small_map, make_staff):
    some_complaints()
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    page = open_page(viewport=PHONE, locale="th-TH", accept_downloads=True)
    sign_in(page, staff.personal_id)
    page.goto("/staff/complaints/reports/")
    expect(page.locator("h1")).to_contain_text(th("Complaint figures"))
    expect(page.locator("h1")).to_contain_text("เชียงใหม่")
    received = page.locator(".cr-stats div").filter(
        has_text=th("Received in the period")
    )
    expect(received.locator("dd")).to_have_text("4")
    assert fits_the_screen(page)
    assert_accessible(page, "complaints-reports-province-th")

    page.get_by_role("link", name="เมืองเชียงใหม่").first.click()
    expect(page.locator("h1")).to_contain_text("เมืองเชียงใหม่")
    expect(page.locator("#map-title")).to_have_text(
        th("Open complaints by subdistrict")
    )
    expect(page.locator(".cr-places li").first).to_contain_text("ศรีภูมิ")
    expect(page.locator(".cr-places li").first).to_contain_text("3")
    assert fits_the_screen(page)
    assert_accessible(page, "complaints-reports-district-th")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("complaints-5001-")
    rows = list(
        csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig")))
    )
    assert rows[0][3] == th("Received", "complaint figures")
    assert rows[1][:4] == [th("Total"), "5001", "เมืองเชียงใหม่", "3"]
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")

    # Back up to the province through the breadcrumbs.
    page.locator("nav.breadcrumbs a").last.click()
    expect(page.locator("h1")).to_contain_text("เชียงใหม่")


def test_a_district_admin_is_refused_another_province(open_page, small_map, make_staff):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5002")
    page = open_page(viewport=PHONE, locale="th-TH")
    sign_in(page, admin.personal_id)
    response = page.goto("/staff/complaints/reports/?level=province&code=10")
    assert response.status == 403
    page.goto("/staff/complaints/reports/")
    expect(page.locator("h1")).to_contain_text("จอมทอง")


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_public_figures_on_a_phone(open_page, small_map, language):
    some_complaints()
    prefix = "/en" if language == "en" else ""
    page = open_page(viewport=PHONE, locale="th-TH" if language == "th" else "en-US")
    page.goto(f"{prefix}/complaints/figures/")
    title = (
        "Damrongdham complaints in figures"
        if language == "en"
        else th("Damrongdham complaints in figures")
    )
    expect(page.locator("h1")).to_contain_text(title)
    assert fits_the_screen(page)
    assert_accessible(page, f"complaints-public-country-{language}")

    page.select_option("#cr-province", "50")
    page.locator("#province-jump button").click()
    expect(page.locator("h1")).to_contain_text(
        "Chiang Mai" if language == "en" else "เชียงใหม่"
    )
    page.get_by_role(
        "link", name="Mueang Chiang Mai" if language == "en" else "เมืองเชียงใหม่"
    ).first.click()
    expect(page.locator("#map-title")).to_be_visible()
    assert fits_the_screen(page)
    assert_accessible(page, f"complaints-public-district-{language}")
    content = page.content()
    for secret in (SECRET_NAME, SECRET_PHONE, SECRET_TEXT):
        assert secret not in content


def test_hq_reads_the_demo_on_a_desktop_in_english(
    open_page, small_map, make_staff, citizen
):
    """The demo's complaints at every state: medians, shares and ratings show."""
    from saduak.complaints.demo import complaints_seed_demo

    complaints_seed_demo(
        citizen=citizen,
        officer=make_staff(Role.DISTRICT_ADMIN, "do-5001"),
        province=make_staff(Role.PROVINCIAL_STAFF, "pao-50"),
    )
    hq = make_staff(Role.HQ_ADMIN, "hq")
    page = open_page(viewport={"width": 1280, "height": 900}, locale="en-US")
    sign_in(page, hq.personal_id)
    page.goto("/en/staff/complaints/reports/?level=district&code=5001")
    expect(page.locator("h1")).to_contain_text("Mueang Chiang Mai")
    resolve = page.locator(".cr-stats div").filter(
        has_text="Median working days to resolve"
    )
    expect(resolve.locator("dd")).not_to_have_text("–")
    rating = page.locator(".cr-stats div").filter(has_text="Rating (1–5)")
    expect(rating.locator("dd")).not_to_have_text("–")
    assert_accessible(page, "complaints-reports-district-desktop-en")
