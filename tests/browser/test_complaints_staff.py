"""Officers handling Damrongdham complaints in Chromium. The district
officer, on a phone in Thai, finds the complaints from the staff home's tile,
accepts one, answers it, forwards it to the municipality, records the
municipality's answer, merges a suggested duplicate into it, resolves and
closes it (each action with htmx). The province, at a desk in English, sees
its districts' complaints, takes one over and transfers another to a
district. axe-core checks every page."""

from typing import Any

import pytest
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.areas.models import District, Subdistrict
from saduak.complaints.choices import ComplaintStatus, Outcome
from saduak.complaints.models import Complaint, ComplaintCategory
from saduak.complaints.services.intake import Contact, Where, complaint_file
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"
DESKTOP = {"width": 1280, "height": 900}
ROADS = "ถนนชำรุดเป็นหลุมลึกหน้าโรงเรียนบ้านหนองบัว รถจักรยานยนต์ล้มหลายคัน"
ROADS_AGAIN = "ถนนชำรุดเป็นหลุมลึกหน้าโรงเรียนบ้านหนองบัว รถล้มหลายคันแล้ว"


def road_category() -> ComplaintCategory:
    group = ComplaintCategory.objects.create(
        code="roads-group", name_th="ถนนและทางเท้า", name_en="Roads and pavements"
    )
    return ComplaintCategory.objects.create(
        code="road-damage", parent=group, name_th="ถนนชำรุด", name_en="Damaged road"
    )


def filed(
    category: ComplaintCategory, district: str, text: str, phone: str
) -> Complaint:
    return complaint_file(
        citizen=None,
        category=category,
        description=text,
        where=Where(
            district=District.objects.get(code=district),
            subdistrict=Subdistrict.objects.filter(district_id=district)
            .order_by("code")
            .first(),
        ),
        contact=Contact(name="มานี มีนา", phone=phone),
    )


def with_password(user: User) -> User:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def sign_in(page: Any, personal_id: str, prefix: str = "") -> None:
    page.goto(f"{prefix}/accounts/login/")
    page.fill("#id_username", personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def fits_the_screen(page: Any) -> bool:
    return bool(
        page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    )


def do(page: Any, action: str, **fields: str) -> None:
    """Opens the action's box, fills its fields and sends it; waits for htmx
    to put the work area back."""
    box = page.locator(f"#action-{action}")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    for name, value in fields.items():
        field = box.locator(f"[name='{action}-{name}']")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        elif field.get_attribute("type") == "checkbox":
            if value:
                field.check()
            else:
                field.uncheck()
        else:
            field.fill(value)
    with page.expect_response(lambda r: f"/{action}/" in r.url):
        box.locator("button[type=submit]").click()
    expect(page.locator("#complaint-work .message-success")).to_be_visible()


def status_of(complaint: Complaint) -> str:
    complaint.refresh_from_db()
    return complaint.status


def test_the_district_officer_handles_a_complaint_on_a_phone_in_thai(
    open_page, small_map, make_staff
):
    category = road_category()
    officer = with_password(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    complaint = filed(category, "5001", ROADS, "0811111111")
    duplicate = filed(category, "5001", ROADS_AGAIN, "0822222222")

    phone = open_page(viewport=PHONE, locale="th-TH")
    sign_in(phone, officer.personal_id)
    phone.goto("/staff/")
    tile = phone.locator("li.card", has=phone.locator("a[href^='/staff/complaints/']"))
    expect(tile).to_contain_text("2")
    tile.locator("h2 a").click()
    expect(phone.locator("h1")).to_contain_text("เรื่องร้องเรียน")
    expect(phone.locator("tbody")).to_contain_text(complaint.reference)
    assert fits_the_screen(phone)
    assert_accessible(phone, "complaints-staff-list-th-phone")

    phone.locator("tbody a", has_text=complaint.reference).click()
    expect(phone.locator("h1")).to_contain_text(complaint.reference)
    expect(phone.locator("main")).to_contain_text("มานี มีนา")
    expect(phone.locator("main")).to_contain_text(duplicate.reference)
    assert fits_the_screen(phone)
    assert_accessible(phone, "complaints-staff-complaint-th-phone")

    do(phone, "accept")
    assert status_of(complaint) == ComplaintStatus.ACCEPTED
    do(phone, "answer", text="รับเรื่องแล้ว จะประสานเทศบาลให้ซ่อมถนน")
    expect(phone.locator(".cs-timeline")).to_contain_text("จะประสานเทศบาลให้ซ่อมถนน")
    do(phone, "forward", agency="เทศบาลนครเชียงใหม่", text="ขอให้ซ่อมถนนหน้าโรงเรียน")
    assert status_of(complaint) == ComplaintStatus.FORWARDED
    assert_accessible(phone, "complaints-staff-forwarded-th-phone")
    do(phone, "agency-answer", text="เทศบาลจะซ่อมภายในวันศุกร์")
    assert status_of(complaint) == ComplaintStatus.IN_PROGRESS

    # The suggested duplicate joins this complaint.
    suggestion = phone.locator(".cs-duplicates li", has_text=duplicate.reference)
    expect(suggestion).to_contain_text("%")
    with phone.expect_response(lambda r: "/merge/" in r.url):
        suggestion.locator("button[value='into_this']").click()
    expect(phone.locator("#complaint-work .message-success")).to_contain_text(
        duplicate.reference
    )
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == (
        ComplaintStatus.CLOSED,
        complaint.pk,
    )

    do(phone, "resolve", text="เทศบาลซ่อมถนนเรียบร้อยแล้ว")
    assert status_of(complaint) == ComplaintStatus.RESOLVED
    do(phone, "close", outcome=Outcome.RESOLVED, text="ผู้ร้องยืนยันทางโทรศัพท์")
    assert status_of(complaint) == ComplaintStatus.CLOSED
    expect(phone.locator(".cs-timeline")).to_contain_text("ผู้ร้องยืนยันทางโทรศัพท์")
    assert_accessible(phone, "complaints-staff-closed-th-phone")

    # A call to the 1567 hotline, recorded on the phone.
    phone.goto("/staff/complaints/record/")
    phone.select_option("#id_channel", "hotline")
    phone.select_option("#id_category", "road-damage")
    phone.fill("#id_description", "โทร 1567 แจ้งไฟฟ้าส่องสว่างดับทั้งซอย มืดมาก")
    with phone.expect_response(lambda r: "/record/subdistricts/" in r.url):
        phone.select_option("#id_district", "5002")
    first = Subdistrict.objects.filter(district_id="5002").order_by("code").first()
    phone.select_option("#id_subdistrict", first.code)
    phone.fill("#id_name", "สมชาย ใจดี")
    phone.fill("#id_phone", "0899999999")
    assert fits_the_screen(phone)
    assert_accessible(phone, "complaints-staff-record-th-phone")
    phone.locator("main button[type=submit]").click()
    expect(phone.locator(".messages")).to_contain_text("บันทึกเรื่อง")
    recorded = Complaint.objects.get(channel="hotline")
    assert (recorded.district_id, recorded.subdistrict_id) == ("5002", first.code)
    assert recorded.recorded_by_id == officer.pk


def test_the_province_takes_over_and_transfers_at_a_desk_in_english(
    open_page, small_map, make_staff
):
    category = road_category()
    province = with_password(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))
    here = filed(category, "5001", ROADS, "0811111111")
    there = filed(category, "5002", "ไฟฟ้าส่องสว่างดับทั้งซอย มืดมาก", "0833333333")
    bangkok = filed(category, "1001", "น้ำท่วมขังซอยลาดพร้าว", "0844444444")

    desk = open_page(viewport=DESKTOP, locale="en-GB")
    sign_in(desk, province.personal_id, "/en")
    desk.goto("/en/staff/complaints/")
    expect(desk.locator("h1")).to_contain_text("Complaints")
    expect(desk.locator("tbody")).to_contain_text(here.reference)
    expect(desk.locator("tbody")).to_contain_text(there.reference)
    expect(desk.locator("tbody")).not_to_contain_text(bangkok.reference)
    assert_accessible(desk, "complaints-staff-list-en-province")

    desk.locator("tbody a", has_text=here.reference).click()
    do(desk, "take-over", reason="Repeated complaints; the province follows it.")
    here.refresh_from_db()
    assert here.office.code == "pao-50"
    expect(desk.locator("#complaint-work")).to_contain_text(
        "Taken over by the province"
    )
    assert_accessible(desk, "complaints-staff-taken-over-en")

    desk.goto(f"/en/staff/complaints/c/{there.reference}/")
    do(desk, "transfer", district="5001", reason="It happened in Mueang Chiang Mai.")
    there.refresh_from_db()
    assert there.holder_district_code == "5001"
    assert there.status == ComplaintStatus.RECEIVED

    # The same page on a phone, in English.
    phone = open_page(viewport=PHONE, locale="en-GB")
    sign_in(phone, province.personal_id, "/en")
    phone.goto(f"/en/staff/complaints/c/{there.reference}/")
    expect(phone.locator("main")).to_contain_text("Transferred to another district")
    assert fits_the_screen(phone)
    assert_accessible(phone, "complaints-staff-complaint-en-phone")


def test_hq_manages_a_category_and_issues_an_open311_key_in_english(
    open_page, small_map, make_staff
):
    from saduak.identity.models import Partner

    road_category()
    hq = with_password(make_staff(Role.HQ_ADMIN, "hq"))
    Partner.objects.create(
        name_th="เทศบาลนครเชียงใหม่",
        name_en="Chiang Mai City Municipality",
        kind="agency",
        purpose_th="รับเรื่องร้องเรียนจากแอปของเทศบาล",
    )
    phone = open_page(viewport=PHONE, locale="en-GB")
    sign_in(phone, hq.personal_id, "/en")
    phone.goto("/en/staff/complaints/categories/")
    expect(phone.locator("main")).to_contain_text("Damaged road")
    assert fits_the_screen(phone)
    assert_accessible(phone, "complaints-staff-categories-en-phone")
    phone.get_by_role("link", name="Damaged road").click()
    phone.fill("#id_resolve_days", "10")
    assert_accessible(phone, "complaints-staff-category-en-phone")
    phone.get_by_role("button", name="Save the category").click()
    expect(phone.locator(".messages")).to_contain_text("road-damage is saved")
    assert ComplaintCategory.objects.get(code="road-damage").resolve_days == 10

    phone.goto("/en/staff/complaints/open311-keys/")
    phone.select_option("#id_partner", label="Chiang Mai City Municipality")
    phone.fill("#id_name", "The municipality's complaint app")
    phone.get_by_role("button", name="Issue the key").click()
    key = phone.locator("#new-key").inner_text()
    assert key.startswith("o311_")
    assert fits_the_screen(phone)
    assert_accessible(phone, "complaints-staff-keys-en-phone")
