"""HQ sets up the department's KPI framework in Chromium, on a phone, in Thai
and in English: from the staff home's tile, creates the framework, adds two
components, a numeric KPI, a lower-is-better KPI and a milestone KPI with its
criteria, a reporting round, publishes (refused: the weight error is listed),
fixes the weight, publishes, copies the framework into the next year, and
records PMQA scores with the all-agency averages. axe-core checks every page;
each page must fit the 390-px screen."""

from typing import Any

import pytest
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.performance.choices import FrameworkStatus
from saduak.performance.models import Framework, Kpi, MilestoneItem, PmqaAssessment
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"
YEAR = 2569

# What each language's pages say at the steps the test checks.
WORDS = {
    "th": {
        "tile": "กรอบตัวชี้วัดและ PMQA",
        "list": "กรอบตัวชี้วัด",
        "off": "ผลรวมไม่ตรง",
        "refused": "ยังประกาศใช้กรอบตัวชี้วัดไม่ได้",
        "ready": "พร้อมประกาศใช้",
        "published": "ประกาศใช้กรอบตัวชี้วัดแล้ว",
        "copied": "คัดลอกกรอบตัวชี้วัดของปีงบประมาณ",
        "pass": "ผ่านเกณฑ์",
    },
    "en": {
        "tile": "KPI frameworks and PMQA",
        "list": "KPI frameworks",
        "off": "Does not add up",
        "refused": "The framework cannot be published yet",
        "ready": "ready to publish",
        "published": "The framework is published.",
        "copied": "framework is copied",
        "pass": "Passes",
    },
}


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
    assert fits_the_screen(page), f"{name} is wider than the phone"
    assert_accessible(page, name)


def submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").click()


def fill_kpi(page: Any, **fields: str) -> None:
    """Fills the KPI editor: text by name, radios by `name=value`."""
    for name, value in fields.items():
        field = page.locator(f"main form [name='{name}']")
        kind = field.first.get_attribute("type")
        if kind == "radio":
            page.check(f"main form input[name='{name}'][value='{value}']")
        elif field.first.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    submit(page, "main form.ps-kpi-form")


def add_component(page: Any, code: str, name: str, weight: str) -> None:
    page.fill("[name='component-code']", code)
    page.fill("[name='component-name_th']", name)
    page.fill("[name='component-weight']", weight)
    submit(page, "form[action$='/components/']")


@pytest.mark.parametrize("language", ["th", "en"])
def test_hq_sets_up_the_departments_framework_on_a_phone(
    open_page, make_staff, language
):
    words = WORDS[language]
    prefix = "" if language == "th" else "/en"
    tag = f"{language}-phone"
    hq = with_password(make_staff(Role.HQ_ADMIN, "hq"))
    page = open_page(viewport=PHONE, locale="th-TH" if language == "th" else "en-GB")
    sign_in(page, hq.personal_id, prefix)

    page.goto(f"{prefix}/staff/")
    tile = page.locator("li.card", has_text=words["tile"])
    with page.expect_navigation():
        tile.locator("h2 a").click()
    expect(page.locator("h1")).to_contain_text(words["list"])
    page.goto(f"{prefix}/staff/performance/?year={YEAR}")
    checked(page, f"performance-setup-list-{tag}")

    # A new framework for the department.
    page.fill("[name='new-fiscal_year']", str(YEAR))
    page.select_option("[name='new-unit']", "country")
    page.fill("[name='new-name_th']", "คำรับรองการปฏิบัติราชการของกรม")
    page.fill("[name='new-name_en']", "The department's performance agreement")
    submit(page, "form[action$='/performance/new/']")
    framework = Framework.objects.get(fiscal_year=YEAR, unit_level="country")
    expect(page.locator("h1")).to_be_visible()

    add_component(page, "1", "ด้านผลการดำเนินงาน", "70")
    add_component(page, "2", "ด้านศักยภาพองค์กร", "30")
    expect(page.locator(".ps-component")).to_have_count(2)
    expect(page.locator(".ps-component").first).to_contain_text(words["off"])
    checked(page, f"performance-setup-framework-draft-{tag}")

    # A numeric KPI, higher is better.
    with page.expect_navigation():
        page.locator(".ps-component").nth(0).locator("a[href$='/kpis/new/']").click()
    checked(page, f"performance-setup-kpi-form-{tag}")
    fill_kpi(
        page,
        code="1.1",
        name_th="ร้อยละของคำขอที่พิจารณาแล้วเสร็จภายในกำหนด",
        weight="40",
        kind="numeric",
        direction="higher",
        measure_unit="percent",
        numerator_label_th="คำขอที่แล้วเสร็จภายในกำหนด",
        denominator_label_th="คำขอทั้งหมด",
        target_minimum="70",
        target_standard="80",
        target_advanced="90",
        origin="typed",
    )
    numeric = Kpi.objects.get(component__framework=framework, code="1.1")
    expect(page.locator("main table")).to_contain_text("90")
    checked(page, f"performance-setup-kpi-{tag}")

    # Lower is better: the targets must fall; rising ones are refused.
    page.goto(
        f"{prefix}/staff/performance/f/{framework.public_id}/components/1/kpis/new/"
    )
    fill_kpi(
        page,
        code="1.2",
        name_th="ระยะเวลาเฉลี่ยในการออกเอกสาร",
        weight="30",
        kind="numeric",
        direction="lower",
        measure_unit="days",
        numerator_label_th="จำนวนวันเฉลี่ย",
        target_minimum="5",
        target_standard="7",
        target_advanced="10",
        origin="typed",
    )
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_target_standard-error")).to_be_visible()
    checked(page, f"performance-setup-kpi-form-refused-{tag}")
    fill_kpi(page, target_minimum="10", target_standard="7", target_advanced="5")
    assert (
        Kpi.objects.get(component__framework=framework, code="1.2").direction == "lower"
    )

    # A milestone KPI with too little weight (20 of the component's 30).
    page.goto(
        f"{prefix}/staff/performance/f/{framework.public_id}/components/2/kpis/new/"
    )
    fill_kpi(
        page,
        code="2.1",
        name_th="ระดับความสำเร็จของการพัฒนาองค์กรสู่ระบบราชการ 4.0",
        weight="20",
        kind="milestone",
        measure_unit="points",
        origin="typed",
    )
    milestone = Kpi.objects.get(component__framework=framework, code="2.1")
    page.fill("[name='level_1_th']", "จัดทำแผนพัฒนาองค์กร\nแต่งตั้งคณะทำงาน")
    page.fill("[name='level_2_th']", "ดำเนินการตามแผนครบทุกกิจกรรม")
    page.fill("[name='level_3_th']", "ประเมินผลและปรับปรุงการดำเนินงาน")
    submit(page, "form[action$='/criteria/']")
    assert MilestoneItem.objects.filter(kpi=milestone).count() == 4
    expect(page.locator("main ol").first).to_contain_text("แต่งตั้งคณะทำงาน")
    checked(page, f"performance-setup-kpi-milestone-{tag}")

    # A round, then publishing: refused, the weight error named.
    page.goto(f"{prefix}/staff/performance/f/{framework.public_id}/")
    page.select_option("[name='round-months']", "12")
    page.fill("[name='round-due_on']", "2026-10-31")
    submit(page, "form[action$='/rounds/']")
    submit(page, "form[action$='/publish/']")
    summary = page.locator("#publish-problems-title + ul")
    expect(summary).to_contain_text("2")
    expect(summary).to_contain_text("20")
    assert numeric.pk and Framework.objects.get(pk=framework.pk).status == "draft"
    checked(page, f"performance-setup-publish-refused-{tag}")

    # The fix: the milestone KPI takes the component's whole 30.
    page.goto(f"{prefix}/staff/performance/kpi/{milestone.public_id}/edit/")
    fill_kpi(page, weight="30")
    page.goto(f"{prefix}/staff/performance/f/{framework.public_id}/")
    expect(page.locator(".ps-check")).to_contain_text(words["ready"])
    submit(page, "form[action$='/publish/']")
    expect(page.locator(".messages")).to_contain_text(words["published"])
    assert Framework.objects.get(pk=framework.pk).status == FrameworkStatus.PUBLISHED
    checked(page, f"performance-setup-framework-published-{tag}")

    # Next year starts from this one.
    page.goto(f"{prefix}/staff/performance/?year={YEAR + 1}")
    checked(page, f"performance-setup-list-next-year-{tag}")
    submit(page, f"form[action$='/f/{framework.public_id}/copy/']")
    expect(page.locator(".messages")).to_contain_text(words["copied"])
    copy = Framework.objects.get(fiscal_year=YEAR + 1, unit_level="country")
    assert copy.copied_from_id == framework.pk
    assert copy.status == FrameworkStatus.DRAFT
    assert Kpi.objects.filter(component__framework=copy).count() == 3
    assert copy.rounds.get().months == 12

    # PMQA: the all-agency averages, then the department's scores.
    page.goto(f"{prefix}/staff/performance/pmqa/{YEAR}/averages/")
    for category in range(1, 8):
        page.fill(f"[name='category_{category}_average']", "380")
    submit(page, "main form")
    checked(page, f"performance-pmqa-list-{tag}")
    page.goto(f"{prefix}/staff/performance/pmqa/{YEAR}/country/")
    for category in range(1, 8):
        page.fill(f"[name='category_{category}_self']", "420")
        page.fill(f"[name='category_{category}_assessor']", "405.5")
    submit(page, "main form")
    assert PmqaAssessment.objects.filter(
        fiscal_year=YEAR, unit_level="country"
    ).exists()
    expect(page.locator("main table tfoot")).to_contain_text(words["pass"])
    expect(page.locator("main table tbody")).to_contain_text("+25.5")
    checked(page, f"performance-pmqa-unit-{tag}")
