"""Reporting KPI results in Chromium on a 390-px phone, in Thai and in
English. A counter officer named as a KPI's owner finds their KPIs on the
round page, reports a percentage KPI and a milestone KPI with an evidence
file; a province types its districts' breakdown rows (a refused table
first); HQ locks the round and unlocks it with a reason. axe-core checks
every page."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.core.uploads.sample_files import one_page_pdf
from saduak.performance.choices import RoundStatus
from saduak.performance.models import KpiResult, ResultEvidence
from saduak.performance.tests.results_setup import (
    department_framework,
    province_framework,
)
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"
LANGUAGES = [("th", "", "th-TH"), ("en", "/en", "en-GB")]
WORDS = {
    "th": {
        "mine": "ตัวชี้วัดที่ท่านต้องรายงาน",
        "saved": "บันทึกผลการดำเนินงานและคำนวณคะแนนแล้ว",
        "added": "เพิ่มไฟล์หลักฐานแล้ว",
        "rows_saved": "บันทึกตารางข้อมูลจำแนกรายหน่วยแล้ว",
        "locked": "ปิดรอบการรายงานแล้ว",
        "unlocked": "เปิดรอบการรายงานอีกครั้งแล้ว",
        "round_locked": "รอบการรายงานนี้ปิดแล้ว",
        "add_up": "ผลรวมของแถว",
    },
    "en": {
        "mine": "Your KPIs to report",
        "saved": "The result is saved and scored.",
        "added": "The evidence file is added.",
        "rows_saved": "The breakdown table is saved.",
        "locked": "The round is locked.",
        "unlocked": "The round is unlocked",
        "round_locked": "This round is locked.",
        "add_up": "add up to",
    },
}


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


def sign_in(page: Any, personal_id: str, prefix: str) -> None:
    page.goto(f"{prefix}/accounts/login/")
    page.fill("#id_username", personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def fits_the_screen(page: Any) -> bool:
    return bool(
        page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    )


def checked(page: Any, name: str) -> None:
    """Checks the page fits a phone and passes axe-core."""
    assert fits_the_screen(page), name
    assert_accessible(page, name)


@pytest.mark.parametrize(("language", "prefix", "locale"), LANGUAGES)
def test_a_kpi_owner_reports_a_numeric_and_a_milestone_kpi_with_evidence(
    open_page, make_staff, tmp_path, language, prefix, locale
):
    words = WORDS[language]
    owner = with_password(make_staff(Role.COUNTER_OFFICER, "reg-5001"))
    setup = department_framework(owner=owner)
    phone = open_page(viewport=PHONE, locale=locale)
    sign_in(phone, owner.personal_id, prefix)

    phone.goto(f"{prefix}/staff/performance/results/{setup.framework.public_id}/6/")
    mine = phone.locator(".pr-mine")
    expect(phone.locator("main")).to_contain_text(words["mine"])
    expect(mine.locator("li")).to_have_count(2)
    checked(phone, f"performance-results-round-{language}-phone")

    # A percentage KPI: the figures with the KPI's own labels.
    mine.locator("a", has_text="1.1").click()
    expect(phone.locator("h1")).to_contain_text("1.1")
    numerator_label = setup.approvals.numerator_label_th
    if language == "en":
        numerator_label = setup.approvals.numerator_label_en
    expect(phone.locator("label[for=id_numerator]")).to_have_text(numerator_label)
    checked(phone, f"performance-results-kpi-empty-{language}-phone")
    phone.fill("#id_numerator", "1700")
    phone.fill("#id_denominator", "2000")
    phone.fill("#id_measures", "ติดตามคำขอที่ล่าช้าทุกสัปดาห์")
    phone.locator("form.pr-form button[type=submit]").click()
    expect(phone.locator(".messages")).to_contain_text(words["saved"])
    expect(phone.locator(".pr-scorebox")).to_contain_text("75.00")
    checked(phone, f"performance-results-kpi-scored-{language}-phone")
    result = KpiResult.objects.get(kpi=setup.approvals)
    assert result.value == Decimal(85)

    # A milestone KPI: level 1's criteria met with their evidence, level 1
    # claimed, and the appointment order attached.
    phone.goto(f"{prefix}/staff/performance/results/kpi/{setup.plan.public_id}/6/")
    for item in setup.items:
        if item.level == 1:
            phone.locator(f"#id_met_{item.pk}").check()
            phone.fill(f"#id_evidence_{item.pk}", f"คำสั่งที่ {item.pk}/2569")
    phone.select_option("#id_level_claimed", "1")
    checked(phone, f"performance-results-milestone-{language}-phone")
    phone.locator("form.pr-form button[type=submit]").click()
    expect(phone.locator(".messages")).to_contain_text(words["saved"])
    expect(phone.locator(".pr-scorebox")).to_contain_text("50.00")

    order = Path(tmp_path) / "order.pdf"
    order.write_bytes(one_page_pdf(b"% the working group's order " * 40))
    phone.locator("#evidence-title ~ details summary").click()
    phone.set_input_files("#id_upload", str(order))
    phone.fill("#id_description", "คำสั่งแต่งตั้งคณะทำงาน")
    phone.locator("#evidence-title ~ details button[type=submit]").click()
    expect(phone.locator(".messages")).to_contain_text(words["added"])
    expect(phone.locator(".pr-evidence")).to_contain_text("order.pdf")
    checked(phone, f"performance-results-evidence-{language}-phone")
    assert ResultEvidence.objects.filter(result__kpi=setup.plan).count() == 1


@pytest.mark.parametrize(("language", "prefix", "locale"), LANGUAGES)
def test_a_province_types_its_districts_breakdown_rows(
    open_page, make_staff, language, prefix, locale
):
    words = WORDS[language]
    staff = with_password(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))
    province = province_framework("50")
    KpiResult.objects.create(
        kpi=province.kpi,
        round=province.round,
        numerator=Decimal(50),
        denominator=Decimal(60),
    )
    phone = open_page(viewport=PHONE, locale=locale)
    sign_in(phone, staff.personal_id, prefix)
    phone.goto(f"{prefix}/staff/performance/results/kpi/{province.kpi.public_id}/6/")
    phone.locator("#breakdown-entry summary").click()
    phone.select_option("#id_rows-0-unit", "5001")
    phone.fill("#id_rows-0-numerator", "30")
    phone.fill("#id_rows-0-denominator", "40")
    phone.select_option("#id_rows-1-unit", "5002")
    phone.fill("#id_rows-1-numerator", "10")
    phone.fill("#id_rows-1-denominator", "20")
    checked(phone, f"performance-results-breakdown-entry-{language}-phone")
    phone.locator("#breakdown-entry button[type=submit]").click()
    # The rows add up to 40 / 60, not the result's 50 / 60: refused.
    expect(phone.locator("#breakdown-entry")).to_contain_text("40")
    expect(phone.locator("#breakdown-entry .error-message")).to_be_visible()
    checked(phone, f"performance-results-breakdown-refused-{language}-phone")

    phone.fill("#id_rows-1-numerator", "20")
    phone.locator("#breakdown-entry button[type=submit]").click()
    expect(phone.locator(".messages")).to_contain_text(words["rows_saved"])
    expect(phone.locator(".pr-table tbody tr")).to_have_count(2)
    checked(phone, f"performance-results-breakdown-saved-{language}-phone")


@pytest.mark.parametrize(("language", "prefix", "locale"), LANGUAGES)
def test_hq_locks_the_round_and_unlocks_it_with_a_reason(
    open_page, make_staff, language, prefix, locale
):
    words = WORDS[language]
    hq = with_password(make_staff(Role.HQ_ADMIN, "hq"))
    setup = department_framework()
    phone = open_page(viewport=PHONE, locale=locale)
    sign_in(phone, hq.personal_id, prefix)
    round_url = f"{prefix}/staff/performance/results/{setup.framework.public_id}/6/"
    phone.goto(round_url)
    phone.locator("#lock-title + form button[type=submit]").click()
    expect(phone.locator(".messages")).to_contain_text(words["locked"])
    setup.round.refresh_from_db()
    assert setup.round.status == RoundStatus.LOCKED
    checked(phone, f"performance-results-round-locked-{language}-phone")

    phone.goto(f"{prefix}/staff/performance/results/kpi/{setup.waiting.public_id}/6/")
    expect(phone.locator(".pr-locked")).to_contain_text(words["round_locked"])
    expect(phone.locator("#id_numerator")).to_have_count(0)
    checked(phone, f"performance-results-kpi-locked-{language}-phone")

    phone.goto(round_url)
    phone.fill("#id_unlock-reason", "สั้น")
    phone.locator("#lock-title + form button[type=submit]").click()
    expect(phone.locator(".error-summary")).to_be_visible()
    checked(phone, f"performance-results-unlock-refused-{language}-phone")
    reason = "จังหวัดเชียงใหม่ส่งตัวเลขตัวชี้วัด 1.1 ฉบับแก้ไข"
    phone.fill("#id_unlock-reason", reason)
    phone.locator("#lock-title + form button[type=submit]").click()
    expect(phone.locator(".messages")).to_contain_text(words["unlocked"])
    expect(phone.locator(".pr-reason")).to_contain_text(reason)
    setup.round.refresh_from_db()
    assert setup.round.status == RoundStatus.OPEN
    assert setup.round.unlock_reason == reason
