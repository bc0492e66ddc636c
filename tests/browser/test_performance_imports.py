"""A province imports its district breakdown from a file, in Chromium on a
phone. In Thai: the upload page, the preview with one row matched and one
misspelt name offered as the likely match, the person confirms it and the
table is applied. In English: a file with a name that is not on the map and
a bad number; the preview shows both rows' problems, confirming is refused,
and the import is discarded. axe-core checks every page."""

from typing import Any

import pytest
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.performance.choices import BreakdownLevel, ImportStatus
from saduak.performance.models import BreakdownImport, BreakdownRow
from saduak.performance.tests.factories import Built, framework_built
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"


@pytest.fixture
def province(small_map: None) -> Built:
    return framework_built(
        unit_level="province", unit_code="50", breakdown_level=BreakdownLevel.DISTRICT
    )


@pytest.fixture
def officer(make_staff: Any) -> User:
    user = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
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


def upload(page: Any, name: str, text: str, encoding: str = "utf-8") -> None:
    page.set_input_files(
        "#id_file",
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode(encoding)}],
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_province_imports_its_districts_confirming_a_likely_name_in_thai(
    phone: Any, province: Built, officer: User
) -> None:
    kpi = province.kpis["1.1"]
    sign_in(phone, officer)
    phone.goto(f"/staff/performance/imports/{kpi.public_id}/6/")
    expect(phone.locator("h1")).to_have_text("นำเข้าตารางจำแนกรายหน่วย")
    assert fits_the_screen(phone)
    assert_accessible(phone, "performance-import-upload-th")

    upload(
        phone,
        "ผลงานรายอำเภอ.csv",
        "อำเภอ,จังหวัด,ตัวตั้ง,ตัวหาร\n"
        'อ.เมือง,จ.เชียงใหม่,"1,230",๒๐๐๐\n'
        "อำเภอจอมทอน,เชียงใหม่,45,60\n",
        encoding="cp874",
    )
    expect(phone.locator("#line-2")).to_contain_text("ตรงกับแผนที่")
    expect(phone.locator("#line-3")).to_contain_text("น่าจะใช่ โปรดยืนยัน")
    assert fits_the_screen(phone)
    assert_accessible(phone, "performance-import-preview-th")

    phone.locator("#line-3 input[value='5002']").check()
    phone.get_by_role("button", name="ยืนยันและนำเข้าตาราง").click()
    phone.wait_for_load_state()
    expect(phone.locator(".messages")).to_contain_text(
        "นำเข้าตารางจำแนกรายหน่วยแล้ว 2 แถว"
    )
    expect(phone.locator("#import-status")).not_to_have_text("")
    assert_accessible(phone, "performance-import-applied-th")
    assert sorted(BreakdownRow.objects.values_list("district_id", flat=True)) == [
        "5001",
        "5002",
    ]


def test_a_file_with_unknown_names_is_shown_refused_and_discarded_in_english(
    phone: Any, province: Built, officer: User
) -> None:
    kpi = province.kpis["1.1"]
    sign_in(phone, officer, "/en")
    phone.goto(f"/en/staff/performance/imports/{kpi.public_id}/6/")
    expect(phone.locator("h1")).to_have_text("Import a breakdown table")
    assert_accessible(phone, "performance-import-upload-en")

    upload(phone, "plain.txt", "no table here")
    expect(phone.locator(".error-summary")).to_contain_text("header row")
    assert_accessible(phone, "performance-import-refused-en")

    upload(
        phone,
        "districts.csv",
        "District,Province,Numerator,Denominator\n"
        "Amphoe Muang,Chiang Mai,30,40\n"
        "Head office,Chiang Mai,5,10\n"
        "Chom Thong,Chiang Mai,1;5,10\n",
    )
    expect(phone.locator("#line-3")).to_contain_text("Not on the map")
    expect(phone.locator("#line-4")).to_contain_text("The numerator is not a number.")
    expect(phone.locator("#import-blocked")).to_contain_text(
        "2 rows cannot be imported"
    )
    expect(
        phone.get_by_role("button", name="Confirm and import the table")
    ).to_be_disabled()
    assert fits_the_screen(phone)
    assert_accessible(phone, "performance-import-preview-en")

    phone.get_by_role("button", name="Discard this import").click()
    phone.wait_for_load_state()
    expect(phone.locator(".messages")).to_contain_text("The import was discarded")
    assert set(BreakdownImport.objects.values_list("status", flat=True)) == {
        ImportStatus.DISCARDED
    }
    assert not BreakdownRow.objects.exists()
