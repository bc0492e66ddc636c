"""Screening rules in Chromium on a phone. In Thai: a province officer opens
the year's rules, adds a local rule whose condition names an unknown field
(the form says which), corrects it, and runs the screening of the province.
In English: HQ makes next year's rule set from the default rules. axe-core
checks every page."""

from typing import Any

import pytest
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.social.models import Rule, RuleSet, ScreeningRun
from saduak.social.services.rules import rule_set_create
from saduak.social.tests.screening_setup import an_import, personal_id, stage
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


def staff(make_staff: Any, role: Role, office: str) -> User:
    user: User = make_staff(role, office)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def sign_in(page: Any, user: User, prefix: str = "") -> None:
    page.goto(f"{prefix}/accounts/login/")
    page.fill("#id_username", user.personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def fits_the_screen(page: Any) -> bool:
    return bool(
        page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    )


def test_a_province_adds_a_local_rule_and_screens_its_province_in_thai(
    phone: Any, make_staff: Any
) -> None:
    rule_set_create(year=2569, name_th="เกณฑ์ 2569", start_from="default", actor="test")
    stage(an_import(), personal_id(), monthly_income=1000)
    officer = staff(make_staff, Role.PROVINCIAL_STAFF, "pao-50")
    sign_in(phone, officer)

    phone.goto("/staff/social/rules/2569/")
    expect(phone.locator("h1")).to_have_text("เกณฑ์คัดกรอง ปี 2569")
    assert fits_the_screen(phone)
    assert_accessible(phone, "social-rules-detail-th")

    phone.get_by_role("link", name="เพิ่มเกณฑ์").click()
    phone.fill("#id_key", "hill-village")
    phone.fill("#id_label_th", "หมู่บ้านบนดอยรายได้น้อย")
    phone.fill("#id_conditions", '[[{"field": "salary", "op": "lt", "value": 2000}]]')
    phone.locator("main form button[type=submit]").click()
    expect(phone.locator(".error-summary")).to_contain_text("salary")
    assert fits_the_screen(phone)
    assert_accessible(phone, "social-rules-form-error-th")

    phone.fill(
        "#id_conditions", '[[{"field": "monthly_income", "op": "lt", "value": 2000}]]'
    )
    phone.locator("main form button[type=submit]").click()
    expect(phone.locator(".messages")).to_contain_text("เพิ่มเกณฑ์แล้ว")
    assert Rule.objects.get(key="hill-village").province_id == "50"

    phone.locator("#run-title ~ form button[type=submit]").click()
    expect(phone.locator(".messages")).to_contain_text("คัดกรองเสร็จแล้ว")
    assert ScreeningRun.objects.get().households_found == 1
    assert_accessible(phone, "social-rules-run-th")


def test_hq_makes_next_years_rule_set_from_the_default_rules_in_english(
    phone: Any, make_staff: Any
) -> None:
    hq = staff(make_staff, Role.HQ_ADMIN, "hq")
    sign_in(phone, hq, "/en")
    phone.goto("/en/staff/social/rules/")
    expect(phone.locator("h1")).to_have_text("Screening rules")
    assert_accessible(phone, "social-rules-list-en")
    phone.fill("#id_year", "2570")
    phone.fill("#id_name_th", "เกณฑ์ 2570")
    phone.locator("main form button[type=submit]").click()
    expect(phone.locator("h1")).to_have_text("Screening rules 2570")
    assert RuleSet.objects.get().year == 2570
    assert Rule.objects.count() > 10
    assert fits_the_screen(phone)
    assert_accessible(phone, "social-rules-detail-en")
