"""Case management in Chromium on a 390-px phone. In Thai, the district's
social worker opens a case for a selected household, assesses it, adds a plan
step, refers it to an agency, records a follow-up and closes it; in English
the case list shows the closed case. axe-core checks every page."""

from typing import Any

import pytest
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.social.choices import CaseStatus
from saduak.social.models import Case
from saduak.social.tests.case_setup import household
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


def sign_in(page: Any, user: User, prefix: str) -> None:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    page.goto(f"{prefix}/accounts/login/")
    page.fill("#id_username", user.personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def checked(page: Any, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        name
    )
    assert_accessible(page, name)


def test_a_social_worker_in_thai_works_a_case_from_opening_to_closure(
    open_page, make_staff, make_user
):
    worker = make_staff(Role.SOCIAL_WORKER, "do-5001")
    member = make_user()
    home = household(people=[member.personal_id])
    phone = open_page(viewport=PHONE, locale="th-TH")
    sign_in(phone, worker, "")

    phone.goto(f"/staff/social/cases/households/{home.public_id}/open/")
    expect(phone.locator("h1")).to_have_text("เปิดเคส")
    checked(phone, "social-case-open-th-phone")
    phone.select_option("#id_case_worker", str(worker.pk))
    phone.locator("label[for=id_follow_up_frequency_0]").click()
    phone.locator("main button[type=submit]").click()
    case = Case.objects.get()
    expect(phone.locator("h1")).to_have_text(f"เคส {case.reference}")
    expect(phone.locator("main")).to_contain_text("แผนพัฒนาครอบครัว")
    checked(phone, "social-case-detail-th-phone")

    phone.locator("a", has_text="ประเมิน").first.click()
    phone.locator("label[for=id_capability_2]").click()
    phone.fill("#id_need_housing", "หลังคารั่ว")
    checked(phone, "social-case-assess-th-phone")
    phone.locator("main button[type=submit]").click()
    expect(phone.locator("main")).to_contain_text("หลังคารั่ว")

    phone.locator("a", has_text="เพิ่มขั้นตอนในแผน").click()
    phone.select_option("#id_domain", "housing")
    phone.fill("#id_goal", "ซ่อมหลังคา")
    phone.fill("#id_service", "บ้านมั่นคง")
    phone.select_option("#id_agency", "codi-baan-mankong")
    phone.locator("main button[type=submit]").click()
    expect(phone.locator("main")).to_contain_text("ซ่อมหลังคา")

    phone.locator("a", has_text="ส่งต่อหน่วยงาน").click()
    phone.select_option("#id_agency", "dep")
    phone.fill("#id_reason", "ขอบัตรคนพิการ")
    phone.locator("main button[type=submit]").click()
    expect(phone.locator("main")).to_contain_text("ขอบัตรคนพิการ")

    phone.locator("a", has_text="บันทึกการติดตาม").click()
    phone.fill("#id_note", "เยี่ยมบ้านแล้ว")
    phone.locator("main button[type=submit]").click()
    expect(phone.locator("main")).to_contain_text("เยี่ยมบ้านแล้ว")

    phone.locator("a", has_text="ปิดเคส").click()
    phone.locator("label[for=id_outcome_0]").click()
    phone.fill("#id_note", "กลับสู่ครอบครัว")
    checked(phone, "social-case-close-th-phone")
    phone.locator("main button[type=submit]").click()
    expect(phone.locator("main")).to_contain_text("เคสนี้ปิดแล้วและดูได้อย่างเดียว")
    assert Case.objects.get().status == CaseStatus.CLOSED

    english = open_page(viewport=PHONE, locale="en-GB")
    sign_in(english, worker, "/en")
    english.goto("/en/staff/social/cases/?status=closed")
    expect(english.locator("h1")).to_have_text("Cases")
    expect(english.locator("tbody")).to_contain_text(case.reference)
    checked(english, "social-case-list-en-phone")
