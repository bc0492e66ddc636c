"""Social Match targeting in Chromium, on a phone. A district's social worker,
in Thai: from the staff home's tile to the district's subdistricts, the
subdistrict's households ranked by need, records the community forum,
opens the neediest household (its people masked, why they were found),
confirms it citing the forum, records a service and selects it for case
management. HQ, in English, reads the country's statistics with their bar
chart and drills down to the district. axe-core checks every page; each page
must fit the 390-px screen."""

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.social.choices import HouseholdStatus, SourceKind
from saduak.social.models import TargetHousehold
from saduak.social.tests import targeting_setup as setup
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


def person(make_staff: Any, role: Role, office: str) -> User:
    user = make_staff(role, office)
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
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, f"{name} is wider than the phone"
    assert_accessible(page, name)


def submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def _households() -> TargetHousehold:
    neediest = setup.household(
        sources=(SourceKind.BASIC_NEEDS, SourceKind.WELFARE_CARD),
        incomes=(1200, 4500),
        need_score=12,
        people=2,
        house_code="50010100077",
    )
    setup.household(need_score=4)
    setup.household("500102", need_score=6)
    setup.rebuild()
    return neediest


def test_a_social_worker_confirms_serves_and_selects_a_household_in_thai(
    open_page, make_staff
):
    neediest = _households()
    setup.agency()
    worker = person(make_staff, Role.SOCIAL_WORKER, "do-5001")
    page = open_page(viewport=PHONE, locale="th-TH")
    sign_in(page, worker, "")

    page.goto("/staff/")
    page.get_by_role("link", name="Social Match", exact=True).click()
    expect(page.locator("h1")).to_contain_text("เมืองเชียงใหม่")
    checked(page, "social-district-th")

    page.get_by_role("link", name="ศรีภูมิ").click()
    expect(page.locator("tbody tr").first).to_contain_text("50010100077")
    checked(page, "social-subdistrict-th")

    page.get_by_role("link", name="บันทึกเวทีประชาคม").first.click()
    page.fill("#id_held_on", timezone.localdate().isoformat())
    page.fill("#id_attendees", "42")
    page.fill("#id_minutes", "ที่ประชุมหมู่ 3 รับรองครัวเรือนที่คัดกรองพบ")
    checked(page, "social-forum-th")
    submit(page, "main form")

    page.get_by_role("link", name="50010100077").click()
    expect(page.locator("main")).to_contain_text("x-xxxx-xxxxx-")
    expect(page.locator("main")).to_contain_text("แหล่งข้อมูลไม่ตรงกัน")
    checked(page, "social-household-th")

    page.locator("input[name=decision][value=confirm]").check()
    submit(page, "form[action$='/decision/']")
    expect(page.locator(".messages")).to_contain_text("บันทึกมติประชาคมแล้ว")

    page.select_option("#id_domain", "health")
    page.fill("#id_description", "พาไปตรวจสุขภาพที่โรงพยาบาลส่งเสริมสุขภาพตำบล")
    page.select_option("#id_agency", "pmj")
    submit(page, "form[action$='/services/']")
    expect(page.locator("main")).to_contain_text("พาไปตรวจสุขภาพ")

    submit(page, "form[action$='/select/']")
    checked(page, "social-household-selected-th")
    neediest.refresh_from_db()
    assert neediest.status == HouseholdStatus.SELECTED
    assert neediest.served_at is not None


def test_hq_reads_the_countrys_statistics_in_english(open_page, make_staff):
    _households()
    hq = person(make_staff, Role.HQ_ADMIN, "hq")
    page = open_page(viewport=PHONE, locale="en-GB")
    sign_in(page, hq, "/en")

    page.goto("/en/staff/social/")
    expect(page.locator("h1")).to_contain_text("The whole country")
    expect(page.locator("figure[data-chart=bar] canvas").first).to_be_visible()
    checked(page, "social-statistics-country-en")

    # The chart closes its table once drawn; the table holds the links down.
    page.locator("figure details summary").first.click()
    page.get_by_role("link", name="Chiang Mai").first.click()
    page.locator("figure details summary").first.click()
    page.get_by_role("link", name="Mueang Chiang Mai").first.click()
    expect(page.locator("h1")).to_contain_text("Mueang Chiang Mai")
    expect(page.locator("main")).to_contain_text("Si Phum")
    checked(page, "social-statistics-district-en")
